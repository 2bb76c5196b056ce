"""The one error type: a closed set of codes, each with an HTTP status and both languages."""

from __future__ import annotations

from typing import Any

# code -> (HTTP status, English, Bengali)
CODES: dict[str, tuple[int, str, str]] = {
    "invalid_json": (400, "The request body is not valid JSON.", "অনুরোধটি সঠিক JSON নয়।"),
    "invalid_input": (400, "Some input is missing or wrong.", "কিছু তথ্য নেই বা ভুল।"),
    "invalid_phone": (
        400,
        "Enter a Bangladeshi mobile number, e.g. 01712-345678.",
        "সঠিক মোবাইল নম্বর দিন, যেমন ০১৭১২-৩৪৫৬৭৮।",
    ),
    "unauthorized": (401, "Please log in.", "অনুগ্রহ করে লগইন করুন।"),
    "bad_credentials": (
        401,
        "Wrong username or password.",
        "ব্যবহারকারীর নাম বা পাসওয়ার্ড ভুল।",
    ),
    "forbidden": (403, "You may not do this here.", "এখানে এই কাজের অনুমতি আপনার নেই।"),
    "not_found": (404, "Not found.", "পাওয়া যায়নি।"),
    "invalid_state": (
        409,
        "This cannot be done in the current state.",
        "বর্তমান অবস্থায় এটি করা যায় না।",
    ),
    "service_closed": (409, "This service is closed now.", "এই সেবাটি এখন বন্ধ।"),
    "quota_reached": (
        409,
        "Today's tokens for this service are finished.",
        "এই সেবার আজকের টোকেন শেষ।",
    ),
    "already_requested": (
        409,
        "This phone already has an open request with this official.",
        "এই নম্বরে এই কর্মকর্তার কাছে একটি অনুরোধ ইতিমধ্যে খোলা আছে।",
    ),
    "official_full": (
        409,
        "The official's meeting list for this day is full; try the next working day.",
        "এই দিনের সাক্ষাতের তালিকা পূর্ণ; পরের কর্মদিবসে চেষ্টা করুন।",
    ),
    "slot_taken": (
        409,
        "This time has just been given to someone else; choose another.",
        "এই সময়টি এইমাত্র অন্য কাউকে দেওয়া হয়েছে; অন্য সময় বেছে নিন।",
    ),
    "invalid_slot": (
        400,
        "Choose a free time within the official's hours on a working day, not in the past.",
        "কর্মদিবসে কর্মকর্তার সাক্ষাতের সময়ের মধ্যে একটি খালি, ভবিষ্যতের সময় বেছে নিন।",
    ),
    "too_large": (413, "The request is too large.", "অনুরোধটি খুব বড়।"),
    "locked": (
        423,
        "Too many failed attempts; try again in a few minutes.",
        "অনেকবার ভুল হয়েছে; কয়েক মিনিট পরে আবার চেষ্টা করুন।",
    ),
    "too_many": (
        429,
        "Too many tokens for this phone today.",
        "এই নম্বরে আজ অনেক টোকেন নেওয়া হয়েছে।",
    ),
    "unavailable": (
        503,
        "The service is starting or unavailable; try again shortly.",
        "সেবাটি এখন পাওয়া যাচ্ছে না; একটু পরে আবার চেষ্টা করুন।",
    ),
}


class ShebaError(Exception):
    """A refusal with a reason a person can read, in English and Bengali."""

    def __init__(
        self,
        code: str,
        message: str | None = None,
        message_bn: str | None = None,
        *,
        field: str | None = None,
        http_status: int | None = None,
        **extra: Any,
    ) -> None:
        default_status, default_en, default_bn = CODES[code]
        self.code = code
        self.status = http_status or default_status
        self.message = message or default_en
        self.message_bn = message_bn or default_bn
        self.field = field
        self.extra = extra
        super().__init__(f"{code}: {self.message}")

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "code": self.code,
            "message": self.message,
            "message_bn": self.message_bn,
        }
        if self.field:
            body["field"] = self.field
        body.update(self.extra)
        return {"error": body}
