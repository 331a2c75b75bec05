"""Tests named after SECURITY.md items, for the items the rest of the suite covers under other names,
so that `pytest -k test_security_<n>` finds each item (docs/security.md lists the fuller tests)."""

import io
import time
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from assessment.models import Grade, GradeFiling, GradingRound
from assessment.services import grading
from assessment.services.rollup import confirm_rollup, run_rollup
from ledgers import sms
from ledgers.choices import ActivityStatus, MonthStatus
from ledgers.models import LedgerMonth, Notification, ServiceActivity
from ledgers.services import submit_month
from pairing.core import jobs, xlsx_upload
from pairing.core.excel import safe_text
from pairing.exceptions import StaleVersionError
from pairing.models import AuditEvent, UrbanTalent
from pairing.validators import normalize_phone
from tests.api_testing import CHINESE, row_state
from tests.assessment import dataset as assessment_dataset
from tests.factories import PASSWORD
from tests.ledgers.helpers import api_payload, last_month_day, record
from tests.notifications.test_broker_down import broker_down  # noqa: F401 - fixture
from tests.pairing.test_agreements_support import make_agreement


@pytest.mark.django_db
def test_security_5_a_demo_account_cannot_log_in_outside_demo_mode(cast, settings):
    settings.DEMO_MODE = False
    cast.dave.is_demo = True
    cast.dave.save()
    response = Client().post(reverse("pairing:login"), {"username": "dave", "password": PASSWORD})
    assert response.status_code == 200  # the form again, not a redirect into the portal
    settings.DEMO_MODE = True
    assert Client().post(reverse("pairing:login"), {"username": "dave", "password": PASSWORD}).status_code == 302


@pytest.mark.django_db
def test_security_6_anonymous_requests_reach_neither_pages_nor_api(cast):
    client = Client()
    page = client.get(reverse("pairing:village_list"))
    assert page.status_code == 302 and page["Location"].startswith(reverse("pairing:login"))
    assert client.get("/api/v1/villages/").status_code == 401
    assert client.get(reverse("pairing:audit_log")).status_code == 302


@pytest.mark.django_db
def test_security_8_a_create_naming_another_countys_unit_is_refused_and_writes_nothing(cast, api):
    api.force_authenticate(cast.alice)
    before = UrbanTalent.objects.count()
    response = api.post(
        "/api/v1/talents/",
        {"county": cast.county.pk, "unit": cast.other_unit.pk, "name": "越权", "gender": "male"},
    )
    assert response.status_code in (400, 404)
    assert UrbanTalent.objects.count() == before


def test_security_14_phone_numbers_are_normalised_and_validated():
    assert normalize_phone("+86 138-0013-8000") == "13800138000"
    with pytest.raises(ValidationError):
        normalize_phone("12800138000")


@pytest.mark.django_db
def test_security_15_personal_numbers_are_masked_by_default(cast, api):
    api.force_authenticate(cast.alice)
    row = api.get(f"/api/v1/talents/{cast.talent_t.pk}/").json()
    assert "****" in row["phone"] and row["id_number"].startswith("****")


@pytest.mark.django_db
def test_security_16_no_full_number_in_the_audit_trail(cast, api):
    api.force_authenticate(cast.alice)
    api.patch(f"/api/v1/talents/{cast.talent_t.pk}/", {"phone": "15987654321"})
    text = str(list(AuditEvent.objects.values_list("changes", "message")))
    assert "15987654321" not in text and "159****4321" in text


def test_security_18_exported_cells_never_start_a_formula():
    assert [safe_text(v) for v in ("=1+1", "+1", "-1", "@SUM(A1)", "普通")] == [
        "'=1+1",
        "'+1",
        "'-1",
        "'@SUM(A1)",
        "普通",
    ]


# -- 9 field-level control ---------------------------------------------------------------------


