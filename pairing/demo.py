"""The demo county: builders that `manage.py seed_demo` runs in order.

How to add to the demo (other apps: agreements, ledgers, assessment)
--------------------------------------------------------------------
Write a function `build(ctx: DemoContext) -> None` in your app (e.g. `ledgers/demo.py`) and list
its dotted path in your AppConfig's `demo_builders`. Builders run in INSTALLED_APPS order, then list
order, inside one transaction, after the directory exists; they must

- draw every random choice from `ctx.rng` (never `random.*` or `uuid4`), and iterate querysets in a
  fixed order (`order_by("pk")`), so that the same `--seed` and `--today` build the same data;
- date things relative to `ctx.today` / `ctx.year`, never `date.today()`;
- insert with `bulk_create(..., batch_size=ctx.batch_size)`, not per-row `save()` (a county must
  build in well under a minute on SQLite and PostgreSQL);
- only touch rows of `ctx.counties` (the command's `--reset` deletes rows by each model's
  `scope.county` path, so a new scoped model needs nothing more to be reset);
- not rely on demo accounts: they exist only when DEMO_MODE is on (SECURITY.md 5). Use
  `ctx.accounts.get(role)`, which may be None.

Demo counties carry division codes under the reserved province code 99 (`DEMO_CODE_PREFIX`), which no
real province has. That is how the command tells its own data from real data.
"""

import secrets
import string
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from random import Random

from django.apps import apps
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.management.base import OutputWrapper
from django.db import connection
from django.db.models import F
from django.utils import timezone

from . import demo_names as names
from .choices import (
    Gender,
    PoliticalStatus,
    Role,
    TalentStatus,
    UnitKind,
    UnitOrgKind,
    VillageKind,
    VillageOrgKind,
)
from .models import (
    AuditEvent,
    County,
    CountyUnit,
    HonoraryVillageHead,
    Pairing,
    Specialty,
    TalentAssignment,
    Township,
    UrbanTalent,
    User,
    Village,
)
from .validators import id_check_character


def builders() -> list[str]:
    """The builders `seed_demo` runs: each installed app's `demo_builders`, in INSTALLED_APPS order.

    Apps declare their own builders on their AppConfig, so pairing never names the apps that build
    on it (assessment -> ledgers -> pairing).
    """
    return [path for config in apps.get_app_configs() for path in getattr(config, "demo_builders", ())]


def demo_tables() -> list[str]:
    """The tables the builders fill: those of every app that declares `demo_builders` (with their
    many-to-many tables), in a fixed order."""
    tables = {
        model._meta.db_table
        for config in apps.get_app_configs()
        if getattr(config, "demo_builders", ())
        for model in config.get_models(include_auto_created=True)
        if not model._meta.proxy and model._meta.managed
    }
    return sorted(tables)


def analyze(tables: list[str]) -> None:
    """Refresh the planner's statistics for `tables`. Bulk inserts leave PostgreSQL without any
    (autovacuum may be off or late), and a planner that believes the tables empty chose plans that
    took 5-9 s for the county's home page. Outside a transaction PostgreSQL also VACUUMs, which sets
    the visibility map a maintained database has: without it a count of the city's 366,000 scores
    read the heap (85 ms) instead of an index (13 ms). SQLite's ANALYZE fills sqlite_stat1 the same way."""
    command = "VACUUM (ANALYZE)" if connection.vendor == "postgresql" and not connection.in_atomic_block else "ANALYZE"
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"{command} {connection.ops.quote_name(table)}")


DEMO_CODE_PREFIX = "99"


@dataclass(frozen=True)
class Scale:
    """How big a demo to build: per county, times `counties`."""

    name: str
    counties: int
    townships: int
    villages: int
    units: int
    talents: int
    label: str = "自定义规模"  # how the audit log and messages name it: "一个县"


SCALES = {
    "small": Scale("small", label="小型示例", counties=1, townships=3, villages=10, units=4, talents=40),
    "county": Scale("county", label="一个县", counties=1, townships=15, villages=300, units=120, talents=5000),
    "city": Scale("city", label="一个市（10 个县）", counties=10, townships=15, villages=300, units=120, talents=5000),
}


