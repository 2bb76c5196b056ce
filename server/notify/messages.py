"""What to say to whom for one event: drafts of outbox rows, rendered from templates."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from server.hardware.sms.segments import count_parts, fit
from server.notify.templates import Renderer
from server.queue.domain import display_code, display_code_bn
from server.queue.office import Office

# Event types that text the citizen named in the event, and where the citizen is found.
TOKEN_EVENTS = ("token.issued", "token.called", "token.recalled")
MEETING_EVENTS = (
    "meeting.requested",
    "meeting.scheduled",
    "meeting.declined",
    "meeting.rescheduled",
    "meeting.cancelled",
)
COMPLAINT_EVENTS = ("complaint.filed", "complaint.updated", "complaint.resolved")
COMPLAINT_STATUS = {
    "bn": {
        "filed": "গৃহীত",
        "in_progress": "প্রক্রিয়াধীন",
        "forwarded": "সংশ্লিষ্ট শাখায় পাঠানো",
        "resolved": "নিষ্পত্তি",
        "rejected": "নামঞ্জুর",
    },
    "en": {
        "filed": "received",
        "in_progress": "in progress",
        "forwarded": "forwarded",
        "resolved": "resolved",
        "rejected": "rejected",
    },
}


@dataclass(frozen=True)
class Draft:
    """One message to queue. `key` makes it idempotent: the same key is queued once."""

    key: str
    template: str
    channel: str
    lang: str
    text: str
    parts: int
    phone: str = ""
    email: str = ""
    subject: str = ""
    token_id: str | None = None


def lang_of(raw: dict[str, Any]) -> str:
    return "en" if raw.get("lang") == "en" else "bn"


def token_context(office: Office, raw: dict[str, Any], lang: str) -> dict[str, Any]:
    """Names a token's messages use: its display number in the citizen's script, service..."""
    number = int(raw["number"])
    service = office.services.get(str(raw.get("service", "")))
    return {
        "office_name": office.name_bn if lang == "bn" else office.name_en,
        "display": display_code_bn(raw["prefix_bn"], number)
        if lang == "bn"
        else display_code(raw["prefix"], number),
        "service_name": (service.name_bn if lang == "bn" else service.name_en) if service else "",
        "counter": raw.get("counter") or "",
    }


class Composer:
    """Renders drafts within the SMS part budget (never cutting a Bengali letter in two)."""

    def __init__(self, renderer: Renderer, max_parts: int) -> None:
        self.renderer = renderer
        self.max_parts = max_parts

    def sms(
        self,
        key: str,
        template: str,
        phone: str,
        lang: str,
        context: dict[str, Any],
        token_id: str | None = None,
    ) -> Draft:
        text = fit(self.renderer.render(template, lang, context), self.max_parts)
        return Draft(
            key=f"{key}:{template}"[:120],
            template=template,
            channel="sms",
            lang=lang,
            text=text,
            parts=count_parts(text),
            phone=phone,
            token_id=token_id,
        )

    def mail(
        self, key: str, template: str, address: str, lang: str, context: dict[str, Any]
    ) -> Draft:
        text = self.renderer.render(template, lang, context)
        subject = f"{context.get('office_name', '')}: {text.splitlines()[0]}"[:200]
        return Draft(
            key=f"{key}:{template}:mail"[:120],
            template=template,
            channel="email",
            lang=lang,
            text=text,
            parts=0,
            email=address,
            subject=subject,
        )

    def for_record(
        self, event_id: str, event_type: str, office: Office, data: dict[str, Any]
    ) -> list[Draft]:
        """Drafts for a meeting or complaint event: an SMS, and a mail if it has an address."""
        kind = event_type.split(".", 1)[0]
        record = data.get(kind)
        if not isinstance(record, dict):
            return []
        lang = lang_of(record)
        context = {
            "office_name": office.name_bn if lang == "bn" else office.name_en,
            "official_name": _official_name(office, record, lang),
            "at": record.get("at") or "",
            "reason": record.get("reason") or "",
            # DC-014 for English readers, ডিসি-০১৪ for Bengali ones.
            "ref": (lang == "bn" and record.get("ref_bn")) or record.get("ref") or "",
            "tracking_no": record.get("tracking_no") or "",
            "status_text": COMPLAINT_STATUS[lang].get(
                str(record.get("status", "")), str(record.get("status", ""))
            ),
        }
        drafts = []
        if record.get("phone"):
            drafts.append(self.sms(event_id, event_type, record["phone"], lang, context))
        if record.get("email"):
            drafts.append(self.mail(event_id, event_type, record["email"], lang, context))
        return drafts


def _official_name(office: Office, record: dict[str, Any], lang: str) -> str:
    for key in (f"official_name_{lang}", "official_name"):
        if record.get(key):
            return str(record[key])
    official = office.officials.get(str(record.get("official", "")))
    if official is None:
        return ""
    return official.name_bn if lang == "bn" else official.name_en
