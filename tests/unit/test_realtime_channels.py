"""Who may open which realtime channel, and what each channel sees of an event."""

from __future__ import annotations

import json
import string
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from server.bengali import to_bn_digits
from server.queue.store import Actor
from server.realtime import channels
from server.realtime.channels import View
from server.realtime.envelope import Event

TZ = ZoneInfo("Asia/Dhaka")
OFFICE = "magura"
EVENT_ID = "1732870000000-0"
AT = "2026-11-29T10:15:02+06:00"
PHONE = "+8801712345678"
ISSUED_MS = "1732849200000"  # 2024-11-29 09:00 in Dhaka
TOKEN_TYPES = (
    "token.issued",
    "token.called",
    "token.recalled",
    "token.serving",
    "token.completed",
    "token.no_show",
    "token.cancelled",
    "token.transferred",
    "token.parked",
    "token.unparked",
    "token.deferred",
    "token.prioritised",
)
COUNTER_TYPES = ("counter.opened", "counter.paused", "counter.closed")
MEETING_TYPES = (
    "meeting.requested",
    "meeting.seen",
    "meeting.scheduled",
    "meeting.declined",
    "meeting.rescheduled",
    "meeting.forwarded",
    "meeting.escalated",
    "meeting.attended",
    "meeting.missed",
)
OTHER_TYPES = (
    "complaint.filed",
    "complaint.updated",
    "complaint.resolved",
    "notification.sent",
    "notification.failed",
    "printer.status",
    "day.rolled",
)
ALL_TYPES = TOKEN_TYPES + COUNTER_TYPES + MEETING_TYPES + OTHER_TYPES


def raw_token(**changes: str) -> dict[str, str]:
    """A token as the Lua scripts keep it (and put it on the stream): every value a string."""
    token = {
        "id": "tok_9f2c1a7e3b",
        "office": OFFICE,
        "service": "B",
        "number": "23",
        "prefix": "B",
        "prefix_bn": "খ",
        "day": "2024-11-29",
        "status": "called",
        "phone": PHONE,
        "priority": "0",
        "counter": "2",
        "pinned": "0",
        "issued_ms": ISSUED_MS,
        "called_ms": str(int(ISSUED_MS) + 600_000),
        "score": "7",
        "order": "7",
        "recalls": "0",
        "lang": "bn",
        "transfers": "0",
        "outcome": "asked for a land record copy",
    }
    token.update(changes)
    return token


def raw_meeting(official: str = "dc", **changes: str) -> dict[str, str]:
    meeting = {
        "id": "mtg_51c0d2",
        "office": OFFICE,
        "official": official,
        "official_name_bn": "জেলা প্রশাসক",
        "official_name_en": "Deputy Commissioner",
        "first_official": official,
        "ref": "DC-004",
        "ref_bn": "ডিসি-০০৪",
        "day": "2024-11-29",
        "status": "pending",
        "phone": PHONE,
        "name": "রহিমা খাতুন",
        "purpose": "land",
        "details": "আমার জমির নামজারি আটকে আছে",
        "lang": "bn",
        "order": "4",
        "requested_ms": ISSUED_MS,
        "requested_at": "2024-11-29T09:00:00+06:00",
        "due_ms": "",
        "escalated": "0",
    }
    meeting.update(changes)
    return meeting


def event(kind: str, data: dict[str, Any], entry_id: str = EVENT_ID) -> Event:
    return Event(id=entry_id, office=OFFICE, type=kind, at=AT, data=data)


def actor(role: str, kind: str = "user", office: str | None = OFFICE, **more: Any) -> Actor:
    return Actor(kind=kind, id=f"{kind}-{role}", role=role, office=office, **more)


STAFF_ACTOR = {"kind": "user", "id": "u7", "role": "counter", "name": "Karim", "device": ""}


def called_event(**token: str) -> Event:
    data = {"token": raw_token(**token), "counter": 2, "from": "waiting", "actor": STAFF_ACTOR}
    return event("token.called", data)


def decode(message: str | None) -> dict[str, Any]:
    assert message is not None
    decoded: dict[str, Any] = json.loads(message)
    return decoded


