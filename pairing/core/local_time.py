"""The one way a stored instant becomes something a person reads: Asia/Shanghai, whatever the zone
of the server, the database session or the settings.

Datetimes are stored aware, in UTC (ARCHITECTURE.md "Dates and times"). Formatting one directly
(`f"{value:%m-%d}"`, `value.date()`, `value.isoformat()`) prints the UTC wall clock, so an activity
confirmed at 07:30 in Shanghai would print as the day before. Excel cells, print views, pages (the
`local` template filter in pairing/templatetags/portal.py), messages, audit records and file names
all go through these functions instead. Plain dates have no zone and pass through unchanged.
"""

import datetime
from zoneinfo import ZoneInfo

from django.utils import dateformat, timezone

SHANGHAI = ZoneInfo("Asia/Shanghai")


def to_local(value: datetime.datetime) -> datetime.datetime:
    """The same instant on the Shanghai wall clock. A naive value is taken as already local
    (as Django's templates do): only aware values carry a zone to convert from."""
    if timezone.is_naive(value):
        return value.replace(tzinfo=SHANGHAI)
    return value.astimezone(SHANGHAI)


def now() -> datetime.datetime:
    return timezone.now().astimezone(SHANGHAI)


def today() -> datetime.date:
    return now().date()


def local_date(value: datetime.datetime | datetime.date | None) -> datetime.date | None:
    """The Shanghai calendar day of an instant (a date is its own day)."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return to_local(value).date()
    return value


def local_text(value: datetime.datetime | datetime.date | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """`value` as text in Shanghai time with a strftime format; "" for nothing."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = to_local(value)
    return value.strftime(fmt)


def local_format(value: datetime.datetime | datetime.date | None, fmt: str = "Y-m-d H:i") -> str:
    """The same with Django's date-format characters, for templates (`{{ value|local:"m-d H:i" }}`)."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime.datetime):
        value = to_local(value)
    return dateformat.format(value, fmt)


def local_iso(value: datetime.datetime | datetime.date) -> str:
    """ISO 8601 with the +08:00 offset: exact for machines, the local clock for the auditor."""
    if isinstance(value, datetime.datetime):
        value = to_local(value)
    return value.isoformat()


def chinese_date(value: datetime.datetime | datetime.date | None) -> str:
    """2026年5月2日 (the calendar day in Shanghai)."""
    day = local_date(value)
    return f"{day.year}年{day.month}月{day.day}日" if day else ""