@dataclass
class DemoAccount:
    """A demo login, printed at the end of the run."""

    user: User
    password: str
    scope: str
    can_do: str
    # The second factor of an account that needs one (demo mode only): otpauth:// URI and base32 key.
    otp_uri: str = ""
    otp_key: str = ""


def _demo_second_factor(user: User, *, renew: bool) -> dict:
    """Enrol (or keep) the TOTP device of a demo account that needs one; its secret is printed
    beside the password so the demo, the browser journeys and scripts can sign in (SECURITY.md 4)."""
    from .services import otp

    if not settings.DEMO_MODE or not otp.requires_otp(user):
        return {}
    device = otp.confirmed_device(user) if not renew else None
    device = device or otp.enrol_demo_device(user)
    return {"otp_uri": device.config_url, "otp_key": otp.base32_key(device)}


@dataclass
class DemoContext:
    """Everything a builder needs; one instance is passed to every builder of one run.

    rng       -- random.Random seeded from (--seed, builder path): the only source of randomness
    scale     -- the Scale being built (sizes per county)
    today     -- the run's "today" (--today, default the local date); `year` is its year
    stdout    -- the command's output (write progress lines here)
    counties  -- the County rows built by build_directory, in code order
    accounts  -- role -> DemoAccount, filled by build_accounts (empty outside DEMO_MODE)
    shared    -- free-form dict for builders to hand things to later builders
    """

    rng: Random
    scale: Scale
    today: date
    stdout: OutputWrapper
    counties: list[County] = field(default_factory=list)
    accounts: dict[str, DemoAccount] = field(default_factory=dict)
    shared: dict = field(default_factory=dict)
    batch_size: int = 500
    _used_phones: set[str] = field(default_factory=set)
    _used_ids: set[str] = field(default_factory=set)

    @property
    def year(self) -> int:
        return self.today.year

    def aware(self, day: date, hour: int = 9) -> datetime:
        """A timezone-aware datetime on `day` (Asia/Shanghai), for created_at-style fields."""
        return timezone.make_aware(datetime(day.year, day.month, day.day, hour))

    def log(self, message: str) -> None:
        self.stdout.write(message)

    # Personal data: unique and valid by the same validators forms use (SECURITY.md 14).
    def phone(self) -> str:
        while True:
            value = self.rng.choice(names.PHONE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if value not in self._used_phones:
                self._used_phones.add(value)
                return value

    def id_number(self, region: str, gender: str) -> str:
        while True:
            born = date(self.year - self.rng.randint(24, 58), 1, 1) + timedelta(days=self.rng.randrange(365))
            # The 17th digit is odd for men and even for women (GB 11643).
            seq = self.rng.randrange(0, 500) * 2 + (1 if gender == Gender.MALE else 0)
            body = f"{region}{born:%Y%m%d}{seq:03d}"
            value = body + id_check_character(body)
            if value not in self._used_ids:
                self._used_ids.add(value)
                return value

    def person_name(self, gender: str) -> str:
        surname = self.rng.choices(_SURNAMES, weights=_SURNAME_WEIGHTS)[0]
        pool = names.GIVEN_MALE if gender == Gender.MALE else names.GIVEN_FEMALE
        # About two thirds of given names have two characters.
        given = "".join(self.rng.choice(pool) for _ in range(2 if self.rng.random() < 0.66 else 1))
        return surname + given


_SURNAMES = [s for s, _ in names.SURNAMES]
_SURNAME_WEIGHTS = [w for _, w in names.SURNAMES]


# --------------------------------------------------------------------------------------------
# The directory
# --------------------------------------------------------------------------------------------


def build_directory(ctx: DemoContext) -> None:
    """Counties, townships, villages, units, talents, assignments, pairings and honorary heads."""
    specialties = list(Specialty.objects.order_by("sort_order", "pk"))
    county_names = list(names.COUNTY_NAMES)
    for index in range(ctx.scale.counties):
        started = time.monotonic()
        county = County.objects.create(name=county_names[index], code=f"{DEMO_CODE_PREFIX}01{21 + index:02d}")
        ctx.counties.append(county)
        AuditEvent.objects.create(
            username="seed_demo",
            county_id=county.pk,
            action="seed_demo",
            object_type="pairing.county",
            object_id=str(county.pk),
            object_repr=county.name,
            message=f"生成演示数据（规模：{ctx.scale.label}）。",
        )
        _build_county(ctx, county, specialties)
        ctx.log(f"  {county.name}（{county.code}）：{time.monotonic() - started:.1f} 秒")


def _build_county(ctx: DemoContext, county: County, specialties: list[Specialty]) -> None:
    rng = ctx.rng
    townships = _build_townships(ctx, county)
    villages = _build_villages(ctx, townships)
    units = _build_units(ctx, county)

    # Pairings: every village gets one unit; every unit gets two villages, some a third.
    order = villages[:]
    rng.shuffle(order)
    unit_slots = [u for u in units for _ in range(2)]
    extra = rng.sample(units, min(len(units), max(0, len(order) - len(unit_slots))))
    unit_slots += extra
    rng.shuffle(unit_slots)
    pairings = [
        Pairing(unit=unit, village=village, start_year=ctx.year - rng.randint(1, 3))
        for village, unit in zip(order, unit_slots, strict=False)
    ]
    Pairing.objects.bulk_create(pairings, batch_size=ctx.batch_size)
    villages_of_unit: dict[int, list[Village]] = defaultdict(list)
    for pairing in pairings:
        villages_of_unit[pairing.unit.pk].append(pairing.village)

    talents_by_unit = _build_talents(ctx, county, units, villages_of_unit, specialties)
    _build_assignments(ctx, villages, villages_of_unit, talents_by_unit)
    _build_heads(ctx, pairings, talents_by_unit)
    ctx.log(
        f"  {county.name}：{len(townships)} 个乡镇（街道），{len(villages)} 个村（社区），{len(units)} 个县直单位，"
        f"{sum(len(t) for t in talents_by_unit.values())} 名城市人才，{len(pairings)} 对结对关系"
    )


def _split(rng: Random, total: int, parts: int, weights: list[float]) -> list[int]:
    """Split `total` into `parts` positive counts roughly proportional to `weights`."""
    counts = [1] * parts
    for index in rng.choices(range(parts), weights=weights, k=total - parts):
        counts[index] += 1
    return counts


def _build_townships(ctx: DemoContext, county: County) -> list[Township]:
    rng = ctx.rng
    n = ctx.scale.townships
    streets = 1 if n <= 5 else 2
    xiang = 0 if n <= 5 else max(1, n // 7)
    towns = n - streets - xiang
    street_stems = rng.sample(names.STREET_STEMS, streets)
    stems = rng.sample(names.TOWNSHIP_STEMS, towns + xiang)
    # Division-code ranges follow GB/T 10114: 街道 001-099, 镇 100-199, 乡 200-399.
    rows = [(f"{stem}街道", f"{county.code}{1 + i:03d}") for i, stem in enumerate(street_stems)]
    rows += [(f"{stem}镇", f"{county.code}{100 + i:03d}") for i, stem in enumerate(stems[:towns])]
    rows += [(f"{stem}乡", f"{county.code}{200 + i:03d}") for i, stem in enumerate(stems[towns:])]
    townships = [
        Township(county=county, name=name, code=code, party_committee=f"中共{county.name}{name}委员会")
        for name, code in rows
    ]
    return Township.objects.bulk_create(townships, batch_size=ctx.batch_size)


def _build_villages(ctx: DemoContext, townships: list[Township]) -> list[Village]:
    rng = ctx.rng
    # Streets hold a handful of communities; rural townships hold most of the villages.
    weights = [0.4 if t.name.endswith("街道") else rng.uniform(0.8, 1.4) for t in townships]
    counts = _split(rng, ctx.scale.villages, len(townships), weights)
    used_names: set[str] = set()
    villages = []
    for township, count in zip(townships, counts, strict=True):
        urban = township.name.endswith("街道")
        communities = count if urban else sum(1 for _ in range(count) if rng.random() < 0.08)
        for i in range(count):
            is_community = i < communities
            while True:
                first = rng.choice(names.VILLAGE_FIRST)
                second = rng.choice(names.COMMUNITY_SECOND if is_community else names.VILLAGE_SECOND)
                name = first + second + ("社区" if is_community else "村")
                if name not in used_names:
                    used_names.add(name)
                    break
            # 居委会 codes run 001-199 and 村委会 codes 200-399 (GB/T 10114).
            code = f"{township.code}{(1 + i) if is_community else (200 + i - communities):03d}"
            households = rng.randint(180, 1300) if not is_community else rng.randint(900, 4200)
            org_kind = rng.choices(
                [VillageOrgKind.BRANCH, VillageOrgKind.GENERAL_BRANCH, VillageOrgKind.COMMITTEE],
                weights=[70, 25, 5] if not is_community else [30, 50, 20],
            )[0]
            gender = Gender.MALE if rng.random() < 0.8 else Gender.FEMALE
            villages.append(
                Village(
                    township=township,
                    name=name,
                    code=code,
                    kind=VillageKind.COMMUNITY if is_community else VillageKind.VILLAGE,
                    party_org_kind=org_kind,
                    secretary_name=ctx.person_name(gender),
                    secretary_phone=ctx.phone(),
                    households=households,
                    population=int(households * rng.uniform(2.6, 3.6)),
                )
            )
    return Village.objects.bulk_create(villages, batch_size=ctx.batch_size)


_UNIT_ORG_KINDS = {
    "organ": ([UnitOrgKind.LEADING_GROUP, UnitOrgKind.BRANCH], [60, 40]),
    "institution": ([UnitOrgKind.COMMITTEE, UnitOrgKind.GENERAL_BRANCH, UnitOrgKind.BRANCH], [40, 35, 25]),
    "soe": ([UnitOrgKind.COMMITTEE, UnitOrgKind.GENERAL_BRANCH], [70, 30]),
}
_UNIT_KIND = {"organ": UnitKind.ORGAN, "institution": UnitKind.INSTITUTION, "soe": UnitKind.SOE}
_ORG_SUFFIX = {
    UnitOrgKind.LEADING_GROUP: "党组",
    UnitOrgKind.COMMITTEE: "委员会",
    UnitOrgKind.GENERAL_BRANCH: "总支部委员会",
    UnitOrgKind.BRANCH: "机关支部委员会",
}


def _build_units(ctx: DemoContext, county: County) -> list[CountyUnit]:
    rng = ctx.rng
    templates = names.UNITS[:]
    rng.shuffle(templates)
    chosen = sorted(templates[: ctx.scale.units], key=names.UNITS.index)
    units = []
    for template, kind, hints in chosen:
        name = template.format(c=county.name)
        org_kinds, weights = _UNIT_ORG_KINDS[kind]
        org_kind = rng.choices(org_kinds, weights=weights)[0]
        prefix = "" if name.startswith("中共") else "中共"
        unit = CountyUnit(
            county=county,
            name=name,
            kind=_UNIT_KIND[kind],
            party_org_kind=org_kind,
            party_org_name=f"{prefix}{name}{_ORG_SUFFIX[org_kind]}",
        )
        # The template's kind and specialty hints ride along on the instance for the talent builder.
        unit._demo_kind, unit._demo_hints = kind, hints
        units.append(unit)
    return CountyUnit.objects.bulk_create(units, batch_size=ctx.batch_size)  # the same instances, with pks


def _build_talents(
    ctx: DemoContext,
    county: County,
    units: list[CountyUnit],
    villages_of_unit: dict[int, list[Village]],
    specialties: list[Specialty],
) -> dict[int, list[UrbanTalent]]:
    rng = ctx.rng
    by_name = {s.name: s for s in specialties}
    # Hospitals and schools send more people than a small bureau.
    weights = [rng.uniform(0.6, 1.4) * (1.5 if u._demo_kind == "institution" else 1.0) for u in units]
    counts = _split(rng, ctx.scale.talents, len(units), weights)
    talents: list[UrbanTalent] = []
    chosen_specialties: list[list[Specialty]] = []
    talents_by_unit: dict[int, list[UrbanTalent]] = defaultdict(list)
    for unit, count in zip(units, counts, strict=True):
        # Enough leaders for one honorary head per paired village, plus one for a past head.
        leaders = min(count, len(villages_of_unit[unit.pk]) + 1)
        hints = [by_name[h] for h in unit._demo_hints if h in by_name]
        for i in range(count):
            gender = Gender.MALE if rng.random() < (0.7 if i < leaders else 0.58) else Gender.FEMALE
            picked = list(hints[:1]) if hints and rng.random() < 0.8 else []
            for s in rng.sample(specialties, rng.randint(1, 3)):
                if s not in picked and len(picked) < 3:
                    picked.append(s)
            if i < leaders:
                position = names.LEADER_TITLES[unit._demo_kind][i % len(names.LEADER_TITLES[unit._demo_kind])]
            else:
                position = rng.choice(names.POSITIONS.get(picked[0].name, ["科员"]))
            roll = rng.random()
            status = (
                TalentStatus.ACTIVE
                if i < leaders or roll < 0.94
                else (TalentStatus.REPLACED if roll < 0.975 else TalentStatus.WITHDRAWN)
            )
            talent = UrbanTalent(
                county=county,
                unit=unit,
                name=ctx.person_name(gender),
                gender=gender,
                political_status=rng.choices(
                    [PoliticalStatus.MEMBER, PoliticalStatus.PROBATIONARY, PoliticalStatus.MASSES],
                    weights=[80, 5, 15] if i >= leaders else [1, 0, 0],
                )[0],
                phone=ctx.phone(),
                id_number=ctx.id_number(county.code, gender) if rng.random() < 0.4 else "",
                position=position,
                status=status,
                status_reason=rng.choice(names.STATUS_REASONS[status]) if status != TalentStatus.ACTIVE else "",
            )
            talents.append(talent)
            chosen_specialties.append(picked)
            talents_by_unit[unit.pk].append(talent)
    UrbanTalent.objects.bulk_create(talents, batch_size=ctx.batch_size)
    through = UrbanTalent.specialties.through
    links = [
        through(urbantalent_id=talent.pk, specialty_id=s.pk)
        for talent, picked in zip(talents, chosen_specialties, strict=True)
        for s in picked
    ]
    through.objects.bulk_create(links, batch_size=ctx.batch_size)
    return talents_by_unit


def _build_assignments(
    ctx: DemoContext,
    villages: list[Village],
    villages_of_unit: dict[int, list[Village]],
    talents_by_unit: dict[int, list[UrbanTalent]],
) -> None:
    """Each active talent serves a village this year; most served one last year too.

    Most talents serve a village their own unit is paired with (that is how townships allocate
    them in practice); the rest go where the township needs hands.
    """
    rng = ctx.rng
    rows = []
    for unit_id, talents in talents_by_unit.items():
        paired = villages_of_unit[unit_id]
        for talent in talents:
            last_year = rng.choice(paired) if paired and rng.random() < 0.7 else rng.choice(villages)
            if talent.status == TalentStatus.ACTIVE:
                this_year = last_year if rng.random() < 0.8 else (rng.choice(paired) if paired else last_year)
                rows.append(
                    TalentAssignment(
                        talent=talent,
                        village=this_year,
                        year=ctx.year,
                        created_at=ctx.aware(date(ctx.year, 1, 1) + timedelta(days=rng.randrange(45))),
                    )
                )
            if talent.status != TalentStatus.ACTIVE or rng.random() < 0.85:
                rows.append(
                    TalentAssignment(
                        talent=talent,
                        village=last_year,
                        year=ctx.year - 1,
                        created_at=ctx.aware(date(ctx.year - 1, 1, 1) + timedelta(days=rng.randrange(45))),
                        note="上年度分配",
                    )
                )
    TalentAssignment.objects.bulk_create(rows, batch_size=ctx.batch_size)


def _build_heads(ctx: DemoContext, pairings: list[Pairing], talents_by_unit: dict[int, list[UrbanTalent]]) -> None:
    """One current honorary head (名誉村长) per pairing, a leader of the unit; some had a predecessor."""
    rng = ctx.rng
    heads = []
    next_leader: dict[int, int] = defaultdict(int)
    for pairing in pairings:
        roster = talents_by_unit[pairing.unit.pk]
        leaders = [t for t in roster if t.position in names.LEADER_TITLES[pairing.unit._demo_kind]] or roster
        start = date(pairing.start_year, rng.randint(2, 4), rng.randint(1, 28))
        current_start = start
        if pairing.start_year <= ctx.year - 2 and rng.random() < 0.3:
            predecessor = leaders[-1]
            end = date(pairing.start_year + 1, rng.randint(3, 10), rng.randint(1, 28))
            heads.append(_head(pairing, predecessor, start, end))
            current_start = end + timedelta(days=1)
        person = leaders[next_leader[pairing.unit.pk] % len(leaders)]
        next_leader[pairing.unit.pk] += 1
        heads.append(_head(pairing, person, current_start, None))
    HonoraryVillageHead.objects.bulk_create(heads, batch_size=ctx.batch_size)


def _head(pairing: Pairing, talent: UrbanTalent, start: date, end: date | None) -> HonoraryVillageHead:
    return HonoraryVillageHead(
        pairing=pairing,
        name=talent.name,
        position=talent.position,
        phone=talent.phone,
        talent=talent,
        start_date=start,
        end_date=end,
    )


# --------------------------------------------------------------------------------------------
# Demo accounts
# --------------------------------------------------------------------------------------------

ACCOUNT_ROLES = [
    (Role.COUNTY_ADMIN, "demo_county", "全县：乡镇、村、县直单位、人才、结对关系", "维护名录、查看看板、确认年度等次"),
    (Role.TOWNSHIP_OFFICER, "demo_township", "本乡镇的村、结对关系和服务人才", "调配人才、确认月度台账、导出半年报告"),
    (Role.VILLAGE_SECRETARY, "demo_village", "本村", "发布需求和任务、记录活动、报送月度台账、评价人才"),
    (Role.UNIT_LIAISON, "demo_unit", "本单位、本单位人才及结对村", "签订协议、认领需求、记录每月联系和联席会议"),
    (Role.TALENT, "demo_talent", "本人及所服务村的任务", "在线认领任务、登记服务、查看本人积分"),
    (Role.AUDITOR, "demo_auditor", "本县审计日志（只读）", "查阅、导出审计记录"),
    (Role.SYSTEM_ADMIN, "demo_sysadmin", "无业务数据（三员分立）", "系统管理"),
    (Role.SECURITY_ADMIN, "demo_secadmin", "无业务数据（三员分立）", "安全管理"),
]
DEMO_USERNAMES = [username for _, username, _, _ in ACCOUNT_ROLES]


def new_password() -> str:
    """A random password that passes MLPS complexity: four character classes, 16 characters.

    Drawn from `secrets`, not ctx.rng: a password that the seed could reproduce would be a shared
    default password (SECURITY.md 5).
    """
    alphabet = string.ascii_letters + string.digits
    body = [secrets.choice(alphabet) for _ in range(12)]
    return (
        "".join(body)
        + secrets.choice(string.ascii_uppercase)
        + secrets.choice("abcdefghjkmnpqrstuvwxyz")
        + (secrets.choice("23456789") + secrets.choice("-_!@#%+="))
    )


def _demo_anchors(county: County, year: int) -> dict:
    """A coherent story: a talent of unit U serves village V this year, and U is paired with V."""
    assignment = (
        TalentAssignment.objects.filter(
            year=year,
            talent__county=county,
            talent__status=TalentStatus.ACTIVE,
            village__kind=VillageKind.VILLAGE,
            village__pairings__unit=F("talent__unit"),
        )
        .select_related("talent__unit", "village__township")
        .order_by("village__code", "talent__pk")
        .first()
    )
    if assignment is None:  # tiny counties: fall back to any active assignment this year
        assignment = (
            TalentAssignment.objects.filter(year=year, talent__county=county, talent__status=TalentStatus.ACTIVE)
            .select_related("talent__unit", "village__township")
            .order_by("village__code", "talent__pk")
            .first()
        )
    village = assignment.village
    pairing = Pairing.objects.filter(village=village).select_related("unit").order_by("pk").first()
    head = pairing.honorary_heads.filter(end_date__isnull=True).first()
    return {
        "county": county,
        "township": village.township,
        "village": village,
        "unit": pairing.unit,
        "talent": assignment.talent,
        "head": head,
    }


def build_accounts(ctx: DemoContext) -> None:
    """One demo account per role in the first county, only in DEMO_MODE (SECURITY.md 5)."""
    if not settings.DEMO_MODE:
        ctx.shared["accounts_refused"] = True
        return
    county = ctx.counties[0]
    anchors = _demo_anchors(county, ctx.year)
    now = timezone.now()
    for role, username, scope, can_do in ACCOUNT_ROLES:
        anchor_field = {
            Role.COUNTY_ADMIN: "county",
            Role.TOWNSHIP_OFFICER: "township",
            Role.VILLAGE_SECRETARY: "village",
            Role.UNIT_LIAISON: "unit",
            Role.TALENT: "talent",
            Role.AUDITOR: "county",
        }.get(role)
        anchor = anchors[anchor_field] if anchor_field else None
        full_name = {
            Role.VILLAGE_SECRETARY: anchors["village"].secretary_name,
            Role.UNIT_LIAISON: anchors["head"].name if anchors["head"] else "",
            Role.TALENT: anchors["talent"].name,
        }.get(role, f"演示{Role(role).label}")
        user = User(
            username=username,
            full_name=full_name,
            role=role,
            is_demo=True,
            must_change_password=False,
            password_changed_at=now,
            **({anchor_field: anchor} if anchor_field else {}),
        )
        password = new_password()
        validate_password(password, user)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save()
        ctx.accounts[role] = DemoAccount(
            user=user,
            password=password,
            scope=f"{scope}（{anchor}）" if anchor else scope,
            can_do=can_do,
            **_demo_second_factor(user, renew=True),
        )


def renew_passwords(stdout: OutputWrapper) -> dict[str, DemoAccount]:
    """New random passwords for the existing demo accounts (so `scripts/demo` can print them again)."""
    accounts = {}
    described = {username: (scope, can_do) for _, username, scope, can_do in ACCOUNT_ROLES}
    for user in User.objects.filter(is_demo=True).order_by("pk"):
        password = new_password()
        validate_password(password, user)
        user.set_password(password)
        user.password_changed_at = timezone.now()
        user.save(update_fields=["password", "password_changed_at"])
        scope, can_do = described.get(user.username, ("", ""))
        accounts[user.role] = DemoAccount(
            user=user,
            password=password,
            scope=f"{scope}（{user.anchor}）" if user.anchor else scope,
            can_do=can_do,
            **_demo_second_factor(user, renew=False),
        )
    return accounts


# --------------------------------------------------------------------------------------------
# Reset: delete what the demo owns, and nothing else
# --------------------------------------------------------------------------------------------


def demo_counties():
    return County.objects.filter(code__startswith=DEMO_CODE_PREFIX)


def real_counties():
    return County.objects.exclude(code__startswith=DEMO_CODE_PREFIX)


def _children_first(models_list):
    """Models ordered so that a row is deleted before any row its foreign keys point at."""
    parents_first, seen = [], set()

    def visit(model):
        if model in seen:
            return
        seen.add(model)
        for f in model._meta.concrete_fields:
            if f.is_relation and f.related_model is not None and f.related_model is not model:
                visit(f.related_model._meta.concrete_model)
        parents_first.append(model)

    for model in models_list:
        visit(model)
    wanted = set(models_list)
    return [m for m in reversed(parents_first) if m in wanted]


def delete_demo_data(stdout: OutputWrapper | None = None) -> int:
    """Delete the demo counties with every scoped row under them, and the demo accounts.

    Each scoped model (one that declares a `scope` with a `county` lookup, as every model of the
    pairing, agreement and ledger apps does) is emptied of its rows in demo counties, children
    first, so PROTECT foreign keys never block. Audit records are append-only and stay.
    A non-demo row that still points at demo data (say, a real account bound to a demo village)
    makes the delete fail with ProtectedError and the caller's transaction roll back.
    """
    from django.apps import apps
    from django.db.models import Q

    from pairing.core.scoping import Scope

    county_ids = list(demo_counties().values_list("pk", flat=True))
    deleted = 0
    for model in _children_first([m for m in apps.get_models() if not m._meta.proxy]):
        if model is User:
            queryset = User.objects.filter(is_demo=True)
        else:
            scope = getattr(model, "scope", None)
            path = scope.county if isinstance(scope, Scope) else None
            if path is None or callable(path) or not county_ids:
                continue
            condition = Q()
            for p in (path,) if isinstance(path, str) else path:
                condition |= Q(**{f"{p}__in": county_ids})
            queryset = model._base_manager.filter(pk__in=model._base_manager.filter(condition).values("pk"))
        count, _ = queryset.delete()
        deleted += count
    if stdout is not None:
        stdout.write(f"已删除演示数据 {deleted} 行。")
    return deleted