# -- may_open -------------------------------------------------------------------------------

DISPLAY_KEY = actor("display", kind="apikey")
KIOSK_KEY = actor("kiosk", kind="apikey")
COUNTER_KEY = actor("counter", kind="apikey")
ADMIN_KEY = actor("admin", kind="apikey")
COUNTER_USER = actor("counter")
ADMIN_USER = actor("admin")
DC_USER = actor("official", official="dc")
UNBOUND_OFFICIAL = actor("official")


@pytest.mark.parametrize(
    ("channel", "who", "expected"),
    [
        # Public screens need nobody; a staff session there is simply ignored.
        ("display", None, None),
        ("kiosk", None, None),
        ("display", COUNTER_USER, None),
        ("kiosk", actor("counter", office="dhaka"), None),
        ("display", actor("official", office="dhaka", official="dc"), None),
        # A device key offered on a public channel is checked all the same.
        ("display", DISPLAY_KEY, None),
        ("kiosk", KIOSK_KEY, None),
        ("display", COUNTER_KEY, None),
        ("kiosk", ADMIN_KEY, None),
        ("display", KIOSK_KEY, 4403),
        ("kiosk", DISPLAY_KEY, 4403),
        ("display", actor("display", kind="apikey", office="dhaka"), 4403),
        # Staff channels: nobody is 4401, the wrong role or office 4403.
        ("counter", None, 4401),
        ("official", None, 4401),
        ("admin", None, 4401),
        ("counter", COUNTER_USER, None),
        ("counter", COUNTER_KEY, None),
        ("counter", ADMIN_USER, None),
        ("counter", DISPLAY_KEY, 4403),
        ("counter", DC_USER, 4403),
        ("counter", actor("counter", office="dhaka"), 4403),
        ("counter", actor("counter", office=None), 4403),
        ("official", DC_USER, None),
        ("official", ADMIN_USER, None),
        ("official", UNBOUND_OFFICIAL, 4403),
        ("official", COUNTER_USER, 4403),
        ("official", actor("official", office="dhaka", official="dc"), 4403),
        ("admin", ADMIN_USER, None),
        ("admin", ADMIN_KEY, None),
        ("admin", COUNTER_USER, 4403),
        ("admin", DC_USER, 4403),
        ("admin", actor("admin", office="dhaka"), 4403),
    ],
)
def test_may_open_decides_per_channel_role_and_office(
    channel: str, who: Actor | None, expected: int | None
) -> None:
    assert channels.may_open(channel, who, OFFICE) == expected


# -- view_for and as_official ---------------------------------------------------------------


def test_views_of_shared_channels_do_not_depend_on_who_opened_them() -> None:
    # The hub encodes once per view: every counter socket must share one.
    for channel in ("display", "kiosk", "counter", "admin"):
        views = {channels.view_for(channel, who) for who in (None, COUNTER_USER, ADMIN_USER)}
        assert views == {View(channel)}


def test_official_view_is_bound_to_the_officials_own_meetings() -> None:
    assert channels.view_for("official", DC_USER) == View("official", "dc")
    assert channels.view_for("official", ADMIN_USER) == View("official", every_official=True)
    chosen = channels.as_official("official", ADMIN_USER, "adc-general")
    assert chosen is not None and chosen.official == "adc-general"
    assert channels.view_for("official", chosen) == View("official", "adc-general")


def test_only_an_admin_on_the_official_channel_may_act_as_another_official() -> None:
    assert channels.as_official("official", DC_USER, "adc-general") is DC_USER
    assert channels.as_official("official", COUNTER_USER, "dc") is COUNTER_USER
    assert channels.as_official("counter", ADMIN_USER, "dc") is ADMIN_USER
    assert channels.as_official("official", ADMIN_USER, None) is ADMIN_USER
    assert channels.as_official("official", ADMIN_USER, "") is ADMIN_USER
    assert channels.as_official("official", None, "dc") is None
    # The admin's own identity is kept: only the official being watched changes.
    chosen = channels.as_official("official", ADMIN_USER, "dc")
    assert chosen is not None and (chosen.role, chosen.id) == ("admin", ADMIN_USER.id)


