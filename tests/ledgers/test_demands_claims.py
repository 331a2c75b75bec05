"""Claim rules: who may claim, the claim limit, duplicates, withdrawal, and the last-place race."""

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import close_old_connections, connection
from django.http import Http404

from ledgers.choices import ClaimStatus, DemandStatus
from ledgers.models import Demand, DemandClaim
from ledgers.services.demands import claim_demand, start_demand, withdraw_claim
from pairing.choices import AuditResult, Role, TalentStatus
from pairing.models import AuditEvent, TalentAssignment, UrbanTalent
from tests.factories import build_cast, make_user

from .test_demands_support import publish

pytestmark = pytest.mark.django_db


def test_a_talent_serving_the_village_claims_a_place(cast):
    demand = publish(cast, people=2)
    claim = claim_demand(actor=cast.frank, demand=demand)
    demand.refresh_from_db()
    assert claim.talent == cast.talent_t and claim.claimed_by == cast.frank and claim.status == ClaimStatus.ACTIVE
    assert (demand.status, demand.claimed_count, demand.places_left) == (DemandStatus.CLAIMED, 1, 1)
    assert AuditEvent.objects.filter(action="claim", object_id=str(demand.pk), result=AuditResult.SUCCESS).exists()


def test_the_paired_units_liaison_claims_for_the_unit_as_a_whole(cast):
    demand = publish(cast, people=2)
    claim = claim_demand(actor=cast.erin, demand=demand)
    assert claim.unit == cast.unit_u and claim.talent is None
    assert claim.claimant_name == "县农业农村局（单位集体）"


def test_a_talent_of_the_paired_unit_not_assigned_here_may_claim(cast):
    colleague = UrbanTalent.objects.create(
        county=cast.county, unit=cast.unit_u, name="赵六", gender="male", phone="13500135000"
    )
    account = make_user("gina", Role.TALENT, talent=colleague)
    demand = publish(cast)
    assert claim_demand(actor=account, demand=demand).talent == colleague


@pytest.mark.parametrize("username", ["bob", "dave", "alice"])
def test_other_roles_in_scope_are_refused_with_a_reason_and_audited(cast, username):
    demand = publish(cast)
    with pytest.raises(PermissionDenied, match="只有在本村服务的城市人才和结对单位可以认领需求"):
        claim_demand(actor=cast.users[username], demand=demand)
    demand.refresh_from_db()
    assert demand.claimed_count == 0 and not demand.claims.exists()
    assert AuditEvent.objects.filter(action="denied", username=username, result=AuditResult.DENIED).exists()


@pytest.mark.parametrize("username", ["carol", "zoe", "grace"])
def test_people_outside_the_village_get_not_found(cast, username):
    demand = publish(cast)
    with pytest.raises(Http404):
        claim_demand(actor=cast.users[username], demand=demand)


def test_a_talent_who_sees_the_village_only_from_an_earlier_year_is_refused(cast):
    cast.assignment_t.year -= 1
    cast.assignment_t.save()
    cast.talent_t.unit = cast.unit_v  # and no longer of the paired unit
    cast.talent_t.save()
    TalentAssignment.objects.create(talent=cast.talent_t, village=cast.village_b1, year=cast.assignment_t.year + 1)
    demand = publish(cast)
    with pytest.raises(PermissionDenied, match="未分配到甲一村服务"):
        claim_demand(actor=cast.frank, demand=demand)


def test_a_withdrawn_talent_may_not_claim(cast):
    UrbanTalent.objects.filter(pk=cast.talent_t.pk).update(status=TalentStatus.WITHDRAWN)
    with pytest.raises(PermissionDenied):
        claim_demand(actor=cast.frank, demand=publish(cast))


def test_no_claim_once_the_number_wanted_is_reached(cast):
    demand = publish(cast, people=1)
    claim_demand(actor=cast.frank, demand=demand)
    with pytest.raises(ValidationError, match="认领名额已满"):
        claim_demand(actor=cast.erin, demand=demand)
    demand.refresh_from_db()
    assert demand.claimed_count == 1 and demand.claims.count() == 1


def test_claiming_twice_is_refused_and_takes_no_second_place(cast):
    demand = publish(cast, people=3)
    claim_demand(actor=cast.frank, demand=demand)
    with pytest.raises(ValidationError, match="无需重复认领"):
        claim_demand(actor=cast.frank, demand=demand)
    demand.refresh_from_db()
    assert demand.claimed_count == 1


def test_withdrawing_before_work_starts_frees_the_place_and_a_new_claim_reuses_the_row(cast):
    demand = publish(cast)
    first = claim_demand(actor=cast.frank, demand=demand)
    withdrawn = withdraw_claim(actor=cast.frank, demand=demand)
    demand.refresh_from_db()
    assert withdrawn.status == ClaimStatus.WITHDRAWN and withdrawn.withdrawn_at is not None
    assert (demand.status, demand.claimed_count) == (DemandStatus.PUBLISHED, 0)
    again = claim_demand(actor=cast.frank, demand=demand)
    assert again.pk == first.pk and again.status == ClaimStatus.ACTIVE
    assert DemandClaim.objects.filter(demand=demand).count() == 1


