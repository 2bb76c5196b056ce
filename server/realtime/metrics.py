"""A tiny Prometheus registry for the realtime hub: counters and gauges, text format 0.0.4.

We need five series; a dependency for that would be heavier than this module.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

Labels = tuple[tuple[str, str], ...]


def _labels(labels: Labels) -> str:
    if not labels:
        return ""
    escaped = (
        (k, v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")) for k, v in labels
    )
    return "{" + ",".join(f'{k}="{v}"' for k, v in escaped) + "}"


class Metrics:
    """The realtime series of one process. Gauges are read at scrape time from callbacks."""

    def __init__(self) -> None:
        self.events_sent = 0
        # Of those, written pre-framed straight to the socket's transport (see direct.py).
        self.events_direct = 0
        self.dropped: dict[str, int] = defaultdict(int)
        self.connections: dict[tuple[str, str], int] = defaultdict(int)
        self.reader_count: Callable[[], int] = lambda: 0

    def connected(self, office: str, channel: str, delta: int) -> None:
        key = (office, channel)
        self.connections[key] += delta
        if self.connections[key] <= 0:
            # Offices come and go (tests make hundreds); do not keep a series per dead one.
            del self.connections[key]

    def drop(self, reason: str) -> None:
        self.dropped[reason] += 1

    def render(self) -> str:
        """The Prometheus text exposition of every series."""
        lines = [
            "# HELP sheba_ws_connections Open websockets by office and channel.",
            "# TYPE sheba_ws_connections gauge",
        ]
        for (office, channel), n in sorted(self.connections.items()):
            lines.append(
                f"sheba_ws_connections{_labels((('office', office), ('channel', channel)))} {n}"
            )
        lines += [
            "# HELP sheba_ws_events_sent_total Messages written to websockets.",
            "# TYPE sheba_ws_events_sent_total counter",
            f"sheba_ws_events_sent_total {self.events_sent}",
            "# HELP sheba_ws_events_direct_total Of those, written pre-framed to the transport.",
            "# TYPE sheba_ws_events_direct_total counter",
            f"sheba_ws_events_direct_total {self.events_direct}",
            "# HELP sheba_ws_dropped_total Websockets closed by the server, by reason.",
            "# TYPE sheba_ws_dropped_total counter",
        ]
        for reason, n in sorted(self.dropped.items()):
            lines.append(f"sheba_ws_dropped_total{_labels((('reason', reason),))} {n}")
        lines += [
            "# HELP sheba_stream_reader_active Offices whose event stream this process reads.",
            "# TYPE sheba_stream_reader_active gauge",
            f"sheba_stream_reader_active {self.reader_count()}",
        ]
        return "\n".join(lines) + "\n"
