"""Calendar months in Asia/Shanghai. A month is named by its first day (a `date`)."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils import timezone

from pairing.core.local_time import SHANGHAI

MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})$")


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month(first: datetime.date) -> datetime.date:
    return (first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def month_range(first: datetime.date) -> tuple[datetime.date, datetime.date]:
    """[first day, first day of the next month): the bounds every month query uses."""
    return first, next_month(first)


def current_month() -> datetime.date:
    return month_start(timezone.localdate())


def parse_month(value: str) -> datetime.date:
    """'2026-05' → date(2026, 5, 1); anything else is a Chinese validation error."""
    match = MONTH_RE.match((value or "").strip())
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return datetime.date(year, month, 1)
    raise ValidationError("月份格式应为 YYYY-MM，例如 2026-05。", code="invalid_month")


def format_month(first: datetime.date) -> str:
    return f"{first:%Y-%m}"


def month_label(first: datetime.date) -> str:
    return f"{first.year}年{first.month}月"


# Quarters and half years (joint meetings, evaluations, the compliance board). Each period is a
# half-open range of dates [start, end); `aware_bounds` turns it into instants in Asia/Shanghai so a
# meeting at 23:30 on the last evening still falls inside, whatever the server's clock zone.


def quarter_of(day: datetime.date) -> int:
    return (day.month - 1) // 3 + 1


def half_of(day: datetime.date) -> int:
    return 1 if day.month <= 6 else 2


def quarter_range(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    start = datetime.date(year, 3 * quarter - 2, 1)
    return start, (datetime.date(year + 1, 1, 1) if quarter == 4 else datetime.date(year, 3 * quarter + 1, 1))


def half_year_range(year: int, half: int) -> tuple[datetime.date, datetime.date]:
    return (
        (datetime.date(year, 1, 1), datetime.date(year, 7, 1))
        if half == 1
        else (
            datetime.date(year, 7, 1),
            datetime.date(year + 1, 1, 1),
        )
    )


def aware_bounds(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """Midnight in Shanghai at each end of [start, end)."""
    return (
        datetime.datetime.combine(start, datetime.time.min, tzinfo=SHANGHAI),
        datetime.datetime.combine(end, datetime.time.min, tzinfo=SHANGHAI),
    )


def quarter_label(year: int, quarter: int) -> str:
    return f"{year}年第{'一二三四'[quarter - 1]}季度"


def half_label(year: int, half: int) -> str:
    return f"{year}年{'上' if half == 1 else '下'}半年"
