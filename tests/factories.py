"""The fixed cast every test starts from (healthchecks style: names that read as sentences).

County 测试县 has townships A and B. Village A1 (township A) is paired with unit U; village B1
(township B) with unit V. Talent T of unit U serves A1 this year; talent T2 of unit V serves B1.
Another county holds a township, a village, a unit and a talent nobody in the first county sees.

Accounts: alice (county admin), bob (township A officer), carol (township B officer),
dave (village A1 secretary), erin (unit U liaison), frank (talent T), grace (auditor),
zoe (admin of the other county).
"""

from dataclasses import dataclass

from django.utils import timezone

from pairing.choices import Role
from pairing.models import (
    County,
    CountyUnit,
    HonoraryVillageHead,
    Pairing,
    TalentAssignment,
    Township,
    UrbanTalent,
    User,
    Village,
)

PASSWORD = "Cast-Passw0rd!"


@dataclass
class Cast:
    county: County
    township_a: Township
    township_b: Township
    village_a1: Village
    village_a2: Village
    village_b1: Village
    unit_u: CountyUnit
    unit_v: CountyUnit
    pairing_u_a1: Pairing
    pairing_v_b1: Pairing
    head_u_a1: HonoraryVillageHead
    talent_t: UrbanTalent
    talent_t2: UrbanTalent
    assignment_t: TalentAssignment
    assignment_t2: TalentAssignment
    other_county: County
    other_township: Township
    other_village: Village
    other_unit: CountyUnit
    other_talent: UrbanTalent
    alice: User
    bob: User
    carol: User
    dave: User
    erin: User
    frank: User
    grace: User
    zoe: User

    @property
    def users(self) -> dict[str, User]:
        return {
            name: getattr(self, name) for name in ("alice", "bob", "carol", "dave", "erin", "frank", "grace", "zoe")
        }


def make_user(username: str, role: str, **anchor) -> User:
    user = User(username=username, full_name=username.title(), role=role, must_change_password=False, **anchor)
    user.set_password(PASSWORD)
    user.password_changed_at = timezone.now()
    user.save()
    return user


def build_cast() -> Cast:
    year = timezone.localdate().year
    county = County.objects.create(name="测试县", code="341122")
    township_a = Township.objects.create(county=county, name="甲镇", code="341122100", party_committee="甲镇党委")
    township_b = Township.objects.create(county=county, name="乙镇", code="341122200", party_committee="乙镇党委")
    village_a1 = Village.objects.create(
        township=township_a, name="甲一村", code="341122100201", secretary_name="李书记"
    )
    village_a2 = Village.objects.create(township=township_a, name="甲二村", code="341122100202")
    village_b1 = Village.objects.create(township=township_b, name="乙一村", code="341122200201")
    unit_u = CountyUnit.objects.create(county=county, name="县农业农村局")
    unit_v = CountyUnit.objects.create(county=county, name="县卫生健康委")
    pairing_u_a1 = Pairing.objects.create(unit=unit_u, village=village_a1, start_year=year - 1)
    pairing_v_b1 = Pairing.objects.create(unit=unit_v, village=village_b1, start_year=year - 1)
    head = HonoraryVillageHead.objects.create(pairing=pairing_u_a1, name="王局长", position="局长", phone="13800138000")
    talent_t = UrbanTalent.objects.create(
        county=county,
        unit=unit_u,
        name="张三",
        gender="male",
        phone="13900139000",
        id_number="11010519491231002X",
    )
    talent_t2 = UrbanTalent.objects.create(
        county=county, unit=unit_v, name="李四", gender="female", phone="13700137000"
    )
    assignment_t = TalentAssignment.objects.create(talent=talent_t, village=village_a1, year=year)
    assignment_t2 = TalentAssignment.objects.create(talent=talent_t2, village=village_b1, year=year)

    other_county = County.objects.create(name="邻县", code="341123")
    other_township = Township.objects.create(county=other_county, name="丙镇", code="341123100")
    other_village = Village.objects.create(township=other_township, name="丙一村", code="341123100201")
    other_unit = CountyUnit.objects.create(county=other_county, name="邻县教育局")
    Pairing.objects.create(unit=other_unit, village=other_village, start_year=year)
    other_talent = UrbanTalent.objects.create(
        county=other_county, unit=other_unit, name="王五", gender="male", phone="13600136000"
    )
    TalentAssignment.objects.create(talent=other_talent, village=other_village, year=year)

    return Cast(
        county=county,
        township_a=township_a,
        township_b=township_b,
        village_a1=village_a1,
        village_a2=village_a2,
        village_b1=village_b1,
        unit_u=unit_u,
        unit_v=unit_v,
        pairing_u_a1=pairing_u_a1,
        pairing_v_b1=pairing_v_b1,
        head_u_a1=head,
        talent_t=talent_t,
        talent_t2=talent_t2,
        assignment_t=assignment_t,
        assignment_t2=assignment_t2,
        other_county=other_county,
        other_township=other_township,
        other_village=other_village,
        other_unit=other_unit,
        other_talent=other_talent,
        alice=make_user("alice", Role.COUNTY_ADMIN, county=county),
        bob=make_user("bob", Role.TOWNSHIP_OFFICER, township=township_a),
        carol=make_user("carol", Role.TOWNSHIP_OFFICER, township=township_b),
        dave=make_user("dave", Role.VILLAGE_SECRETARY, village=village_a1),
        erin=make_user("erin", Role.UNIT_LIAISON, unit=unit_u),
        frank=make_user("frank", Role.TALENT, talent=talent_t),
        grace=make_user("grace", Role.AUDITOR, county=county),
        zoe=make_user("zoe", Role.COUNTY_ADMIN, county=other_county),
    )