@pytest.fixture
def grades(cast):
    """The cast's talents scored for a quarter and graded (proposed) by the county admin."""
    q = assessment_dataset.build(cast)
    rollup = run_rollup(actor=cast.alice, county=cast.county, year=q.year, quarter=q.quarter, as_of=q.as_of)
    confirm_rollup(actor=cast.alice, rollup=rollup)
    grading.propose(actor=cast.alice, group=grading.default_group(cast.county), year=q.year)
    return Grade.objects.filter(round__year=q.year)


@pytest.mark.django_db
def test_security_9_only_the_county_admin_changes_a_grade_through_the_api(cast, api, grades):
    grade = grades.get(talent=cast.talent_t)
    new = "good" if grade.grade != "good" else "excellent"
    for user in (cast.bob, cast.dave, cast.frank):
        api.force_authenticate(user)
        before = row_state(grade)
        response = api.patch(f"/api/v1/grades/{grade.pk}/", {"grade": new, "reason": "越权调整"}, format="json")
        assert response.status_code in (403, 404), (user.username, response.content)
        assert row_state(grade) == before
    assert not AuditEvent.objects.filter(action="grade_change").exists()
    api.force_authenticate(cast.alice)
    response = api.patch(f"/api/v1/grades/{grade.pk}/", {"grade": new, "reason": "复核"}, format="json")
    assert response.status_code == 200, response.content
    assert row_state(grade)["grade"] == new and row_state(grade)["reason"] == "复核"


@pytest.mark.django_db
def test_security_9_month_confirmation_and_activity_review_fields_belong_to_their_roles(cast, api):
    activity = record(cast.frank, cast.village_a1, talents=[cast.talent_t])  # this month, pending review
    day = last_month_day()
    record(cast.dave, cast.village_a1, talents=[cast.talent_t], day=day)  # the secretary's: confirmed
    month = LedgerMonth.objects.get(village=cast.village_a1, month=day.replace(day=1))
    month = submit_month(actor=cast.dave, ledger_month=month, version=month.version)
    # The recorder writes the review fields in a PATCH: they are ignored; its confirm is refused.
    api.force_authenticate(cast.frank)
    review = {"status": "confirmed", "reviewed_at": "2020-01-01T00:00:00Z", "reviewed_by": cast.dave.pk}
    api.patch(f"/api/v1/activities/{activity.pk}/", review, format="json")
    assert api.post(f"/api/v1/activities/{activity.pk}/confirm/").status_code == 403
    stored = ServiceActivity.objects.get(pk=activity.pk)
    assert (stored.status, stored.reviewed_at) == (ActivityStatus.PENDING, None)
    # The month's confirmation is the township's: the secretary who submitted it cannot confirm it,
    # and its confirmation fields are read-only in the month payload.
    api.force_authenticate(cast.dave)
    before = row_state(month)
    assert api.post(f"/api/v1/ledger-months/{month.pk}/confirm/", {"version": month.version}).status_code == 403
    assert api.patch(f"/api/v1/ledger-months/{month.pk}/", {"status": "confirmed"}, format="json").status_code == 405
    assert row_state(month) == before
    api.force_authenticate(cast.bob)
    response = api.post(f"/api/v1/ledger-months/{month.pk}/confirm/", {"version": month.version})
    assert response.status_code == 200, response.content
    assert row_state(month)["status"] == MonthStatus.CONFIRMED and row_state(month)["confirmed_by_id"] == cast.bob.pk


# -- 11 concurrency ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_security_11_a_stale_version_of_an_agreement_is_409_and_writes_nothing(cast, api):
    agreement = make_agreement(cast.pairing_u_a1)
    api.force_authenticate(cast.erin)
    assert api.post(f"/api/v1/agreements/{agreement.pk}/terms/", {"version": 1, "terms": "新条款"}).status_code == 200
    before = row_state(agreement)
    api.force_authenticate(cast.dave)
    response = api.post(f"/api/v1/agreements/{agreement.pk}/submit/", {"version": 1})
    assert response.status_code == 409 and CHINESE.search(response.json()["detail"])
    stale_terms = api.post(f"/api/v1/agreements/{agreement.pk}/terms/", {"version": 1, "terms": "覆盖"})
    assert stale_terms.status_code in (403, 409)
    assert row_state(agreement) == before and before["terms"] == "新条款"