# -- what each channel sees -----------------------------------------------------------------


def test_display_sees_a_call_without_the_token_id_phone_outcome_or_actor() -> None:
    message = decode(channels.encode(View("display"), called_event(), "3", TZ))
    assert message["id"] == EVENT_ID and message["epoch"] == "3"
    assert message["type"] == "token.called" and message["office"] == OFFICE
    assert message["data"] == {
        "counter": 2,
        "from": "waiting",
        "token": {
            "office": OFFICE,
            "service": "B",
            "number": 23,
            "display": "B-023",
            "display_bn": "খ-০২৩",
            "status": "called",
            "counter": 2,
            "recalls": 0,
            "issued_at": "2024-11-29T09:00:00+06:00",
            "called_at": "2024-11-29T09:10:00+06:00",
            "served_at": None,
            "completed_at": None,
        },
    }


def test_display_hears_of_a_parked_token_so_that_its_tile_empties() -> None:
    parked = {**raw_token(), "status": "parked"}
    seen = channels.visible(View("display"), event("token.parked", {"token": parked}), TZ)
    assert seen is not None and seen["token"]["status"] == "parked"


def test_display_ignores_issues_meetings_complaints_and_notifications() -> None:
    for kind in ("token.issued", "token.unparked", "printer.status", *MEETING_TYPES):
        assert channels.visible(View("display"), event(kind, {"token": raw_token()}), TZ) is None
    for kind in OTHER_TYPES:
        if kind != "day.rolled":
            assert channels.encode(View("display"), event(kind, {}), "1", TZ) is None


def test_kiosk_sees_queue_lengths_and_the_printer_but_not_calls_being_served() -> None:
    kiosk = View("kiosk")
    issued = channels.visible(kiosk, event("token.issued", {"token": raw_token()}), TZ)
    assert issued is not None and issued["token"]["display"] == "B-023"
    assert "phone_masked" not in issued["token"] and "id" not in issued["token"]
    for kind in ("token.serving", "token.completed", "token.recalled", "complaint.filed"):
        assert channels.visible(kiosk, event(kind, {"token": raw_token()}), TZ) is None
    printer = event("printer.status", {"state": "paper_out", "message": "কাগজ শেষ", "x": 1})
    assert channels.visible(kiosk, printer, TZ) == {"state": "paper_out", "message": "কাগজ শেষ"}


def test_public_channels_keep_only_plain_facts_next_to_the_token() -> None:
    data = {
        "token": raw_token(status="transferred"),
        "from_service": "B",
        "to_service": "C",
        "to_counter": None,
        "reason": "wrong queue",
        "note": "citizen was rude",
        "phone": PHONE,
        "name": "রহিমা খাতুন",
        "actor": STAFF_ACTOR,
    }
    for view in (View("display"), View("kiosk")):
        seen = channels.visible(view, event("token.transferred", data), TZ)
        assert seen is not None
        assert set(seen) == {"token", "from_service", "to_service", "to_counter"}
    rolled = event(
        "day.rolled",
        {"day": "2024-11-30", "previous": "2024-11-29", "expired": ["tok_1", "tok_2"], "count": 2},
    )
    assert channels.visible(View("display"), rolled, TZ) == {
        "day": "2024-11-30",
        "previous": "2024-11-29",
        "count": 2,
    }


def test_counter_sees_tokens_with_the_phone_masked_and_only_who_acted() -> None:
    message = decode(channels.encode(View("counter"), called_event(), "1", TZ))
    token = message["data"]["token"]
    assert token["id"] == "tok_9f2c1a7e3b"
    assert token["phone_masked"] == "017••••5678"
    assert "phone" not in token
    assert message["data"]["actor"] == {"kind": "user", "role": "counter", "name": "Karim"}
    assert PHONE not in json.dumps(message) and "1712345678" not in json.dumps(message)
    for kind in (*MEETING_TYPES, "complaint.filed", "notification.sent", "printer.status"):
        assert (
            channels.visible(View("counter"), event(kind, {"meeting": raw_meeting()}), TZ) is None
        )
    assert channels.visible(View("counter"), event("day.rolled", {"count": 0}), TZ) == {"count": 0}


