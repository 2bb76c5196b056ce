"""Message texts: Jinja2 templates per event type and language, overridable per office.

`server/notify/templates/{bn,en}/{name}.txt.j2` ship with Sheba; a file of the same name
under `SHEBA_TEMPLATES_DIR/{bn,en}/` wins, so an office rewords a message without code.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2

from server.bengali import bn_date, bn_time, to_bn_digits

LANGS = ("bn", "en")
PACKAGE_DIR = Path(__file__).parent / "templates"
# Every template the notifier may render; a unit test renders each in both languages.
NAMES = (
    "token.issued",
    "token.called",
    "token.recalled",
    "token.next",
    "meeting.requested",
    "meeting.scheduled",
    "meeting.declined",
    "meeting.rescheduled",
    "meeting.cancelled",
    "complaint.filed",
    "complaint.updated",
    "complaint.resolved",
    "reply.confirm",
    "reply.more_time",
    "reply.more_time_refused",
    "reply.cancel",
    "reply.help",
    "sms.test",
)


def _digits(value: object, lang: str) -> str:
    return to_bn_digits(value) if lang == "bn" else str(value)


def _when(value: str | datetime | None, lang: str) -> str:
    """An ISO time as citizens read it: `২৯ নভেম্বর ২০২৬, রবিবার, সকাল ১০:১৫`."""
    if not value:
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if lang == "bn":
        return f"{bn_date(moment.date())}, {bn_time(moment)}"
    return moment.strftime("%d %B %Y (%A), %I:%M %p").lstrip("0")


class Renderer:
    """Renders `{lang}/{name}.txt.j2` with office overrides first; undefined names fail."""

    def __init__(self, override_dir: Path | None = None) -> None:
        loaders: list[jinja2.BaseLoader] = []
        if override_dir is not None:
            loaders.append(jinja2.FileSystemLoader(str(override_dir)))
        loaders.append(jinja2.FileSystemLoader(str(PACKAGE_DIR)))
        self.env = jinja2.Environment(
            loader=jinja2.ChoiceLoader(loaders),
            # Plain text for SMS: nothing to escape, and a typo in a template must fail
            # loudly in the test that renders it rather than send "None" to a citizen.
            autoescape=False,
            undefined=jinja2.StrictUndefined,
            keep_trailing_newline=False,
            trim_blocks=False,
            lstrip_blocks=True,
        )

    def exists(self, name: str, lang: str) -> bool:
        try:
            self.env.get_template(f"{lang}/{name}.txt.j2")
        except jinja2.TemplateNotFound:
            return False
        return True

    def render(self, name: str, lang: str, context: dict[str, Any]) -> str:
        lang = lang if lang in LANGS else "bn"
        template = self.env.get_template(f"{lang}/{name}.txt.j2")
        text = template.render(
            **context,
            lang=lang,
            digits=lambda v: _digits(v, lang),
            when=lambda v: _when(v, lang),
        )
        # Templates are written for people; an SMS has no room for blank lines or stray spaces.
        lines = [" ".join(line.split()) for line in text.strip().splitlines()]
        return "\n".join(line for line in lines if line)
