"""Matching: suggestions ranked by specialty fit, load and past service, with the reason; invitations."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ledgers.choices import NotificationKind
from ledgers.models import Notification
from ledgers.services.demand_matching import suggest_talents
from ledgers.services.demands import claim_demand, invite_talent
from pairing.choices import Role
from pairing.models import TalentAssignment, UrbanTalent
from tests.factories import make_user

from .helpers import last_month_day, record
from .test_demands_support import publish, specialty

pytestmark = pytest.mark.django_db


def talent(cast, name, phone, *, unit=None, specialties=(), assign=True, account=None):
    row = UrbanTalent.objects.create(
        county=cast.county, unit=unit or cast.unit_u, name=name, gender="male", phone=phone
    )
    row.specialties.set([specialty(s) for s in specialties])
    if assign:
        TalentAssignment.objects.create(talent=row, village=cast.village_a1, year=cast.assignment_t.year)
    if account:
        make_user(account, Role.TALENT, talent=row)
    return row


@pytest.fixture
def pool(cast):
    """frank (法律) served A1 three times before this month and once this month; 钱 (法律, 医疗) is
    new to A1; 孙 (医疗) has two open claims; 周 is of paired unit U but not assigned; 吴 has nothing
    that fits; 郑 serves B1 (not a candidate)."""
    cast.talent_t.specialties.set([specialty("法律")])
    for i in range(3):
        record(cast.dave, cast.village_a1, talents=[cast.talent_t], day=last_month_day(), title=f"以往{i}")
    record(cast.dave, cast.village_a1, talents=[cast.talent_t], title="本月")
    qian = talent(cast, "钱", "13500000001", specialties=("法律", "医疗"), account="qian")
    sun = talent(cast, "孙", "13500000002", specialties=("医疗",), account="sun")
    zhou = talent(cast, "周", "13500000003", specialties=("法律",), assign=False)
    wu = talent(cast, "吴", "13500000004", specialties=("农业技术",))
    cast.talent_t2.specialties.set([specialty("法律")])
    for title in ("孙的任务一", "孙的任务二"):
        other = publish(cast, title=title)
        claim_demand(actor=sun.account, demand=other)
    return {"qian": qian, "sun": sun, "zhou": zhou, "wu": wu}


def test_suggestions_rank_fit_then_load_then_past_service_with_reasons(cast, pool):
    demand = publish(cast, specialties=("法律", "医疗"))
    rows = suggest_talents(demand, cast.alice)
    names = [s.talent.name for s in rows]
    # 钱 fits both (20); 张三 fits one, served 4 times here (+4) but once this month (−2): 12;
    # 周 fits one, no load: 10; 孙 fits one, two open claims (−6): 4; 吴 fits none: 0.
    assert names == ["钱", "张三", "周", "孙", "吴"]
    assert [s.score for s in rows] == [20, 12, 10, 4, 0]
    by_name = {s.talent.name: s for s in rows}
    assert by_name["张三"].reason == "特长匹配：法律；本月已服务1次；曾在本村服务4次"
    assert by_name["钱"].reason == "特长匹配：法律、医疗；本月尚未服务；未曾在本村服务"
    assert by_name["孙"].reason == "特长匹配：医疗；本月尚未服务；在办认领2项；未曾在本村服务"
    assert by_name["吴"].reason.startswith("无匹配特长")
    assert by_name["周"].relation == "结对单位人才" and by_name["张三"].relation == "驻村人才"
    assert "李四" not in names  # serves B1


def test_someone_who_already_claimed_is_not_suggested(cast, pool):
    demand = publish(cast, people=3, specialties=("法律",))
    claim_demand(actor=cast.frank, demand=demand)
    assert "张三" not in [s.talent.name for s in suggest_talents(demand, cast.alice)]


def test_suggestions_only_list_talents_the_viewer_may_see(cast, pool):
    demand = publish(cast, specialties=("法律",))
    # The village secretary sees the talents assigned to the village, not unit U's other people.
    assert "周" not in [s.talent.name for s in suggest_talents(demand, cast.dave)]
    assert suggest_talents(demand, cast.carol) == []


def test_suggestions_take_three_queries_however_many_talents(cast, pool):
    demand = publish(cast, specialties=("法律", "医疗"))
    with CaptureQueriesContext(connection) as queries:
        suggest_talents(demand, cast.alice)
    assert len(queries) == 3  # needed specialties, ranked candidates, matched specialty names
    for i in range(5):
        talent(cast, f"新人{i}", f"1360000000{i}", specialties=("法律",))
    with CaptureQueriesContext(connection) as queries:
        assert len(suggest_talents(demand, cast.alice)) == 10
    assert len(queries) == 3


def test_the_village_invites_a_suggested_talent_who_gets_a_notification(cast, pool):
    demand = publish(cast, specialties=("法律",))
    invitation = invite_talent(actor=cast.dave, demand=demand, talent=pool["qian"])
    assert invitation.recipient.talent == pool["qian"] and invitation.kind == NotificationKind.INVITATION
    assert invitation.link == demand.get_absolute_url() and "甲一村邀请您认领" in invitation.title
    with pytest.raises(ValidationError, match="已邀请过"):
        invite_talent(actor=cast.dave, demand=demand, talent=pool["qian"])
    assert Notification.objects.count() == 1


def test_invitations_are_refused_when_they_cannot_lead_anywhere(cast, pool):
    demand = publish(cast)
    with pytest.raises(ValidationError, match="尚未开通平台账号"):
        invite_talent(actor=cast.dave, demand=demand, talent=pool["wu"])
    with pytest.raises(ValidationError, match="不在本村服务"):
        invite_talent(actor=cast.dave, demand=demand, talent=cast.talent_t2)
    claim_demand(actor=cast.frank, demand=demand)
    with pytest.raises(ValidationError, match="已满员"):
        invite_talent(actor=cast.dave, demand=demand, talent=pool["qian"])
    assert not Notification.objects.exists()


@pytest.mark.parametrize("username", ["frank", "erin", "bob"])
def test_only_the_village_invites(cast, pool, username):
    with pytest.raises(PermissionDenied, match="只有本村党组织书记"):
        invite_talent(actor=cast.users[username], demand=publish(cast), talent=pool["qian"])


def test_suggestions_and_invitation_through_the_api(cast, pool, api):
    demand = publish(cast, specialties=("法律", "医疗"))
    api.force_authenticate(cast.alice)
    body = api.get(f"/api/v1/demands/{demand.pk}/suggestions/").json()
    assert [row["name"] for row in body][:2] == ["钱", "张三"]
    assert body[1]["reason"] == "特长匹配：法律；本月已服务1次；曾在本村服务4次"
    api.force_authenticate(cast.dave)
    assert api.post(f"/api/v1/demands/{demand.pk}/invite/", {"talent": pool["qian"].pk}).status_code == 201
    # A talent outside dave's view is a field error, not a hint that it exists.
    assert api.post(f"/api/v1/demands/{demand.pk}/invite/", {"talent": cast.talent_t2.pk}).status_code == 400