def test_withdrawing_one_of_two_claims_keeps_the_demand_claimed(cast):
    demand = publish(cast, people=2)
    claim_demand(actor=cast.frank, demand=demand)
    claim_demand(actor=cast.erin, demand=demand)
    withdraw_claim(actor=cast.erin, demand=demand)
    demand.refresh_from_db()
    assert (demand.status, demand.claimed_count) == (DemandStatus.CLAIMED, 1)


def test_no_withdrawal_once_work_has_started(cast):
    demand = publish(cast)
    claim_demand(actor=cast.frank, demand=demand)
    start_demand(actor=cast.dave, demand=demand)
    with pytest.raises(ValidationError, match="办理中"):
        withdraw_claim(actor=cast.frank, demand=demand)
    demand.refresh_from_db()
    assert demand.claimed_count == 1


def test_withdrawing_without_a_claim_is_refused(cast):
    with pytest.raises(ValidationError, match="没有该需求的有效认领"):
        withdraw_claim(actor=cast.frank, demand=publish(cast))


def test_claims_through_the_api(cast, api):
    demand = publish(cast, people=1)
    api.force_authenticate(cast.bob)
    response = api.post(f"/api/v1/demands/{demand.pk}/claim/")
    assert response.status_code == 403 and "认领" in response.json()["detail"]
    api.force_authenticate(cast.frank)
    body = api.post(f"/api/v1/demands/{demand.pk}/claim/").json()
    assert body["status"] == "claimed" and body["claimed_count"] == 1
    assert body["claims"][0]["talent"] == cast.talent_t.pk
    api.force_authenticate(cast.erin)
    full = api.post(f"/api/v1/demands/{demand.pk}/claim/")
    assert full.status_code == 400 and "名额已满" in full.json()["detail"]
    api.force_authenticate(cast.frank)
    assert api.post(f"/api/v1/demands/{demand.pk}/withdraw-claim/").json()["status"] == "published"
    api.force_authenticate(cast.carol)
    assert api.post(f"/api/v1/demands/{demand.pk}/claim/").status_code == 404


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_talents_racing_for_the_last_place_one_wins():
    if connection.vendor != "postgresql":
        pytest.skip("the claim race needs concurrent transactions (PostgreSQL); SQLite serialises writers")
    cast = build_cast()
    colleague = UrbanTalent.objects.create(
        county=cast.county, unit=cast.unit_u, name="赵六", gender="male", phone="13500135000"
    )
    rival = make_user("gina", Role.TALENT, talent=colleague)
    demand = publish(cast, people=2)
    claim_demand(actor=cast.erin, demand=demand)  # one place left
    barrier = threading.Barrier(2)
    outcomes = {}

    def attempt(user):
        try:
            barrier.wait(timeout=10)
            claim_demand(actor=user, demand=Demand(pk=demand.pk))
            outcomes[user.username] = "won"
        except ValidationError as exc:
            outcomes[user.username] = exc.messages[0]
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=attempt, args=(user,)) for user in (cast.frank, rival)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(outcomes) == 2 and list(outcomes.values()).count("won") == 1, outcomes
    assert any("名额已满" in outcome for outcome in outcomes.values()), outcomes
    demand.refresh_from_db()
    assert demand.claimed_count == 2 == demand.people_wanted
    assert DemandClaim.objects.filter(demand=demand, status=ClaimStatus.ACTIVE).count() == 2


def test_the_api_lists_what_the_talent_may_claim_and_their_claims_as_the_page_does(cast, api, client):
    from ledgers import queries

    open_demand = publish(cast, title="可认领的需求")
    claimed = publish(cast, title="已认领的需求")
    claim_demand(actor=cast.frank, demand=claimed)
    api.force_authenticate(cast.frank)
    claimable = api.get("/api/v1/demands/claimable/").json()
    assert [row["id"] for row in claimable["results"]] == [open_demand.pk]
    assert claimable["results"][0]["actions"] == ["claim"]
    mine = api.get("/api/v1/claims/").json()
    assert [row["demand"] for row in mine["results"]] == [claimed.pk]
    assert [d.pk for d in queries.claimable_demands(cast.frank)] == [open_demand.pk]
    client.force_login(cast.frank)
    page = client.get("/ledgers/demands/claimable/").content.decode()
    assert "可认领的需求" in page and "已认领的需求" in page  # the page shows both lists


def test_the_claimable_list_is_empty_for_roles_that_do_not_claim(cast, api):
    publish(cast)
    for user in (cast.alice, cast.bob, cast.dave, cast.grace):
        api.force_authenticate(user)
        assert api.get("/api/v1/demands/claimable/").json()["count"] == 0
        assert api.get("/api/v1/claims/").json()["count"] == 0
