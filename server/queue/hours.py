"""When a service is open: working days, holidays, per-service hours. Pure."""

from __future__ import annotations

from datetime import datetime, timedelta

from server.queue.office import Office, Service

# Looking further than this for the next opening means the office is closed indefinitely.
MAX_LOOKAHEAD_DAYS = 60


def is_working_day(office: Office, moment: datetime) -> bool:
    day = moment.date()
    return moment.weekday() in office.working_days and day not in office.holiday_dates()


def is_open(office: Office, service: Service, moment: datetime) -> bool:
    if not office.hours_enforced:
        return True
    opens, closes = service.hours()
    return is_working_day(office, moment) and opens <= moment.time() < closes


def next_opening(office: Office, service: Service, moment: datetime) -> datetime | None:
    """The first moment after `moment` at which the service opens, or None."""
    opens, _ = service.hours()
    for days in range(MAX_LOOKAHEAD_DAYS + 1):
        day = (moment + timedelta(days=days)).date()
        candidate = datetime.combine(day, opens, moment.tzinfo)
        if candidate > moment and is_working_day(office, candidate):
            return candidate
    return None