@pytest.mark.django_db
def test_security_11_a_stale_version_of_a_month_ledger_is_409_and_writes_nothing(cast, api):
    day = last_month_day()
    record(cast.dave, cast.village_a1, talents=[cast.talent_t], day=day)
    month = LedgerMonth.objects.get(village=cast.village_a1, month=day.replace(day=1))
    stale = month.version
    api.force_authenticate(cast.dave)
    assert api.post(f"/api/v1/ledger-months/{month.pk}/submit/", {"version": stale}).status_code == 200
    api.force_authenticate(cast.bob)
    before, audits = row_state(month), AuditEvent.objects.count()
    response = api.post(f"/api/v1/ledger-months/{month.pk}/confirm/", {"version": stale})
    assert response.status_code == 409 and CHINESE.search(response.json()["detail"])
    assert row_state(month) == before and before["status"] == MonthStatus.SUBMITTED
    assert AuditEvent.objects.count() == audits


@pytest.mark.django_db
def test_security_11_a_stale_version_of_the_grades_is_refused_and_writes_nothing(cast, grades):
    round_ = GradingRound.objects.get(pk=grades.first().round_id)
    stale = round_.version - 1
    before, filings = row_state(round_), GradeFiling.objects.count()
    with pytest.raises(StaleVersionError):
        grading.confirm(actor=cast.alice, round_=round_, version=stale)
    assert row_state(round_) == before and GradeFiling.objects.count() == filings
    assert not AuditEvent.objects.filter(action="grades_confirm").exists()
    grading.confirm(actor=cast.alice, round_=round_, version=round_.version)  # the current version passes
    assert row_state(round_)["state"] == "confirmed" and GradeFiling.objects.count() == filings + 1


# -- 17 imports --------------------------------------------------------------------------------


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<x/>")
        archive.writestr("xl/workbook.xml", "<x/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (80 * 1024 * 1024))  # ~80 KB compressed
    return buffer.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("roster.csv", "姓名,性别\n赵六,男\n".encode()),  # not an .xlsx by name
        ("roster.xlsx", "姓名,性别\n赵六,男\n".encode()),  # a CSV renamed to .xlsx
        ("roster.xlsx", b"PK\x03\x04" + b"\0" * 64),  # a broken zip
        ("bomb.xlsx", None),  # tiny on the wire, 80 MB unpacked
        ("big.xlsx", b"0" * (xlsx_upload.MAX_UPLOAD_BYTES + 1)),  # over the size cap
    ],
)
def test_security_17_the_roster_import_refuses_hostile_files_and_writes_nothing(cast, api, name, content):
    upload = SimpleUploadedFile(name, _zip_bomb() if content is None else content)
    talents, audits = UrbanTalent.objects.count(), AuditEvent.objects.filter(action="import").count()
    api.force_authenticate(cast.alice)
    response = api.post("/api/v1/imports/talents/", {"file": upload}, format="multipart")
    assert response.status_code == 400, response.content
    assert CHINESE.search(str(response.json()))
    assert UrbanTalent.objects.count() == talents
    assert AuditEvent.objects.filter(action="import").count() == audits


def test_security_17_the_row_cap_holds_before_anything_is_validated():
    book = Workbook()
    book.active.append(["姓名", "性别"])
    for n in range(25):
        book.active.append([f"人才{n}", "男"])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(ValidationError, match="最多导入 20 行"):
        xlsx_upload.read_rows(SimpleUploadedFile("rows.xlsx", buffer.getvalue()), max_rows=20)


# -- 20 jobs idempotent, enqueued after commit -------------------------------------------------


