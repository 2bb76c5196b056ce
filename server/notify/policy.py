"""When to try a gateway again: backoff with jitter, a circuit breaker, a rate limit (pure)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field


def backoff_secs(
    attempts: int, base: float, cap: float, rand: random.Random | None = None
) -> float:
    """Delay before attempt `attempts + 1`: exponential, capped, with "full jitter" in its
    upper half so that messages failing together do not all come back in the same second."""
    ceiling = min(cap, base * 2 ** max(0, attempts - 1))
    return ceiling / 2 + (rand or random).uniform(0, ceiling / 2)


@dataclass
class CircuitBreaker:
    """Stops calling a gateway that keeps failing, then lets one probe through.

    closed → (`threshold` consecutive retryable failures spanning at least two messages)
    → open for `cooldown` → half-open: one probe; success closes it, failure reopens it
    with twice the cool-down (up to `max_cooldown`). One message failing on its own does
    not open it: that message's own backoff and attempt limit deal with it.
    """

    threshold: int
    cooldown: float
    max_cooldown: float
    failures: int = 0
    opened_at: float | None = None
    current_cooldown: float = 0.0
    _failed_keys: set[str] = field(default_factory=set)

    @property
    def state(self) -> str:
        return "closed" if self.opened_at is None else "open"

    def allows(self, now: float) -> bool:
        """May a message be sent now? In half-open, the caller sends exactly one probe."""
        return self.opened_at is None or now >= self.opened_at + self.current_cooldown

    def half_open(self, now: float) -> bool:
        return self.opened_at is not None and now >= self.opened_at + self.current_cooldown

    def reopens_at(self) -> float | None:
        return None if self.opened_at is None else self.opened_at + self.current_cooldown

    def success(self) -> bool:
        """Record a success; True if this closed an open breaker (a gateway came back)."""
        recovered = self.opened_at is not None
        self.failures, self.opened_at, self.current_cooldown = 0, None, 0.0
        self._failed_keys.clear()
        return recovered

    def failure(self, key: str, now: float) -> None:
        """Record a retryable failure of message `key`."""
        if self.opened_at is not None:
            # A failed probe: the gateway is still down; wait longer before the next one.
            self.opened_at = now
            self.current_cooldown = min(self.max_cooldown, self.current_cooldown * 2)
            return
        self.failures += 1
        self._failed_keys.add(key)
        if self.failures >= self.threshold and len(self._failed_keys) >= 2:
            self.opened_at, self.current_cooldown = now, self.cooldown


@dataclass
class RateLimiter:
    """At most `per_sec` sends per second, evenly spaced (a gateway throttles bursts)."""

    per_sec: float
    _next: float = 0.0

    def delay(self, now: float) -> float:
        """Seconds to wait before the next send; reserves that slot."""
        if self.per_sec <= 0:
            return 0.0
        slot = max(now, self._next)
        self._next = slot + 1 / self.per_sec
        return slot - now
