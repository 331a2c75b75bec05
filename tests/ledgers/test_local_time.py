"""What a person reads is on the Shanghai clock: an activity confirmed at 07:30 in Shanghai (23:30
UTC the evening before) is confirmed "today" in the workbook, the print view and the pages."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from ledgers.exports import HEADER_ROW
from ledgers.periods import format_month, month_start
from ledgers.services import confirm_activity
from pairing.core import local_time
from pairing.core.local_time import SHANGHAI

from .helpers import record, today

pytestmark = pytest.mark.django_db


@pytest.fixture
def confirmed_at_half_past_seven(cast, monkeypatch):
    """frank records today; dave confirms at 07:30 Shanghai time, the UTC date being the day before."""
    activity = record(cast.frank, cast.village_a1, talents=[cast.talent_t])
    moment = datetime.datetime.combine(today(), datetime.time(7, 30), tzinfo=SHANGHAI)
    monkeypatch.setattr(timezone, "now", lambda: moment.astimezone(datetime.UTC))
    confirm_activity(actor=cast.dave, activity=activity)
    monkeypatch.undo()
    activity.refresh_from_db()
    assert activity.reviewed_at.astimezone(datetime.UTC).date() == today() - datetime.timedelta(days=1)
    return activity


def _local_day() -> str:
    return f"{today():%m-%d}"


def _utc_day() -> str:
    return f"{today() - datetime.timedelta(days=1):%m-%d}"


def _month_url(name, village):
    return reverse(f"ledgers:{name}", args=[village.pk, format_month(month_start(today()))])


def test_the_workbook_shows_the_local_confirmation_date(cast, client, confirmed_at_half_past_seven):
    client.force_login(cast.bob)
    response = client.get(_month_url("month_export", cast.village_a1))
    sheet = load_workbook(io.BytesIO(response.content)).active
    headers = [c.value for c in sheet[HEADER_ROW]]
    confirmation = sheet.cell(row=HEADER_ROW + 1, column=headers.index("确认情况") + 1).value
    assert confirmation.endswith(_local_day()), confirmation
    assert _utc_day() not in confirmation


@pytest.mark.parametrize("page", ["month_print", "month_ledger"])
def test_the_print_view_and_the_month_page_show_the_local_confirmation_date(
    cast, client, confirmed_at_half_past_seven, page
):
    client.force_login(cast.bob)
    html = client.get(_month_url(page, cast.village_a1)).content.decode()
    assert f"已确认 {cast.dave.display_name} {_local_day()}" in html
    assert f"已确认 {cast.dave.display_name} {_utc_day()}" not in html


@pytest.mark.parametrize("server_zone", ["Asia/Shanghai", "UTC"])
def test_the_activity_page_shows_shanghai_time_whatever_the_server_zone(
    cast, client, settings, confirmed_at_half_past_seven, server_zone
):
    day = today()
    settings.TIME_ZONE = server_zone
    client.force_login(cast.dave)
    html = client.get(confirmed_at_half_past_seven.get_absolute_url()).content.decode()
    assert f"{day:%Y-%m-%d} 07:30" in html
    assert "23:30" not in html


def test_audit_records_carry_the_local_clock(cast, confirmed_at_half_past_seven):
    from pairing.models import AuditEvent

    event = AuditEvent.objects.filter(action="confirm").latest("pk")
    assert event.changes["reviewed_at"][1] == f"{today():%Y-%m-%d}T07:30:00+08:00"


def test_the_helper_converts_aware_values_and_leaves_dates_alone():
    utc = datetime.datetime(2026, 5, 1, 23, 30, tzinfo=datetime.UTC)
    assert local_time.local_text(utc) == "2026-05-02 07:30"
    assert local_time.local_date(utc) == datetime.date(2026, 5, 2)
    assert local_time.local_format(utc, "n月j日 H:i") == "5月2日 07:30"
    assert local_time.chinese_date(utc) == "2026年5月2日"
    assert local_time.local_text(datetime.date(2026, 5, 1), "%Y-%m-%d") == "2026-05-01"
    assert local_time.local_text(None) == ""


def test_the_print_view_prints_its_time_on_the_shanghai_clock(cast, client, settings, monkeypatch):
    settings.TIME_ZONE = "UTC"
    moment = datetime.datetime.combine(today(), datetime.time(7, 30), tzinfo=SHANGHAI)
    monkeypatch.setattr(timezone, "now", lambda: moment.astimezone(datetime.UTC))
    client.force_login(cast.bob)
    html = client.get(_month_url("month_print", cast.village_a1)).content.decode()
    assert f"打印时间：{moment:%Y-%m-%d} 07:30" in html


def test_no_template_formats_a_stored_datetime_or_the_clock_around_the_helper():
    """`|date` and `{% now %}` follow the server's zone; templates use `|local` and `{% local_now %}`."""
    import re
    from pathlib import Path

    from django.conf import settings

    roots = [Path(settings.BASE_DIR) / app for app in ("templates", "pairing", "ledgers", "assessment")]
    offenders = [
        f"{path}:{number}"
        for root in roots
        for path in root.rglob("*.html")
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if re.search(r"\{%\s*now\b|_at\|date\b", line)
    ]
    assert offenders == []
