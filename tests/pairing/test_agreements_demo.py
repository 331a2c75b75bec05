"""The agreements' seed_demo builder: every state in both years, consistent rows, a ready draft."""

import itertools
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from pairing.choices import AgreementStatus, Role
from pairing.models import Agreement, AgreementRevision, AgreementTransition, Pairing, User
from pairing.services import agreements as agreement_service
from tests.otp import verify_session

pytestmark = pytest.mark.django_db

TODAY = "2026-06-15"


def seed(settings, demo_mode=True):
    settings.DEMO_MODE = demo_mode
    out = StringIO()
    call_command("seed_demo", "--scale", "small", "--today", TODAY, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_every_state_exists_in_both_years_and_the_rows_agree(settings):
    output = seed(settings)
    assert "pairing.demo_agreements.build" in output and "三清单一协议" in output
    for year in (2025, 2026):
        states = set(Agreement.objects.filter(year=year).values_list("status", flat=True))
        assert states == set(AgreementStatus.values), year
        pairings = Pairing.objects.filter(start_year__lte=year)
        assert pairings.exclude(agreements__year=year).exists(), "some pairings have not started"
    for agreement in Agreement.objects.exclude(status=AgreementStatus.DRAFT).prefetch_related("transitions"):
        assert agreement.resources.exists() and agreement.demands.exists() and agreement.projects.exists()
        log = list(agreement.transitions.all())
        assert log[0].action == "create" and log[-1].to_status == agreement.status
        assert all(a.to_status == b.from_status for a, b in itertools.pairwise(log))
    signed = Agreement.objects.filter(status__in=["signed", "closed"])
    assert all(a.scan and a.signed_on for a in signed)
    assert AgreementRevision.objects.filter(agreement__in=signed, amendment_no=0).count() == signed.count()
    for project in Agreement.objects.get(pk=signed.first().pk).projects.all():
        assert project.start_date.year == project.agreement.year == project.end_date.year
    assert AgreementTransition.objects.filter(action="reject").exists()


def test_the_demo_accounts_can_sign_their_draft(settings):
    seed(settings)
    secretary = User.objects.get(is_demo=True, role=Role.VILLAGE_SECRETARY)
    liaison = User.objects.get(is_demo=True, role=Role.UNIT_LIAISON)
    agreement = Agreement.objects.get(pairing__village=secretary.village, pairing__unit=liaison.unit, year=2026)
    assert agreement.status == AgreementStatus.DRAFT
    agreement_service.submit(actor=secretary, agreement=agreement, expected_version=agreement.version)
    agreement.refresh_from_db()
    agreement_service.confirm(actor=liaison, agreement=agreement, expected_version=agreement.version)
    client = Client()
    client.force_login(liaison)
    page = client.get(agreement.get_absolute_url())
    assert "登记签署" in page.content.decode()
    admin = User.objects.get(is_demo=True, role=Role.COUNTY_ADMIN)
    client.force_login(admin)
    overview = client.get("/agreements/", {"year": 2026})
    assert overview.status_code == 200 and overview.context["totals"]["total"] > 0


def test_the_builder_needs_no_demo_accounts_and_reset_removes_it(settings):
    seed(settings, demo_mode=False)
    assert Agreement.objects.exists()
    call_command("seed_demo", "--scale", "small", "--today", TODAY, "--reset", stdout=StringIO(), stderr=StringIO())
    assert Agreement.objects.filter(year=2026).exists()
    scan = Agreement.objects.filter(status="signed").first()
    client = Client()
    root = User.objects.create_superuser("root", password="Root-Passw0rd!x", must_change_password=False)
    root.password_changed_at = timezone.now()
    root.save()
    verify_session(client, root)
    response = client.get(f"/agreements/{scan.pk}/scan/")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF-")
    assert client.get(f"/admin/pairing/agreement/{scan.pk}/change/").status_code == 200