@pytest.mark.django_db
def test_security_20_a_reminder_job_run_twice_writes_nothing_the_second_time(cast, django_capture_on_commit_callbacks):
    on = timezone.localdate()
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        first = jobs.get("talent_monthly_service").run(on=on)
    sent = list(Notification.objects.order_by("pk").values_list("pk", "dedupe_key"))
    assert sent and sms.outbox, first  # the cast's talents have nothing this month: they are reminded
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        second = jobs.get("talent_monthly_service").run(on=on)
    assert "已发送 0 条" in second[0]
    assert list(Notification.objects.order_by("pk").values_list("pk", "dedupe_key")) == sent and not sms.outbox


@pytest.mark.django_db
def test_security_20_a_rolled_back_change_enqueues_nothing(cast, django_capture_on_commit_callbacks, monkeypatch):
    from ledgers import tasks

    queued = []
    monkeypatch.setattr(tasks.send_event, "apply", lambda *a, **k: queued.append(k.get("args")))
    day = last_month_day()
    record(cast.dave, cast.village_a1, talents=[cast.talent_t], day=day)
    month = LedgerMonth.objects.get(village=cast.village_a1, month=day.replace(day=1))
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        submit_month(actor=cast.dave, ledger_month=month, version=month.version)
        raise RuntimeError("the request fails after the service")
    assert callbacks == [] and queued == []
    assert row_state(month)["status"] == MonthStatus.OPEN and not Notification.objects.exists()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        submit_month(actor=cast.dave, ledger_month=month, version=month.version)
    assert callbacks and [args[0] for args in queued] == ["month_submitted"]  # committed: enqueued once


# -- 21 Redis down -----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.usefixtures("broker_down")
def test_security_21_with_redis_down_pages_and_api_answer_and_notify(
    cast, api, client, django_capture_on_commit_callbacks
):
    day = last_month_day()
    record(cast.dave, cast.village_a1, talents=[cast.talent_t], day=day)
    month = LedgerMonth.objects.get(village=cast.village_a1, month=day.replace(day=1))
    api.force_authenticate(cast.dave)
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"/api/v1/ledger-months/{month.pk}/submit/", {"version": month.version})
    assert response.status_code == 200, response.content
    assert time.monotonic() - started < 15  # the short broker timeout, not a hang
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["bob"]
    client.force_login(cast.bob)
    assert client.get(reverse("pairing:village_list")).status_code == 200
    assert client.get(reverse("ledgers:home"), follow=True).status_code == 200
    api.force_authenticate(cast.bob)
    assert api.get("/api/v1/ledger-months/").status_code == 200


# -- 22 bad input ------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "长" * 31),  # over max_length
        ("name", ["张三"]),  # a list for a string
        ("gender", "robot"),  # not a choice
        ("unit", "县农业农村局"),  # a name for an id
        ("phone", 12345678901),  # a number for a string, and no mainland mobile
        ("id_number", "110105194913310021"),  # no 13th month
    ],
)
def test_security_22_malformed_talent_payloads_get_a_chinese_field_error_and_write_nothing(cast, api, field, value):
    payload = {"county": cast.county.pk, "unit": cast.unit_u.pk, "name": "赵六", "gender": "male"}
    payload[field] = value
    count, audits = UrbanTalent.objects.count(), AuditEvent.objects.count()
    api.force_authenticate(cast.alice)
    response = api.post("/api/v1/talents/", payload, format="json")
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert field in errors and CHINESE.search(str(errors[field])), errors
    assert UrbanTalent.objects.count() == count and AuditEvent.objects.count() == audits


@pytest.mark.django_db
@pytest.mark.parametrize("day", ["2026-02-30", "昨天", "", 20260101])
def test_security_22_a_bad_activity_date_is_a_chinese_field_error_and_writes_nothing(cast, api, day):
    payload = api_payload(cast.village_a1, talents=[cast.talent_t]) | {"date": day}
    count, before = ServiceActivity.objects.count(), row_state(cast.talent_t)
    api.force_authenticate(cast.dave)
    response = api.post("/api/v1/activities/", payload, format="json")
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert "date" in errors and CHINESE.search(str(errors["date"])), errors
    assert ServiceActivity.objects.count() == count and row_state(cast.talent_t) == before
