"""Replay or snapshot: the decision behind a (re)connecting socket's first message."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from server.realtime.resume import ZERO, Plan, plan

OLDEST = "1732870000000-0"
MIDDLE = "1732870005000-3"
LAST = "1732870009999-12"


def test_no_cursor_is_a_plain_snapshot() -> None:
    assert plan(None, None, "1", OLDEST, LAST) == Plan(replay=False, asked=False)
    assert plan(None, "1", "1", OLDEST, LAST) == Plan(replay=False, asked=False)
    assert plan(None, None, "1", None, ZERO) == Plan(replay=False, asked=False)


@pytest.mark.parametrize("since", [OLDEST, MIDDLE, LAST, "1732870009999-11"])
def test_a_cursor_within_the_retained_stream_replays_from_it(since: str) -> None:
    assert plan(since, "1", "1", OLDEST, LAST) == Plan(replay=True, since=since, asked=True)


@pytest.mark.parametrize("since", ["1732869999999-99", "1732870000000-0", "0-0", "1-0"])
def test_a_cursor_older_than_the_oldest_entry_gets_a_snapshot(since: str) -> None:
    assert plan(since, "1", "1", "1732870000000-1", LAST) == Plan(replay=False, asked=True)


def test_ids_compare_as_numbers_not_as_strings() -> None:
    # As strings "9-0" > "10-0": a string comparison would replay across a trimmed gap.
    assert plan("9-0", "1", "1", "10-0", "100-0").replay is False
    assert plan("10-0", "1", "1", "9-0", "100-0") == Plan(replay=True, since="10-0", asked=True)
    assert plan("5-10", "1", "1", "5-9", "5-11").replay is True
    assert plan("5-9", "1", "1", "5-10", "5-11").replay is False


def test_a_cursor_ahead_of_the_stream_means_another_stream_and_gets_a_snapshot() -> None:
    assert plan("1732870010000-0", "1", "1", OLDEST, LAST) == Plan(replay=False, asked=True)
    assert plan("1732870009999-13", "1", "1", OLDEST, LAST).replay is False


@pytest.mark.parametrize("client_epoch", ["2", "0", "", None, " 1", "1 "])
def test_another_epoch_gets_a_snapshot_even_for_a_retained_id(client_epoch: str | None) -> None:
    assert plan(MIDDLE, client_epoch, "1", OLDEST, LAST) == Plan(replay=False, asked=True)


@pytest.mark.parametrize(
    "since",
    [
        "",
        "abc",
        "1732870005000",  # no sequence: XADD never hands out such an id
        "1732870005000-",
        "-3",
        "1732870005000-3-1",
        " 1732870005000-3",
        "1732870005000-3\n",
        "+1732870005000-3",
        "1732870005000-*",
        "1_732_870_005_000-3",
        "123456789012345678901-0",
        # Bengali digits are digits to Python's int() but not to Redis.
        "১৭৩২৮৭০০০৫০০০-৩",
        "١٧٣٢٨٧٠٠٠٥٠٠٠-3",
    ],
)
def test_a_malformed_cursor_gets_a_snapshot(since: str) -> None:
    assert plan(since, "1", "1", OLDEST, LAST) == Plan(replay=False, asked=True)


def test_an_empty_stream_replays_only_from_its_start() -> None:
    # Nothing was ever written: the client that saw nothing has missed nothing.
    assert plan(ZERO, "1", "1", None, ZERO) == Plan(replay=True, since=ZERO, asked=True)
    # A cursor into an empty stream was read from a stream Redis no longer has.
    assert plan(OLDEST, "1", "1", None, ZERO) == Plan(replay=False, asked=True)


stream_ids = st.tuples(st.integers(0, 2**48), st.integers(0, 2**16))


def spell(entry: tuple[int, int]) -> str:
    return f"{entry[0]}-{entry[1]}"


@given(stream_ids, stream_ids, stream_ids, st.sampled_from(["1", "2"]), st.booleans())
def test_replays_exactly_when_the_cursor_lies_within_the_stream(
    a: tuple[int, int], b: tuple[int, int], cursor: tuple[int, int], client: str, empty: bool
) -> None:
    oldest, last = min(a, b), max(a, b)
    if empty:
        oldest, last = None, (0, 0)
    decided = plan(spell(cursor), client, "1", spell(oldest) if oldest else None, spell(last))
    within = (oldest is None or oldest <= cursor) and cursor <= last
    assert decided.asked
    assert decided.replay == (client == "1" and within)
    assert decided.since == (spell(cursor) if decided.replay else None)
