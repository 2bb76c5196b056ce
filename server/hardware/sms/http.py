"""The generic HTTP SMS gateway: one request per message, shaped by an `HttpGatewayConfig`."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import httpx

from server.hardware.sms.gateway import GatewayError, SendResult, SmsMessage
from server.hardware.sms.http_config import (
    MISSING,
    HttpGatewayConfig,
    load_config,
    lookup,
    render,
    same,
)
from server.hardware.sms.segments import count_parts, encoding

__all__ = ["HttpGateway", "HttpGatewayConfig", "load_config"]

# How much of a refusing gateway's body goes into the error (and so into logs and the outbox).
_BODY_EXCERPT_CHARS = 200


class HttpGateway:
    """Sends each SMS as one HTTP request and judges the answer by the config's rules.

    5xx, timeouts and connection errors are retryable; any other refusal (4xx, an answer
    that breaks the success rule) is not, unless the config's `[retry]` table says so.
    A timeout is ambiguous (the gateway may have sent the SMS): only a gateway with an
    `idempotency_header` makes the retry safe, which `SendResult.supports_idempotency` tells.
    """

    def __init__(self, config: HttpGatewayConfig, *, client: httpx.AsyncClient | None = None):
        self.config = config
        self.name = f"http:{config.name}"
        # Read once, so a missing variable fails at start-up rather than at the first SMS.
        self._secrets = config.secret_values()
        self._client = client or httpx.AsyncClient(timeout=config.timeout_secs)
        self._owns_client = client is None
        self._regex = re.compile(config.success_regex) if config.success_regex else None
        if config.send_as == "query" and self._secrets:
            # httpx logs every request URL at INFO; with secrets in the query string that
            # would write the API key into the log.
            logging.getLogger("httpx").setLevel(logging.WARNING)

    async def aclose(self) -> None:
        if self._owns_client:
            await self._client.aclose()

    def request_parts(self, message: SmsMessage) -> dict[str, Any]:
        """The keyword arguments of the `httpx` request for `message` (no IO)."""
        config = self.config
        values = {
            "phone": message.phone,
            "phone_national": message.phone_national,
            "phone_digits": message.phone_digits,
            "text": message.text,
            "idempotency_key": message.idempotency_key,
            "encoding": encoding(message.text),
            **self._secrets,
        }
        params = render(config.params, values)
        headers = render(config.headers, values)
        if config.idempotency_header:
            headers[config.idempotency_header] = message.idempotency_key
        parts: dict[str, Any] = {"method": config.method, "url": config.url, "headers": headers}
        if config.send_as == "json":
            parts["json"] = params
        else:
            flat = {key: _form_value(value) for key, value in params.items()}
            parts["params" if config.send_as == "query" else "data"] = flat
        return parts

    async def send(self, message: SmsMessage) -> SendResult:
        config = self.config
        try:
            response = await self._client.request(
                **self.request_parts(message), timeout=config.timeout_secs
            )
        except httpx.TimeoutException as exc:
            raise GatewayError(f"{self.name}: timed out ({type(exc).__name__})", True) from exc
        except httpx.TransportError as exc:
            # The exception text never carries the URL, whose query may hold the API key.
            raise GatewayError(f"{self.name}: {type(exc).__name__}: {exc}", True) from exc

        status = response.status_code
        if status >= 500 or status not in config.success_statuses:
            raise GatewayError(
                f"{self.name}: HTTP {status}: {_excerpt(response.text)}",
                retryable=status >= 500 or status in config.retryable_statuses,
                status=status,
            )
        document = _json_or_missing(response)
        if config.success_json_path:
            value = lookup(document, config.success_json_path)
            if not same(value, config.success_equals):
                shown = "absent" if value is MISSING else repr(value)
                raise GatewayError(
                    f"{self.name}: {config.success_json_path} is {shown}: "
                    f"{_excerpt(response.text)}",
                    retryable=config.retry_on_rule_failure
                    or any(same(value, wanted) for wanted in config.retryable_values),
                    status=status,
                )
        if self._regex and not self._regex.search(response.text):
            raise GatewayError(
                f"{self.name}: answer does not match the success rule: {_excerpt(response.text)}",
                retryable=config.retry_on_rule_failure,
                status=status,
            )
        message_id = None
        if config.message_id_path:
            found = lookup(document, config.message_id_path)
            if found is not MISSING and found is not None and found != "":
                message_id = str(found)
        return SendResult(
            gateway_message_id=message_id,
            parts=count_parts(message.text),
            supports_idempotency=config.idempotency_header is not None,
        )


def _form_value(value: Any) -> str:
    # TOML booleans would otherwise go out as "True"; gateways expect "true"/"1".
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _json_or_missing(response: httpx.Response) -> Any:
    try:
        return response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return MISSING


def _excerpt(body: str) -> str:
    body = " ".join(body.split())
    if len(body) > _BODY_EXCERPT_CHARS:
        return body[:_BODY_EXCERPT_CHARS] + "…"
    return body