def meeting_event(kind: str, official: str, **data: Any) -> Event:
    return event(kind, {"meeting": raw_meeting(official), **data})


def test_an_official_sees_only_their_own_meetings() -> None:
    mine = channels.view_for("official", DC_USER)
    theirs = meeting_event("meeting.requested", "adc-general", position=0, pending=1)
    assert channels.visible(mine, theirs, TZ) is None
    own = channels.visible(mine, meeting_event("meeting.requested", "dc", position=0), TZ)
    assert own is not None and own["meeting"]["official"]["slug"] == "dc"
    # A request forwarded away is still news to the screen it leaves.
    away = meeting_event("meeting.forwarded", "adc-general", from_official="dc")
    assert channels.visible(mine, away, TZ) is not None
    into = meeting_event("meeting.forwarded", "dc", from_official="adc-general")
    assert channels.visible(View("official", "adc-general"), into, TZ) is not None
    assert channels.visible(View("official", "adc-rev"), into, TZ) is None
    # Nobody bound: nothing at all, never everything.
    assert channels.visible(View("official"), theirs, TZ) is None
    # Tokens and counters are not the official channel's business.
    assert channels.visible(mine, called_event(), TZ) is None


def test_an_admin_sees_every_meeting_unless_watching_one_official() -> None:
    every = channels.view_for("official", ADMIN_USER)
    for official in ("dc", "adc-general", "adc-rev"):
        assert channels.visible(every, meeting_event("meeting.seen", official), TZ) is not None
    watching = channels.view_for("official", channels.as_official("official", ADMIN_USER, "dc"))
    assert channels.visible(watching, meeting_event("meeting.seen", "dc"), TZ) is not None
    assert channels.visible(watching, meeting_event("meeting.seen", "adc-rev"), TZ) is None
    admin = View("admin")
    for official in ("dc", "adc-rev"):
        assert channels.visible(admin, meeting_event("meeting.requested", official), TZ)


@pytest.mark.parametrize("view", [View("official", "dc"), View("admin")])
def test_staff_see_a_meeting_with_the_phone_masked(view: View) -> None:
    message = decode(channels.encode(view, meeting_event("meeting.requested", "dc"), "1", TZ))
    meeting = message["data"]["meeting"]
    assert meeting["phone_masked"] == "017••••5678"
    assert "phone" not in meeting
    assert meeting["name"] == "রহিমা খাতুন"
    assert meeting["official"] == {
        "slug": "dc",
        "name_bn": "জেলা প্রশাসক",
        "name_en": "Deputy Commissioner",
    }
    assert "1712345678" not in json.dumps(message, ensure_ascii=False)


def test_admin_sees_everything_with_the_actor_trimmed() -> None:
    data = {"notification": {"id": 4, "phone_masked": "017••••5678"}, "actor": STAFF_ACTOR}
    seen = channels.visible(View("admin"), event("notification.failed", data), TZ)
    assert seen == {
        "notification": {"id": 4, "phone_masked": "017••••5678"},
        "actor": {"kind": "user", "role": "counter", "name": "Karim"},
    }
    assert channels.visible(View("backstage"), event("token.called", {}), TZ) is None


def test_encoding_is_compact_json_with_bengali_left_readable() -> None:
    message = channels.encode(View("display"), called_event(), "7", TZ)
    assert message is not None
    assert "খ-০২৩" in message and "\\u" not in message
    assert ", " not in message and ": " not in message


# -- the property: a public screen never carries a phone, a name or free text ---------------

BN_LETTERS = "অআইউএওকখগঘচছজঝটঠডঢতথদধনপফবভমযরলশসহড়য়ািীুূেৈোৌ্ং"
# Words a citizen could have typed (a name, a complaint, a purpose): long enough that a chance
# match with a status or an office name is out of the question.
prose = st.text(alphabet=BN_LETTERS + string.ascii_letters + " ", min_size=8, max_size=40).filter(
    lambda s: len(s.strip()) >= 8
)
phones = st.from_regex(r"1[3-9][0-9]{8}", fullmatch=True)
statuses = st.sampled_from(
    ["waiting", "called", "serving", "completed", "no_show", "cancelled", "parked"]
)
numbers = st.integers(min_value=1, max_value=9999)


