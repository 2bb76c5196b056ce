"""An office's configuration: services with their charter data, counters, officials, rules.

Read from TOML (`sheba office import`), kept in SQL, and mirrored into Redis as JSON so every
process sees the same configuration without touching SQL on a request.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, time
from typing import Any

from server.errors import ShebaError
from server.queue.keys import OFFICE_SLUG

POLICIES = ("pooled", "assigned")
# Sunday to Thursday: Python's weekday() numbers Monday as 0.
DEFAULT_WORKING_DAYS = (6, 0, 1, 2, 3)


@dataclass(frozen=True)
class Service:
    code: str
    prefix_bn: str
    name_bn: str
    name_en: str
    section_bn: str = ""
    section_en: str = ""
    kind: str = "counter"
    opens: str = "09:00"
    closes: str = "17:00"
    daily_quota: int = 0
    avg_minutes: float = 5.0
    max_time_bn: str = ""
    max_time_en: str = ""
    documents_bn: tuple[str, ...] = ()
    documents_en: tuple[str, ...] = ()
    fee_bn: str = ""
    fee_en: str = ""
    officer_bn: str = ""
    officer_en: str = ""
    room_bn: str = ""
    icon: str = ""

    def hours(self) -> tuple[time, time]:
        return time.fromisoformat(self.opens), time.fromisoformat(self.closes)

    def charter(self) -> dict[str, Any]:
        """The citizen's charter as public JSON: time to deliver, documents, fee."""
        return {
            "max_time_bn": self.max_time_bn,
            "max_time_en": self.max_time_en,
            "documents_bn": list(self.documents_bn),
            "documents_en": list(self.documents_en),
            "fee_bn": self.fee_bn,
            "fee_en": self.fee_en,
        }


@dataclass(frozen=True)
class Counter:
    number: int
    name_bn: str
    name_en: str
    services: tuple[str, ...]
    initial_state: str = "open"


@dataclass(frozen=True)
class Official:
    slug: str
    name_bn: str
    name_en: str
    title_bn: str
    title_en: str
    room_bn: str = ""
    email: str = ""
    # Meetings: the hours the official receives visitors, cut into slots around breaks.
    opens: str = "10:00"
    closes: str = "17:00"
    breaks: tuple[str, ...] = ("13:00-14:00",)
    slot_minutes: int = 10
    # Requests per day before the kiosk offers the next working day; 0 means no cap.
    daily_cap: int = 60
    # An unanswered request is escalated after this many minutes of the official's hours.
    reply_target_minutes: int = 30
    # Who hears of an escalation: another official's slug and/or a phone and an e-mail.
    escalate_to: str = ""
    escalation_phone: str = ""
    escalation_email: str = ""
    # Meeting references: `DC-014` and, on Bengali pages, `ডিসি-০১৪`.
    ref_prefix: str = ""
    ref_prefix_bn: str = ""

    def hours(self) -> tuple[time, time]:
        return time.fromisoformat(self.opens), time.fromisoformat(self.closes)

    def break_times(self) -> list[tuple[time, time]]:
        spans = []
        for span in self.breaks:
            start, _, end = span.partition("-")
            spans.append((time.fromisoformat(start.strip()), time.fromisoformat(end.strip())))
        return sorted(spans)

    def prefixes(self) -> tuple[str, str]:
        latin = self.ref_prefix or self.slug.upper()
        return latin, self.ref_prefix_bn or latin


@dataclass(frozen=True)
class Office:
    slug: str
    name_bn: str
    name_en: str
    address_bn: str = ""
    policy: str = "pooled"
    recall_limit: int = 2
    phone_daily_limit: int = 5
    priority_share: float = 0.2
    idempotency_ttl_secs: int = 24 * 3600
    hours_enforced: bool = True
    working_days: tuple[int, ...] = DEFAULT_WORKING_DAYS
    holidays: tuple[str, ...] = ()
    services: dict[str, Service] = field(default_factory=dict)
    counters: dict[int, Counter] = field(default_factory=dict)
    officials: dict[str, Official] = field(default_factory=dict)

    def service(self, code: object) -> Service:
        if not isinstance(code, str) or code.upper() not in self.services:
            raise ShebaError(
                "not_found",
                "No such service in this office.",
                "এই অফিসে এমন কোনো সেবা নেই।",
                field="service",
            )
        return self.services[code.upper()]

    def counter(self, number: object) -> Counter:
        try:
            key = int(str(number))
        except ValueError:
            key = -1
        if key not in self.counters:
            raise ShebaError(
                "not_found", "No such counter.", "এমন কোনো কাউন্টার নেই।", field="counter"
            )
        return self.counters[key]

    def counters_serving(self, code: str) -> list[int]:
        return [c.number for c in self.counters.values() if code in c.services]

    def holiday_dates(self) -> set[date]:
        return {date.fromisoformat(d) for d in self.holidays}

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Office:
        """Build and check an office from TOML or JSON; a wrong file says what is wrong."""
        try:
            services = {
                s["code"].upper(): Service(
                    **{
                        **s,
                        "code": s["code"].upper(),
                        "documents_bn": tuple(s.get("documents_bn", ())),
                        "documents_en": tuple(s.get("documents_en", ())),
                    }
                )
                for s in _items(raw.get("services", []))
            }
            counters = {
                int(c["number"]): Counter(
                    **{**c, "number": int(c["number"]), "services": tuple(c["services"])}
                )
                for c in _items(raw.get("counters", []))
            }
            officials = {
                o["slug"]: Official(**{**o, "breaks": tuple(o.get("breaks", Official.breaks))})
                for o in _items(raw.get("officials", []))
            }
            rules = {k: v for k, v in raw.items() if k not in ("services", "counters", "officials")}
            rules["working_days"] = tuple(rules.get("working_days", DEFAULT_WORKING_DAYS))
            rules["holidays"] = tuple(str(d) for d in rules.get("holidays", ()))
            office = cls(**rules, services=services, counters=counters, officials=officials)
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"invalid office configuration: {exc!r}") from exc
        office.check()
        return office

    def check(self) -> None:
        if not OFFICE_SLUG.fullmatch(self.slug):
            raise ValueError(f"office slug {self.slug!r}: lowercase letters, digits, dashes")
        if self.policy not in POLICIES:
            raise ValueError(f"policy must be one of {POLICIES}")
        for counter in self.counters.values():
            unknown = set(counter.services) - set(self.services)
            if unknown:
                raise ValueError(f"counter {counter.number} serves unknown {sorted(unknown)}")
        for service in self.services.values():
            if not service.code.isalpha() or len(service.code) != 1:
                raise ValueError(f"service code {service.code!r} must be one Latin letter")
            service.hours()
        for official in self.officials.values():
            opens, closes = official.hours()
            official.break_times()
            if opens >= closes or official.slot_minutes <= 0:
                raise ValueError(f"official {official.slug}: hours or slot length are wrong")
            if official.escalate_to and official.escalate_to not in self.officials:
                raise ValueError(f"official {official.slug}: unknown escalate_to")


def _items(value: Any) -> list[dict[str, Any]]:
    """TOML tables may be arrays of tables or tables keyed by code; accept both."""
    if isinstance(value, dict):
        return list(value.values())
    return list(value)
