"""Calendar months in Asia/Shanghai. A month is named by its first day (a `date`)."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils import timezone

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
