"""Every transition, allowed and refused: by role, by scope, by state; refusals write nothing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from ledgers.choices import ActivityStatus, ClaimStatus, DemandStatus
from ledgers.models import Demand
from ledgers.services import confirm_activity
from ledgers.services.demands import (
    claim_demand,
    close_demand,
    resolve_demand,
    start_demand,
    update_demand,
)
from pairing.choices import AgreementStatus, AuditResult, DemandCategory, Role
from pairing.models import Agreement, AgreementDemandItem, AuditEvent
from tests.factories import make_user

from .helpers import record, today
from .test_demands_support import claimed, days_from_today, demand_input, publish

pytestmark = pytest.mark.django_db


class TestPublish:
    def test_the_village_secretary_publishes_with_specialties(self, cast):
        demand = publish(cast, people=3, specialties=("法律", "医疗"), due=days_from_today(7))
        assert demand.status == DemandStatus.PUBLISHED and demand.published_by == cast.dave
        assert sorted(demand.specialties.values_list("name", flat=True)) == ["医疗", "法律"]
        assert AuditEvent.objects.filter(action="create", object_type="ledgers.demand").exists()

    @pytest.mark.parametrize("username", ["alice", "bob", "erin", "frank"])
    def test_other_roles_may_not_publish(self, cast, username):
        with pytest.raises(PermissionDenied, match="只有本村党组织书记"):
            publish(cast, actor=cast.users[username])
        assert not Demand.objects.exists()

    def test_a_village_outside_the_scope_is_refused_and_nothing_is_written(self, cast):
        with pytest.raises(PermissionDenied, match="管理范围之外"):
            publish(cast, village=cast.village_b1)
        assert not Demand.objects.exists()
        assert AuditEvent.objects.filter(action="denied", username="dave").exists()

    def test_a_due_date_in_the_past_is_refused(self, cast):
        with pytest.raises(ValidationError, match="不能早于发布日期"):
            publish(cast, due=days_from_today(-1))

    def test_the_linked_agreement_item_must_belong_to_the_village(self, cast):
        def item(pairing):
            agreement = Agreement.objects.create(pairing=pairing, year=today().year, status=AgreementStatus.DRAFT)
            return AgreementDemandItem.objects.create(
                agreement=agreement, category=DemandCategory.LIVELIHOOD, description="道路硬化"
            )

        with pytest.raises(ValidationError, match="不属于本村"):
            publish(cast, agreement_item=item(cast.pairing_v_b1))
        own_item = item(cast.pairing_u_a1)
        assert publish(cast, agreement_item=own_item).agreement_item == own_item


class TestUpdate:
    def test_the_number_wanted_cannot_drop_below_the_claims(self, cast):
        demand = publish(cast, people=2)
        claim_demand(actor=cast.frank, demand=demand)
        claim_demand(actor=cast.erin, demand=demand)
        with pytest.raises(ValidationError, match="不能少于已认领人数"):
            update_demand(actor=cast.dave, demand=demand, data=demand_input(people=1))
        demand.refresh_from_db()
        assert demand.people_wanted == 2

    def test_no_edit_after_work_starts_nor_by_others(self, cast):
        demand = claimed(cast)
        with pytest.raises(PermissionDenied):
            update_demand(actor=cast.frank, demand=demand, data=demand_input(title="改"))
        start_demand(actor=cast.frank, demand=demand)
        with pytest.raises(ValidationError, match="办理中"):
            update_demand(actor=cast.dave, demand=demand, data=demand_input(title="改"))
        demand.refresh_from_db()
        assert demand.title == "修缮村道路灯"


class TestStart:
    def test_a_claimant_or_the_village_starts_a_claimed_demand(self, cast):
        demand = claimed(cast)
        assert start_demand(actor=cast.frank, demand=demand).status == DemandStatus.IN_PROGRESS
        other = claimed(cast, title="第二件")
        assert start_demand(actor=cast.dave, demand=other).started_at is not None

    def test_someone_in_scope_who_did_not_claim_may_not_start(self, cast):
        demand = claimed(cast)
        for user in (cast.erin, cast.bob):
            with pytest.raises(PermissionDenied, match="只有本村或认领人"):
                start_demand(actor=user, demand=demand)
        demand.refresh_from_db()
        assert demand.status == DemandStatus.CLAIMED

    @pytest.mark.parametrize("state", ["published", "in_progress"])
    def test_only_a_claimed_demand_starts(self, cast, state):
        demand = publish(cast) if state == "published" else claimed(cast)
        if state == "in_progress":
            start_demand(actor=cast.dave, demand=demand)
        with pytest.raises(ValidationError, match="不能开始办理"):
            start_demand(actor=cast.dave, demand=demand)

    def test_out_of_scope_is_not_found(self, cast):
        demand = claimed(cast)
        with pytest.raises(Http404):
            start_demand(actor=cast.carol, demand=demand)


@pytest.fixture
def served(cast):
    """A claimed A1 demand and a confirmed A1 activity in which frank took part."""
    demand = claimed(cast)
    activity = record(cast.dave, cast.village_a1, talents=[cast.talent_t], title="维修路灯")
    return demand, activity


class TestResolve:
    def test_the_village_resolves_with_the_activity_that_served_it(self, cast, served):
        demand, activity = served
        resolved = resolve_demand(actor=cast.dave, demand=demand, outcome="更换路灯 6 盏", activity=activity)
        assert resolved.status == DemandStatus.RESOLVED and resolved.served_by == activity
        assert resolved.resolved_at is not None and resolved.finished_by == cast.dave
        assert list(resolved.claims.values_list("status", flat=True)) == [ClaimStatus.COMPLETED]

    @pytest.mark.parametrize("username", ["frank", "erin", "bob", "alice"])
    def test_only_the_village_resolves(self, cast, served, username):
        demand, activity = served
        with pytest.raises(PermissionDenied):
            resolve_demand(actor=cast.users[username], demand=demand, outcome="好了", activity=activity)
        demand.refresh_from_db()
        assert demand.status == DemandStatus.CLAIMED
        assert AuditEvent.objects.filter(action="denied", username=username, result=AuditResult.DENIED).exists()

    def test_an_outcome_is_required(self, cast, served):
        demand, activity = served
        with pytest.raises(ValidationError, match="请填写办理结果"):
            resolve_demand(actor=cast.dave, demand=demand, outcome="  ", activity=activity)

    def test_the_activity_must_be_confirmed(self, cast, served):
        demand, _ = served
        pending = record(cast.frank, cast.village_a1, talents=[cast.talent_t], title="待确认")
        assert pending.status == ActivityStatus.PENDING
        with pytest.raises(ValidationError, match="尚未确认"):
            resolve_demand(actor=cast.dave, demand=demand, outcome="好了", activity=pending)
        confirm_activity(actor=cast.dave, activity=pending)
        assert resolve_demand(actor=cast.dave, demand=demand, outcome="好了", activity=pending).served_by == pending

    def test_the_activity_must_involve_a_claimant(self, cast, served):
        demand, _ = served
        by_unit_v = make_user("bella", Role.VILLAGE_SECRETARY, village=cast.village_b1)
        other_village = record(by_unit_v, cast.village_b1, talents=[cast.talent_t2])
        with pytest.raises(ValidationError, match="不属于本村"):
            resolve_demand(actor=cast.dave, demand=demand, outcome="好了", activity=other_village)
        unit_only = record(cast.dave, cast.village_a1, units=[cast.unit_u], title="单位联系")
        # The unit's own talent claimed, so the unit taking part as a whole does not count for him.
        with pytest.raises(ValidationError, match="没有该需求的认领人"):
            resolve_demand(actor=cast.dave, demand=demand, outcome="好了", activity=unit_only)

    def test_a_unit_claim_is_served_by_the_unit_or_any_of_its_talents(self, cast):
        demand = publish(cast)
        claim_demand(actor=cast.erin, demand=demand)
        activity = record(cast.dave, cast.village_a1, talents=[cast.talent_t])
        assert resolve_demand(actor=cast.dave, demand=demand, outcome="好了", activity=activity).status == "resolved"

    def test_an_activity_before_the_demand_was_published_does_not_count(self, cast, served):
        demand, activity = served
        Demand.objects.filter(pk=demand.pk).update(published_at=demand.published_at + datetime.timedelta(days=2))
        with pytest.raises(ValidationError, match="早于需求发布日期"):
            resolve_demand(actor=cast.dave, demand=demand, outcome="好了", activity=activity)

    def test_an_unclaimed_demand_cannot_be_resolved(self, cast):
        demand = publish(cast)
        activity = record(cast.dave, cast.village_a1, talents=[cast.talent_t])
        with pytest.raises(ValidationError, match="尚无人认领"):
            resolve_demand(actor=cast.dave, demand=demand, outcome="好了", activity=activity)

    def test_resolving_twice_is_refused(self, cast, served):
        demand, activity = served
        resolve_demand(actor=cast.dave, demand=demand, outcome="好了", activity=activity)
        with pytest.raises(ValidationError, match="已解决"):
            resolve_demand(actor=cast.dave, demand=demand, outcome="再来", activity=activity)

    def test_through_the_api(self, cast, served, api):
        demand, activity = served
        api.force_authenticate(cast.dave)
        missing = api.post(f"/api/v1/demands/{demand.pk}/resolve/", {"outcome": "好了"})
        assert missing.status_code == 400 and "activity" in missing.json()["errors"]
        body = api.post(f"/api/v1/demands/{demand.pk}/resolve/", {"outcome": "好了", "activity": activity.pk}).json()
        assert body["status"] == "resolved" and body["served_by"] == activity.pk


class TestClose:
    @pytest.mark.parametrize("state", ["published", "claimed", "in_progress"])
    def test_the_village_closes_an_open_demand_with_a_reason(self, cast, state):
        demand = publish(cast) if state == "published" else claimed(cast)
        if state == "in_progress":
            start_demand(actor=cast.dave, demand=demand)
        closed = close_demand(actor=cast.dave, demand=demand, reason="资金缺口较大，纳入明年计划")
        assert closed.status == DemandStatus.CLOSED and closed.closed_at is not None
        assert not closed.claims.filter(status=ClaimStatus.ACTIVE).exists()

    def test_a_reason_is_required(self, cast):
        with pytest.raises(ValidationError, match="必须填写原因"):
            close_demand(actor=cast.dave, demand=publish(cast), reason="")

    def test_a_finished_demand_cannot_be_closed(self, cast, served):
        demand, activity = served
        resolve_demand(actor=cast.dave, demand=demand, outcome="好了", activity=activity)
        with pytest.raises(ValidationError, match="不能关闭"):
            close_demand(actor=cast.dave, demand=demand, reason="x")

    def test_only_the_village_closes(self, cast):
        demand = publish(cast)
        with pytest.raises(PermissionDenied):
            close_demand(actor=cast.bob, demand=demand, reason="x")
        with pytest.raises(Http404):
            close_demand(actor=cast.carol, demand=demand, reason="x")
        assert Demand.objects.get(pk=demand.pk).status == DemandStatus.PUBLISHED

    def test_close_through_the_api_needs_a_reason(self, cast, api):
        demand = publish(cast)
        api.force_authenticate(cast.dave)
        assert api.post(f"/api/v1/demands/{demand.pk}/close/", {}).status_code == 400
        closed = api.post(f"/api/v1/demands/{demand.pk}/close/", {"reason": "村民已自行解决"})
        assert closed.json()["status"] == "closed"


def test_publish_denied_for_an_unbound_auditor_through_the_api_writes_nothing(cast, api):
    api.force_authenticate(cast.grace)
    response = api.post(
        "/api/v1/demands/",
        {"village": cast.village_a1.pk, "type": "need", "category": "other", "title": "t", "description": "d"},
    )
    assert response.status_code == 403
    assert not Demand.objects.exists()


def test_the_village_publishes_through_the_api(cast, api):
    api.force_authenticate(cast.dave)
    payload = {
        "village": cast.village_a1.pk,
        "type": "micro_service",
        "category": "livelihood",
        "title": "义诊",
        "description": "为老人测血压",
        "people_wanted": 2,
        "specialties": [],
    }
    body = api.post("/api/v1/demands/", payload).json()
    assert body["status"] == "published" and body["people_wanted"] == 2
    assert Demand.objects.get(pk=body["id"]).published_by == cast.dave
