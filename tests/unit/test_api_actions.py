"""Every action the domain knows has exactly one handler in its route's table."""

from __future__ import annotations

from server.api.meetings import MEETING_ACTIONS
from server.api.tokens import TOKEN_ACTIONS
from server.queue import domain, meetings


def test_token_actions_table_covers_the_domains_actions() -> None:
    assert set(TOKEN_ACTIONS) == domain.TOKEN_ACTIONS


def test_meeting_actions_table_covers_the_domains_actions() -> None:
    assert set(MEETING_ACTIONS) == meetings.ACTIONS
