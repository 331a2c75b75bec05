"""Async exports: the API and pages, the worker's scope re-check, expiry and the nightly cleanup."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from pairing.choices import ExportStatus
from pairing.core.jobs import get as get_job
from pairing.models import AuditEvent, Export, User
from pairing.services import exports as export_service
from tests.ledgers.test_compliance import YEAR, build_dataset

pytestmark = pytest.mark.django_db

URL = "/api/v1/exports/"


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """The build is enqueued on commit, which the test transaction never does: run it on leaving."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _township_request(cast, township=None):
    return {
        "kind": "township_half_year",
        "params": {"township": (township or cast.township_a).pk, "year": YEAR, "half": 1},
    }


def test_the_api_builds_a_township_half_year_workbook_and_links_it(api, cast, client, committed):
    build_dataset(cast)
    api.force_authenticate(cast.bob)
    with committed():
        response = api.post(URL, _township_request(cast), format="json")
    assert response.status_code == 202, response.json()
    body = api.get(f"{URL}{response.json()['id']}/").json()
    assert body["status"] == "done" and body["progress"] == 100 and body["rows"] > 0
    assert body["expires_at"] and body["download_url"].endswith("/download/")
    client.force_login(cast.bob)
    download = client.get(body["download_url"])
    assert download.status_code == 200 and "filename*=utf-8''" in download["Content-Disposition"]
    book = load_workbook(io.BytesIO(download.content))
    assert book["汇总"]["A1"].value.startswith(f"甲镇{YEAR}年上半年")
    event = AuditEvent.objects.filter(action="export", object_type="pairing.export", user_id=cast.bob.pk).get()
    assert f"{body['rows']} 行" in event.message


def test_refusals_are_chinese_and_write_nothing(api, cast):
    api.force_authenticate(cast.bob)
    unknown = api.post(URL, {"kind": "nope", "params": {}}, format="json")
    assert unknown.status_code == 400 and "不支持的导出类型" in str(unknown.json())
    other = api.post(URL, _township_request(cast, cast.township_b), format="json")
    assert other.status_code == 400 and "乡镇" in str(other.json())
    api.force_authenticate(cast.dave)
    assert api.post(URL, _township_request(cast), format="json").status_code == 403
    api.force_authenticate(cast.bob)
    assert (
        api.post(URL, {"kind": "county_half_year", "params": {"year": YEAR, "half": 1}}, format="json").status_code
        == 403
    )
    assert not Export.objects.exists()


def test_someone_elses_export_is_404(api, cast):
    build_dataset(cast)
    export = export_service.request_export(actor=cast.alice, kind="county_half_year", params={"year": YEAR, "half": 1})
    api.force_authenticate(cast.bob)
    assert api.get(f"{URL}{export.pk}/").status_code == 404
    assert api.get(URL).json()["count"] == 0


def test_the_worker_rechecks_scope_after_the_requester_lost_it(cast, django_capture_on_commit_callbacks):
    build_dataset(cast)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        export = export_service.request_export(
            actor=cast.bob, kind="township_half_year", params=_township_request(cast)["params"]
        )
    assert len(queued) == 1 and Export.objects.get(pk=export.pk).status == ExportStatus.PENDING
    User.objects.filter(pk=cast.bob.pk).update(township=cast.township_b)  # moved to another township
    queued[0]()
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED and not export.file and "无权" in export.error
    export_service.run_export(export.pk)  # a redelivered task does nothing
    assert Export.objects.get(pk=export.pk).status == ExportStatus.FAILED


def test_the_progress_page_and_expiry(client, cast, committed):
    build_dataset(cast)
    with committed():
        export = export_service.request_export(
            actor=cast.bob, kind="township_half_year", params=_township_request(cast)["params"]
        )
    client.force_login(cast.bob)
    page = client.get(reverse("pairing:export_detail", args=[export.pk]))
    assert page.status_code == 200 and 'role="progressbar"' in page.content.decode()
    assert client.get(reverse("pairing:export_status", args=[export.pk])).json()["status"] == "done"
    Export.objects.filter(pk=export.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    response = client.get(reverse("pairing:export_download", args=[export.pk]))
    assert response.status_code == 302  # back to the page, which says the link expired


def test_the_nightly_job_deletes_expired_files(cast, committed):
    build_dataset(cast)
    with committed():
        export = export_service.request_export(
            actor=cast.bob, kind="township_half_year", params=_township_request(cast)["params"]
        )
    export.refresh_from_db()
    storage, name = export.file.storage, export.file.name
    job = get_job("delete_expired_exports")
    assert job.run(on=timezone.localdate()) == [] and storage.exists(name)  # not yet expired
    Export.objects.filter(pk=export.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert len(job.run(on=timezone.localdate(), dry_run=True)) == 1 and storage.exists(name)
    assert len(job.run(on=timezone.localdate())) == 1
    assert not storage.exists(name) and not Export.objects.filter(pk=export.pk).exists()
    assert job.run(on=timezone.localdate()) == []


def test_a_directory_list_exports_the_pages_filtered_rows_masked(client, cast, committed):
    client.force_login(cast.alice)
    page = client.get(reverse("pairing:urbantalent_list") + "?q=张")
    assert 'name="kind" value="talents"' in page.content.decode()
    screen = [obj.pk for obj in page.context["object_list"]]
    with committed():
        response = client.post(reverse("pairing:export_start"), {"kind": "talents", "q": "张"})
    export = Export.objects.get(owner=cast.alice)
    assert response.status_code == 302 and export.params == {"q": "张"}
    download = client.get(reverse("pairing:export_download", args=[export.pk]))
    sheet = load_workbook(io.BytesIO(download.content)).active
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    assert len(rows) == len(screen) == export.rows == 1
    text = " ".join(str(c) for c in rows[0] if c)
    assert "张三" in text and "13900139000" not in text  # the phone is masked as on the page


def test_the_audit_log_export_is_for_the_auditor_only(api, cast, committed):
    api.force_authenticate(cast.alice)
    assert api.post(URL, {"kind": "audit_log", "params": {}}, format="json").status_code == 403
    api.force_authenticate(cast.grace)
    with committed():
        response = api.post(URL, {"kind": "audit_log", "params": {"action": "login"}}, format="json")
    assert response.status_code == 202
    assert api.get(f"{URL}{response.json()['id']}/").json()["status"] == "done"
    bad = api.post(URL, {"kind": "audit_log", "params": {"action": "nope"}}, format="json")
    assert bad.status_code == 400 and "筛选条件无效" in str(bad.json())


def test_the_demand_list_exports_its_filtered_rows(client, cast, committed):
    from tests.rows import build_rows

    build_rows(cast)
    client.force_login(cast.bob)
    page = client.get(reverse("ledgers:demand_list"))
    assert 'name="kind" value="demands"' in page.content.decode()
    with committed():
        client.post(reverse("pairing:export_start"), {"kind": "demands"})
    export = Export.objects.get(owner=cast.bob)
    assert export.status == ExportStatus.DONE and export.rows == page.context["page_obj"].paginator.count
