"""The agreement workflow as services: every transition allowed and refused."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from pairing.choices import AgreementStatus, AuditResult, DemandItemStatus, ProjectStatus, ResourceKind
from pairing.exceptions import StaleVersionError
from pairing.models import (
    Agreement,
    AgreementDemandItem,
    AgreementProjectItem,
    AgreementResourceItem,
    AgreementRevision,
    AgreementTransition,
    AuditEvent,
    Pairing,
)
from pairing.services import agreements as agreement_service
from tests.pairing.test_agreements_support import YEAR, fake_pdf_upload, make_agreement, pdf_upload, png_upload

S = AgreementStatus
TODAY = timezone.localdate()  # the Shanghai day, as the rules see it


def run(action, user, agreement):
    """Take `action` on `agreement` as `user` with valid input and the current version."""
    version = agreement.version
    if action == "submit":
        return agreement_service.submit(actor=user, agreement=agreement, expected_version=version)
    if action == "confirm":
        return agreement_service.confirm(actor=user, agreement=agreement, expected_version=version)
    if action == "reject":
        return agreement_service.reject(
            actor=user, agreement=agreement, reason="项目投入需再核实", expected_version=version
        )
    if action == "sign":
        return agreement_service.sign(
            actor=user, agreement=agreement, expected_version=version, signed_on=TODAY, scan=pdf_upload()
        )
    if action == "amend":
        return agreement_service.amend(actor=user, agreement=agreement, reason="追加项目", expected_version=version)
    if action == "close":
        return agreement_service.close(actor=user, agreement=agreement, expected_version=version)
    if action == "carry_over":
        return agreement_service.carry_over(actor=user, agreement=agreement)
    raise AssertionError(action)


START = {
    "submit": S.DRAFT,
    "confirm": S.SUBMITTED,
    "reject": S.SUBMITTED,
    "sign": S.CONFIRMED,
    "amend": S.SIGNED,
    "close": S.SIGNED,
    "carry_over": S.SIGNED,
}
# Who may do what on village A1's agreement. Everyone else who sees it gets 403; carol (township B),
# grace (auditor) and zoe (other county) do not see it and get 404.
ALLOWED = {
    "submit": {"dave"},
    "confirm": {"erin"},
    "reject": {"dave", "erin"},
    "sign": {"dave", "erin"},
    "amend": {"dave", "erin"},
    "close": {"alice"},
    "carry_over": {"dave", "erin"},
}
OUT_OF_SCOPE = {"carol", "grace", "zoe"}
USERS = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "zoe"]


@pytest.mark.django_db
@pytest.mark.parametrize("action", list(START))
@pytest.mark.parametrize("username", USERS)
def test_role_and_scope_matrix(cast, action, username):
    agreement = make_agreement(cast.pairing_u_a1, status=START[action])
    user = getattr(cast, username)
    if username in ALLOWED[action]:
        run(action, user, agreement)
        assert AgreementTransition.objects.filter(action=action).count() == 1
        return
    expected = Http404 if username in OUT_OF_SCOPE else PermissionDenied
    with pytest.raises(expected):
        run(action, user, agreement)
    agreement.refresh_from_db()
    assert agreement.status == START[action] and agreement.version == 1
    assert not AgreementTransition.objects.exists()
    assert AuditEvent.objects.filter(action="denied", user_id=user.pk, result=AuditResult.DENIED).count() == 1


WRONG_STATES = [(action, status) for action, start in START.items() for status in S.values if status != start]
ALSO_ALLOWED = {("reject", S.CONFIRMED), ("carry_over", S.CLOSED)}


@pytest.mark.django_db
@pytest.mark.parametrize(("action", "status"), [p for p in WRONG_STATES if p not in ALSO_ALLOWED])
def test_every_action_refuses_the_wrong_state(cast, action, status):
    agreement = make_agreement(cast.pairing_u_a1, status=status)
    user = cast.alice if action == "close" else (cast.erin if action == "confirm" else cast.dave)
    with pytest.raises(ValidationError) as exc:
        run(action, user, agreement)
    assert "协议当前状态为" in str(exc.value)
    agreement.refresh_from_db()
    assert agreement.status == status and agreement.version == 1


@pytest.mark.django_db
class TestDrafting:
    def test_a_party_starts_a_draft_with_signatories_from_the_directory(self, cast):
        agreement = agreement_service.create_agreement(actor=cast.erin, pairing=cast.pairing_u_a1, year=YEAR)
        assert agreement.status == S.DRAFT
        assert (agreement.unit_signatory, agreement.village_signatory) == ("王局长", "李书记")
        assert "联席会议" in agreement.terms
        assert AgreementTransition.objects.get(agreement=agreement).action == "create"
        assert AuditEvent.objects.filter(action="agreement_create", object_id=str(agreement.pk)).exists()

    def test_a_second_agreement_for_the_same_year_is_refused(self, cast):
        make_agreement(cast.pairing_u_a1)
        with pytest.raises(ValidationError, match="每个结对关系每年只能签订一份协议"):
            agreement_service.create_agreement(actor=cast.dave, pairing=cast.pairing_u_a1, year=YEAR)
        assert Agreement.objects.count() == 1

    def test_a_year_outside_the_pairing_is_refused(self, cast):
        with pytest.raises(ValidationError, match="不在结对期内"):
            agreement_service.create_agreement(actor=cast.dave, pairing=cast.pairing_u_a1, year=YEAR - 5)

    def test_only_the_parties_create(self, cast):
        with pytest.raises(PermissionDenied, match="只有"):
            agreement_service.create_agreement(actor=cast.bob, pairing=cast.pairing_u_a1, year=YEAR)
        with pytest.raises(Http404):
            agreement_service.create_agreement(actor=cast.carol, pairing=cast.pairing_u_a1, year=YEAR)
        assert not Agreement.objects.exists()

    def test_project_dates_outside_the_year_are_refused(self, cast):
        agreement = make_agreement(cast.pairing_u_a1, filled=False)
        project = AgreementProjectItem(
            agreement=agreement,
            name="跨年项目",
            unit_owner="王",
            village_owner="李",
            start_date=datetime.date(YEAR, 11, 1),
            end_date=datetime.date(YEAR + 1, 2, 1),
        )
        with pytest.raises(ValidationError, match="协议年度"):
            agreement_service.save_item(actor=cast.dave, item=project)
        assert not AgreementProjectItem.objects.exists()
        assert Agreement.objects.get().version == 1

    def test_items_are_edited_in_draft_and_each_edit_takes_a_version(self, cast):
        agreement = make_agreement(cast.pairing_u_a1, filled=False)
        item = AgreementResourceItem(agreement=agreement, kind=ResourceKind.TALENT, description="农技专家 2 名")
        agreement_service.save_item(actor=cast.erin, item=item, expected_version=1)
        assert Agreement.objects.get().version == 2
        with pytest.raises(StaleVersionError):
            agreement_service.save_item(actor=cast.dave, item=item, expected_version=1)

    def test_signed_items_change_only_through_an_amendment(self, cast):
        agreement = make_agreement(cast.pairing_u_a1, status=S.SIGNED)
        item = agreement.resources.get()
        item.description = "改动"
        with pytest.raises(ValidationError, match="只能通过“变更”修改"):
            agreement_service.save_item(actor=cast.erin, item=item)
        with pytest.raises(ValidationError, match="协议当前状态"):
            agreement_service.delete_item(actor=cast.erin, item=item)
        assert agreement.resources.get().description == "帮扶资金"

    def test_a_project_links_only_lines_of_its_own_agreement(self, cast):
        agreement = make_agreement(cast.pairing_u_a1)
        other = make_agreement(cast.pairing_u_a1, year=YEAR - 1)
        project = agreement.projects.get()
        with pytest.raises(ValidationError, match="本协议需求清单"):
            agreement_service.save_item(actor=cast.dave, item=project, demands=list(other.demands.all()))
        assert list(project.demands.all()) == list(agreement.demands.all())

    def test_talents_and_township_officers_read_but_do_not_edit(self, cast):
        agreement = make_agreement(cast.pairing_u_a1)
        item = agreement.demands.get()
        for user in (cast.frank, cast.bob, cast.alice):
            with pytest.raises(PermissionDenied):
                agreement_service.delete_item(actor=user, item=item)
        with pytest.raises(Http404):
            agreement_service.delete_item(actor=cast.carol, item=item)
        assert AgreementDemandItem.objects.count() == 1


@pytest.mark.django_db
class TestWorkflowRules:
    def test_submit_refuses_an_empty_list_and_names_it(self, cast):
        agreement = make_agreement(cast.pairing_u_a1)
        agreement.resources.all().delete()
        with pytest.raises(ValidationError, match="资源清单为空"):
            agreement_service.submit(actor=cast.dave, agreement=agreement, expected_version=1)
        assert Agreement.objects.get().status == S.DRAFT

    def test_sign_refuses_any_empty_list(self, cast):
        agreement = make_agreement(cast.pairing_u_a1, status=S.CONFIRMED)
        agreement.projects.all().delete()
        with pytest.raises(ValidationError, match="结对共建项目清单为空"):
            agreement_service.sign(
                actor=cast.erin, agreement=agreement, expected_version=1, signed_on=TODAY, scan=pdf_upload()
            )
        assert Agreement.objects.get().status == S.CONFIRMED

    def test_sign_needs_a_real_scan_and_a_sensible_date(self, cast):
        agreement = make_agreement(cast.pairing_u_a1, status=S.CONFIRMED)
        with pytest.raises(ValidationError) as exc:
            agreement_service.sign(
                actor=cast.erin, agreement=agreement, expected_version=1, signed_on=TODAY, scan=fake_pdf_upload()
            )
        assert exc.value.message_dict["scan"] == ["扫描件只能是 PDF 或图片文件。"]
        with pytest.raises(ValidationError) as exc:
            agreement_service.sign(
                actor=cast.erin,
                agreement=agreement,
                expected_version=1,
                signed_on=TODAY + datetime.timedelta(days=1),
                scan=None,
            )
        assert set(exc.value.message_dict) == {"signed_on", "scan"}
        assert Agreement.objects.get().status == S.CONFIRMED

    def test_sign_records_both_sides_stores_the_scan_and_freezes_the_version(self, cast):
        agreement = make_agreement(cast.pairing_u_a1, status=S.CONFIRMED)
        signed = agreement_service.sign(
            actor=cast.dave,
            agreement=agreement,
            expected_version=1,
            signed_on=TODAY,
            scan=png_upload("我的扫描.png"),
            village_signatory="李书记",
        )
        assert signed.status == S.SIGNED and signed.unit_signatory == "王局长"
        assert signed.scan.name.startswith("agreement-scans/") and signed.scan.name.endswith(".png")
        assert "我的扫描" not in signed.scan.name
        revision = AgreementRevision.objects.get(agreement=agreement)
        assert revision.amendment_no == 0 and revision.document["projects"][0]["demands"] == [1]

    def test_reject_needs_a_reason(self, cast):
        agreement = make_agreement(cast.pairing_u_a1, status=S.SUBMITTED)
        with pytest.raises(ValidationError, match="退回须填写原因"):
            agreement_service.reject(actor=cast.erin, agreement=agreement, reason="  ", expected_version=1)
        agreement_service.reject(actor=cast.erin, agreement=agreement, reason="资金数额有误", expected_version=1)
        transition = AgreementTransition.objects.get()
        assert (transition.from_status, transition.to_status) == ("submitted", "draft")
        assert transition.reason == "资金数额有误"
        assert transition.actor == cast.erin

    def test_a_stale_version_changes_nothing(self, cast):
        agreement = make_agreement(cast.pairing_u_a1)
        agreement_service.update_terms(actor=cast.erin, agreement=agreement, terms="新条款", expected_version=1)
        with pytest.raises(StaleVersionError):
            agreement_service.submit(actor=cast.dave, agreement=agreement, expected_version=1)
        stored = Agreement.objects.get()
        assert (stored.status, stored.version) == (S.DRAFT, 2)


@pytest.mark.django_db
class TestAmendment:
    def test_amendment_keeps_the_signed_version_readable(self, cast):
        agreement = make_agreement(cast.pairing_u_a1, status=S.CONFIRMED)
        agreement_service.sign(
            actor=cast.erin, agreement=agreement, expected_version=1, signed_on=TODAY, scan=pdf_upload()
        )
        first_scan = Agreement.objects.get().scan.name
        with pytest.raises(ValidationError, match="变更须填写原因"):
            agreement_service.amend(actor=cast.dave, agreement=agreement, reason="", expected_version=2)
        amended = agreement_service.amend(
            actor=cast.dave, agreement=agreement, reason="追加路灯项目", expected_version=2
        )
        assert (amended.status, amended.amendment_no, amended.scan.name) == (S.DRAFT, 1, "")
        resource = amended.resources.get()
        resource.description = "帮扶资金（追加）"
        agreement_service.save_item(actor=cast.erin, item=resource, expected_version=amended.version)
        old = AgreementRevision.objects.get(agreement=agreement, amendment_no=0)
        assert old.document["resources"][0]["description"] == "帮扶资金"
        assert old.document["scan"] == first_scan
        with pytest.raises(RuntimeError):
            old.save()
        current = Agreement.objects.get()
        for action in ("submit", "confirm", "sign"):
            run(action, cast.erin if action == "confirm" else cast.dave, current)
            current.refresh_from_db()
        assert list(AgreementRevision.objects.values_list("amendment_no", flat=True)) == [0, 1]
        second = AgreementRevision.objects.get(amendment_no=1).document
        assert second["resources"][0]["description"] == "帮扶资金（追加）"
        assert AgreementTransition.objects.get(action="amend").reason == "追加路灯项目"

    def test_tracking_a_signed_project_needs_no_amendment(self, cast):
        agreement = make_agreement(cast.pairing_u_a1, status=S.SIGNED)
        project = agreement.projects.get()
        agreement_service.track_project(
            actor=cast.dave, item=project, progress=100, status=ProjectStatus.COMPLETED, outcome="已通车"
        )
        agreement_service.track_demand(actor=cast.dave, item=agreement.demands.get(), status=DemandItemStatus.RESOLVED)
        project.refresh_from_db()
        assert (project.progress, project.status) == (100, ProjectStatus.COMPLETED)
        with pytest.raises(ValidationError, match="100%"):
            agreement_service.track_project(actor=cast.dave, item=project, progress=50, status=ProjectStatus.COMPLETED)


@pytest.mark.django_db
class TestCarryOver:
    def test_unfinished_projects_and_open_demands_move_to_next_year(self, cast):
        agreement = make_agreement(cast.pairing_u_a1, status=S.SIGNED, year=YEAR - 1)
        done = AgreementProjectItem.objects.create(
            agreement=agreement,
            name="已完成项目",
            unit_owner="王",
            village_owner="李",
            start_date=datetime.date(YEAR - 1, 1, 5),
            end_date=datetime.date(YEAR - 1, 2, 1),
            progress=100,
            status=ProjectStatus.COMPLETED,
        )
        AgreementDemandItem.objects.create(
            agreement=agreement, category="training", description="已解决需求", status=DemandItemStatus.RESOLVED
        )
        following = agreement_service.carry_over(actor=cast.erin, agreement=agreement)
        assert (following.year, following.status, following.carried_from) == (YEAR, S.DRAFT, agreement)
        assert [p.name for p in following.projects.all()] == ["村道硬化工程"]
        assert [d.description for d in following.demands.all()] == ["村道硬化"]
        project = following.projects.get()
        assert project.start_date.year == YEAR and project.end_date.year == YEAR
        assert list(project.demands.all()) == list(following.demands.all())
        assert not following.resources.exists()
        assert done.name not in following.projects.values_list("name", flat=True)

    def test_carry_over_refuses_a_year_that_already_has_an_agreement(self, cast):
        agreement = make_agreement(cast.pairing_u_a1, status=S.CLOSED, year=YEAR - 1)
        make_agreement(cast.pairing_u_a1, year=YEAR, filled=False)
        with pytest.raises(ValidationError, match="每个结对关系每年只能签订一份协议"):
            agreement_service.carry_over(actor=cast.dave, agreement=agreement)
        assert Agreement.objects.count() == 2

    def test_carry_over_refuses_when_the_pairing_ends(self, cast):
        Pairing.objects.filter(pk=cast.pairing_u_a1.pk).update(end_year=YEAR)
        agreement = make_agreement(cast.pairing_u_a1, status=S.SIGNED)
        with pytest.raises(ValidationError, match="不在结对期内"):
            agreement_service.carry_over(actor=cast.dave, agreement=agreement)