@st.composite
def private_event(draw: st.DrawFn) -> tuple[Event, str, list[str]]:
    """An event of any type whose data holds a citizen's phone, name and words wherever a
    script, the notifier or a future feature might put them."""
    national = draw(phones)
    e164 = "+880" + national
    name, words = draw(prose), draw(prose)
    token = raw_token(
        phone=e164,
        number=str(draw(numbers)),
        status=draw(statuses),
        counter=str(draw(st.integers(1, 12))),
        outcome=words,
        recalls=str(draw(st.integers(0, 5))),
    )
    meeting = raw_meeting(
        draw(st.sampled_from(["dc", "adc-general"])), phone=e164, name=name, details=words
    )
    optional: dict[str, st.SearchStrategy[Any]] = {
        "token": st.just(token),
        "meeting": st.just(meeting),
        "complaint": st.just({"tracking_no": "C-17", "phone": e164, "name": name, "text": words}),
        "actor": st.just({"kind": "user", "id": "u1", "role": "counter", "name": name}),
        "notification": st.just({"id": 3, "phone_masked": "017••••" + national[-4:]}),
        "phone": st.sampled_from([e164, "0" + national, to_bn_digits("0" + national)]),
        "name": st.just(name),
        "reason": st.just(words),
        "details": st.just(words),
        "text": st.just(words),
        "escalation": st.just({"name": name, "phone": e164}),
        # Plain facts a public screen may show.
        "counter": st.integers(1, 12),
        "from": statuses,
        "was": st.sampled_from(["open", "paused", "closed"]),
        "state": st.sampled_from(["open", "paused", "closed", "ok", "paper_out"]),
        "from_service": st.sampled_from(["A", "B", "C"]),
        "to_counter": st.none() | st.integers(1, 12),
        "count": st.integers(0, 500),
    }
    data = draw(st.fixed_dictionaries({}, optional=optional))
    kind = draw(
        st.sampled_from(ALL_TYPES) | st.from_regex(r"[a-z]{1,9}\.[a-z_]{1,9}", fullmatch=True)
    )
    if kind.startswith("token."):
        data["token"] = token
    return event(kind, data), national, [name, words]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(private_event(), st.sampled_from(["display", "kiosk"]))
def test_public_channels_never_carry_a_phone_digit_name_or_free_text(
    case: tuple[Event, str, list[str]], channel: str
) -> None:
    ev, national, texts = case
    # Eight digits of the subscriber number, in Latin or Bengali digits, would identify it.
    tail = national[-8:]
    assume(tail not in ev.id)
    message = channels.encode(View(channel), ev, "1", TZ)
    if message is None:
        return
    for secret in (tail, to_bn_digits(tail), "+880", "•", *texts):
        assert secret not in message, (secret, message)
    data = json.loads(message)["data"]
    assert "id" not in data.get("token", {})
    assert not {"phone", "name", "actor", "meeting", "complaint", "text"} & set(data)


@settings(max_examples=200, deadline=None)
@given(private_event(), st.sampled_from(["counter", "official", "admin"]))
def test_staff_channels_show_phones_only_masked(
    case: tuple[Event, str, list[str]], channel: str
) -> None:
    ev, national, _ = case
    # The scripts put phones inside the token of a token event or the meeting of a meeting
    # event only; that is what is masked.
    carrier = "meeting" if ev.type.startswith("meeting.") else "token"
    data = {k: v for k, v in ev.data.items() if k in (carrier, "counter", "from")}
    ev = event(ev.type, data)
    assume(national[-8:] not in ev.id)
    view = View(channel, "dc") if channel == "official" else View(channel)
    message = channels.encode(view, ev, "1", TZ)
    if message is None:
        return
    assert national[-8:] not in message and "+880" not in message
    masked = "0" + national[:2] + "••••" + national[-4:]
    shown = json.loads(message)["data"].get(carrier)
    if shown is not None:
        assert shown["phone_masked"] == masked
