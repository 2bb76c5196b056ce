"""The configuration of the generic HTTP SMS gateway, read from TOML (or a dict).

Templates (`params` and `headers` values, any string inside a JSON body) may use
`{phone}` (+8801712345678), `{phone_national}` (01712345678), `{phone_digits}`
(8801712345678), `{text}`, `{idempotency_key}`, `{encoding}` ("gsm7" or "ucs2"),
`{api_key}` (from the environment variable named by `api_key_env`) and any name bound to an
environment variable in the `[env]` table. Write `{{` and `}}` for literal braces.
See gateways/*.toml for annotated examples.
"""

from __future__ import annotations

import os
import string
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

GATEWAYS_DIR = Path(__file__).parent / "gateways"
MESSAGE_FIELDS = frozenset(
    {"phone", "phone_national", "phone_digits", "text", "idempotency_key", "encoding"}
)
_TOP_KEYS = frozenset(
    {
        "name",
        "url",
        "method",
        "send_as",
        "timeout_secs",
        "api_key_env",
        "env",
        "params",
        "headers",
        "success",
        "retry",
        "message_id_path",
        "idempotency_header",
    }
)
MISSING: Any = object()


@dataclass(frozen=True)
class HttpGatewayConfig:
    """One HTTP SMS API, described as data. Build it with `load_config`."""

    name: str
    url: str
    method: Literal["GET", "POST"] = "POST"
    send_as: Literal["query", "form", "json"] = "form"
    params: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    timeout_secs: float = 10.0
    # placeholder name -> environment variable holding its value (secrets stay out of files)
    env: dict[str, str] = field(default_factory=dict)
    success_statuses: tuple[int, ...] = (200,)
    success_json_path: str | None = None
    success_equals: Any = None
    success_regex: str | None = None
    message_id_path: str | None = None
    idempotency_header: str | None = None
    # 5xx, timeouts and connection errors are always retryable; these widen that.
    retryable_statuses: tuple[int, ...] = ()
    retryable_values: tuple[Any, ...] = ()
    retry_on_rule_failure: bool = False

    def __post_init__(self) -> None:
        if self.method not in ("GET", "POST"):
            raise ValueError(f"{self.name}: method must be GET or POST")
        if self.send_as not in ("query", "form", "json"):
            raise ValueError(f"{self.name}: send_as must be query, form or json")
        if self.method == "GET" and self.send_as != "query":
            raise ValueError(f'{self.name}: a GET request can only send_as = "query"')
        if self.send_as != "json" and any(
            isinstance(value, dict | list) for value in self.params.values()
        ):
            raise ValueError(f'{self.name}: nested params need send_as = "json"')
        if self.success_equals is not None and not self.success_json_path:
            raise ValueError(f"{self.name}: success.equals needs success.json_path")
        known = MESSAGE_FIELDS | set(self.env)
        for template in _strings(self.params, self.headers):
            for _literal, name, _spec, _conversion in string.Formatter().parse(template):
                if name is not None and name not in known:
                    raise ValueError(f"{self.name}: unknown placeholder {{{name}}} in {template!r}")

    def secret_values(self) -> dict[str, str]:
        """The `[env]` placeholders, read now; ValueError naming any variable that is unset."""
        values = {}
        for placeholder, variable in self.env.items():
            value = os.environ.get(variable)
            if not value:
                raise ValueError(f"SMS gateway {self.name}: set {variable} in the environment")
            values[placeholder] = value
        return values


def load_config(source: str | Path | Mapping[str, Any]) -> HttpGatewayConfig:
    """A config from a dict, a TOML file path, or the name of a shipped one (`bulksmsbd`)."""
    if isinstance(source, Mapping):
        return from_dict(source)
    text = str(source)
    if isinstance(source, Path) or text.endswith(".toml") or os.sep in text:
        path = Path(text).expanduser()
    else:
        path = GATEWAYS_DIR / f"{text}.toml"
        if not path.is_file():
            shipped = sorted(item.stem for item in GATEWAYS_DIR.glob("*.toml"))
            raise ValueError(f"no shipped SMS gateway {text!r}; shipped: {', '.join(shipped)}")
    with path.open("rb") as file:
        return from_dict(tomllib.load(file), default_name=path.stem)


def from_dict(data: Mapping[str, Any], *, default_name: str = "http") -> HttpGatewayConfig:
    """A config from the TOML layout (top-level keys, `[params]`, `[success]`, `[retry]`...)."""
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise ValueError(f"unknown SMS gateway setting(s): {', '.join(sorted(unknown))}")
    if "url" not in data:
        raise ValueError("an HTTP SMS gateway needs a url")
    success = dict(data.get("success", {}))
    retry = dict(data.get("retry", {}))
    for table, allowed in (
        (success, {"status", "json_path", "equals", "body_regex"}),
        (retry, {"status", "json_values", "on_rule_failure"}),
    ):
        extra = set(table) - allowed
        if extra:
            raise ValueError(f"unknown SMS gateway setting(s): {', '.join(sorted(extra))}")
    env = dict(data.get("env", {}))
    if data.get("api_key_env"):
        env["api_key"] = data["api_key_env"]
    return HttpGatewayConfig(
        name=data.get("name", default_name),
        url=data["url"],
        method=str(data.get("method", "POST")).upper(),  # type: ignore[arg-type]
        send_as=data.get("send_as", "form"),
        params=dict(data.get("params", {})),
        headers={key: str(value) for key, value in data.get("headers", {}).items()},
        timeout_secs=float(data.get("timeout_secs", 10.0)),
        env=env,
        success_statuses=tuple(success.get("status", (200,))),
        success_json_path=success.get("json_path"),
        success_equals=success.get("equals"),
        success_regex=success.get("body_regex"),
        message_id_path=data.get("message_id_path"),
        idempotency_header=data.get("idempotency_header") or None,
        retryable_statuses=tuple(retry.get("status", ())),
        retryable_values=tuple(retry.get("json_values", ())),
        retry_on_rule_failure=bool(retry.get("on_rule_failure", False)),
    )


def render(template: Any, values: Mapping[str, str]) -> Any:
    """Fill placeholders in every string of `template`; numbers and booleans pass through."""
    if isinstance(template, str):
        # format_map, not format(**): the values are inserted verbatim, never re-parsed, so a
        # text containing "{" is safe.
        return template.format_map(values)
    if isinstance(template, dict):
        return {key: render(value, values) for key, value in template.items()}
    if isinstance(template, list):
        return [render(value, values) for value in template]
    return template


def lookup(document: Any, path: str) -> Any:
    """`lookup({"data": [{"id": 7}]}, "data.0.id")` → 7; MISSING when the path is absent."""
    current = document
    for step in path.split("."):
        if isinstance(current, dict) and step in current:
            current = current[step]
        elif (
            isinstance(current, list)
            and step.lstrip("-").isdigit()
            and -len(current) <= int(step) < len(current)
        ):
            current = current[int(step)]
        else:
            return MISSING
    return current


def same(actual: Any, expected: Any) -> bool:
    """Loose equality: APIs answer 202 as a number or as "202" from one release to the next."""
    if actual is MISSING:
        return False
    return actual == expected or str(actual).strip().lower() == str(expected).strip().lower()


def _strings(*templates: Any) -> list[str]:
    found: list[str] = []
    for template in templates:
        if isinstance(template, str):
            found.append(template)
        elif isinstance(template, dict):
            found.extend(_strings(*template.values()))
        elif isinstance(template, list):
            found.extend(_strings(*template))
    return found
