"""The only place Redis key names are spelled.

Every key of an office carries the hash tag `{office}` so that an office lives on one Redis
Cluster slot and its Lua scripts may touch any of its keys.
"""

from __future__ import annotations

import re

OFFICE_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")


def prefix(office: str) -> str:
    return f"sheba:{{{office}}}:"


def events(office: str) -> str:
    return prefix(office) + "events"


def epoch(office: str) -> str:
    return prefix(office) + "epoch"


def config(office: str) -> str:
    return prefix(office) + "config"


def token(office: str, token_id: str) -> str:
    return prefix(office) + "tok:" + token_id


def counter(office: str, number: int | str) -> str:
    return prefix(office) + f"ctr:{number}"


def service_queue(office: str, service: str) -> str:
    return prefix(office) + f"q:{service}"


def counter_queue(office: str, number: int | str) -> str:
    return prefix(office) + f"qa:{number}"


def parked(office: str) -> str:
    """Set of parked token ids (the park, unpark and transition scripts spell it P .. 'parked')."""
    return prefix(office) + "parked"


def service_stats(office: str, service: str) -> str:
    return prefix(office) + f"stat:{service}"


def day_stats(office: str, day: str) -> str:
    return prefix(office) + f"day:{day}"


def recent_calls(office: str) -> str:
    return prefix(office) + "calls"


def meeting(office: str, meeting_id: str) -> str:
    return prefix(office) + "mtg:" + meeting_id


def meetings_all(office: str) -> str:
    """Every live meeting of the office, scored by request time (ms)."""
    return prefix(office) + "mall"


def meetings_pending(office: str, official: str) -> str:
    """An official's unanswered requests in the order they came."""
    return prefix(office) + f"mq:{official}"


def meeting_slots(office: str, official: str, day: str) -> str:
    """Claimed slots of an official's day: slot start `HH:MM` -> meeting id."""
    return prefix(office) + f"mslot:{official}:{day}"


def meeting_escalations(office: str) -> str:
    """Unanswered requests scored by the moment (ms) they escalate."""
    return prefix(office) + "mesc"


def printer(office: str) -> str:
    """The ticket printer's last known state (`state`, `message`), set by the spooler."""
    return prefix(office) + "printer"


def offices() -> str:
    """The set of office slugs this Redis serves."""
    return "sheba:offices"


def session(session_id: str) -> str:
    return f"sheba:session:{session_id}"


def api_key(digest: str) -> str:
    return f"sheba:apikey:{digest}"


def login_failures(username: str) -> str:
    return f"sheba:loginfail:{username}"


def printed(office: str, token_id: str) -> str:
    """Set once, before a token's ticket is sent: a ticket prints at most once."""
    return prefix(office) + "printed:" + token_id
