"""What the auditor reads (SECURITY.md 12, 13): security events in the county of the account they
concern, a city-level auditor for the rest, search by object through related rows, before/after,
the scoped and audited export, and the aggregated record of 404s."""

from io import BytesIO

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from pairing.choices import Role
from pairing.core import audit
from pairing.models import AuditEvent, Export, Village
from tests.factories import make_user
from tests.rows import build_rows

pytestmark = pytest.mark.django_db


def fail_logins(username, times, ip="192.0.2.50"):
    client = Client(REMOTE_ADDR=ip)
    for _ in range(times):
        client.post(reverse("pairing:login"), {"username": username, "password": "wrong-Password-1"})


def audit_rows(user, **params):
    client = Client()
    client.force_login(user)
    response = client.get(reverse("pairing:audit_log"), {"per_page": 200, **params})
    assert response.status_code == 200
    return list(response.context["object_list"])


def test_security_12_county_auditor_sees_failed_logins_and_lockouts_of_county_accounts(cast, settings):
    settings.AXES_FAILURE_LIMIT = 3
    fail_logins("bob", 3)
    fail_logins("zoe", 1)  # the other county's admin
    fail_logins("nobody-here", 1)
    seen = {(e.action, e.username) for e in audit_rows(cast.grace)}
    assert ("login_failed", "bob") in seen
    assert ("lockout", "bob") in seen
    assert ("login_failed", "zoe") not in seen
    assert ("login_failed", "nobody-here") not in seen
    assert AuditEvent.objects.get(action="lockout", username="bob").county_id == cast.county.pk


def test_security_12_city_level_auditor_reads_events_without_a_county(cast):
    city = make_user("city_auditor", Role.AUDITOR)
    sysadmin = make_user("sys", Role.SYSTEM_ADMIN)
    fail_logins("nobody-here", 1)
    audit.record(action="update", actor=sysadmin, message="系统配置")
    seen = {(e.action, e.username) for e in audit_rows(city)}
    assert {("login_failed", "nobody-here"), ("update", "sys")} <= seen
    assert not {e.username for e in audit_rows(cast.grace)} & {"nobody-here", "sys"}


def test_security_12_administrator_action_on_an_account_goes_to_its_county(cast):
    secadmin = make_user("sec", Role.SECURITY_ADMIN)
    audit.record(action="update", actor=secadmin, obj=cast.bob, changes={"role": ["a", "b"]})
    assert AuditEvent.objects.get(username="sec").county_id == cast.county.pk
    assert "sec" in {e.username for e in audit_rows(cast.grace)}


def test_security_13_audit_search_by_village_reaches_related_records(cast):
    rows = build_rows(cast)
    audit.record(action="update", actor=cast.dave, obj=rows.activity, message="活动")
    audit.record(action="update", actor=cast.dave, obj=rows.demand, message="需求")
    audit.record(action="agreement_update", actor=cast.dave, obj=rows.agreement, message="协议")
    audit.record(action="update", actor=cast.alice, obj=cast.village_b1, message="别的村")
    found = {e.message for e in audit_rows(cast.grace, related_to=f"pairing.village:{cast.village_a1.pk}")}
    assert {"活动", "需求", "协议"} <= found
    assert "别的村" not in found
    assert audit_rows(cast.grace, related_to="no.such:1") == []


def test_security_12_each_record_shows_before_and_after(cast):
    audit.record(action="update", actor=cast.alice, obj=cast.village_a1, changes={"name": ["甲一村", "甲新村"]})
    client = Client()
    client.force_login(cast.grace)
    page = client.get(reverse("pairing:audit_log")).content.decode()
    label = Village._meta.get_field("name").verbose_name
    assert f"{label}：甲一村 → 甲新村" in page


def test_security_13_auditor_exports_the_log_scoped_and_audited(cast, django_capture_on_commit_callbacks):
    audit.record(action="update", actor=cast.alice, obj=cast.village_a1, message="=cmd|' /C calc'!A0")
    audit.record(action="update", actor=cast.zoe, obj=cast.other_village, message="别的县")
    client = Client()
    client.force_login(cast.grace)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("pairing:export_start"), {"kind": "audit_log"})
    export = Export.objects.get(owner=cast.grace, kind="audit_log")
    response = client.get(reverse("pairing:export_download", args=[export.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(
        BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    ).active
    cells = [str(c) for row in sheet.iter_rows(min_row=4, values_only=True) for c in row if c is not None]
    assert "'=cmd|' /C calc'!A0" in cells  # formula-safe
    assert "别的县" not in cells
    assert AuditEvent.objects.filter(action="export", username="grace", object_type="pairing.export").exists()
    other = Client()
    other.force_login(cast.alice)
    other.post(reverse("pairing:export_start"), {"kind": "audit_log"})
    assert not Export.objects.filter(owner=cast.alice).exists()


def test_security_12_out_of_scope_404s_are_recorded_and_aggregated(cast):
    cache.clear()
    client = Client()
    client.force_login(cast.dave)
    for village in (cast.village_b1, cast.other_village, cast.village_b1):
        assert client.get(reverse("pairing:village_detail", args=[village.pk])).status_code == 404
    events = AuditEvent.objects.filter(action="not_found", username="dave")
    assert events.count() == 1
    assert f"/{cast.village_b1.pk}/" in events.get().message
