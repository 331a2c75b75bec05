"""seed_demo: the shape of the demo county, determinism, and demo accounts only in demo mode.

The directory's properties are checked on the builders themselves (`build_directory`,
`build_accounts`), which take well under a second; only what the command itself decides (refusals,
--reset, demo mode, passwords, statistics) runs the command, at its small scale.
"""

import random
import re
from collections import Counter
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.core.management.base import OutputWrapper
from django.db import connection
from django.db.models import F

from pairing import demo
from pairing.choices import Role, TalentStatus
from pairing.models import (
    AuditEvent,
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
from pairing.validators import normalize_id_number, normalize_phone

pytestmark = pytest.mark.django_db

TODAY = "2026-06-15"
# Enough pairings (60) that, with the builder's odds, several have had a predecessor head.
MANY_PAIRINGS = demo.Scale("many-pairings", counties=1, townships=3, villages=60, units=25, talents=120)


def seed(*args, **kwargs) -> str:
    out, err = StringIO(), StringIO()
    call_command("seed_demo", "--scale", "small", "--today", TODAY, *args, stdout=out, stderr=err, **kwargs)
    return out.getvalue() + err.getvalue()


def build(*, scale: demo.Scale = demo.SCALES["small"], seed: int = 2026, accounts: bool = False) -> demo.DemoContext:
    """The directory builder (and the accounts builder), each on its own stream as seed_demo runs them."""
    ctx = demo.DemoContext(
        rng=random.Random(f"{seed}/pairing.demo.build_directory"),
        scale=scale,
        today=date.fromisoformat(TODAY),
        stdout=OutputWrapper(StringIO()),
    )
    demo.build_directory(ctx)
    if accounts:
        ctx.rng = random.Random(f"{seed}/pairing.demo.build_accounts")
        demo.build_accounts(ctx)
    return ctx


def snapshot() -> dict:
    """Everything the builders decide, by natural keys (primary keys differ between runs)."""
    return {
        "townships": sorted(Township.objects.values_list("code", "name", "party_committee")),
        "villages": sorted(
            Village.objects.values_list(
                "code", "name", "kind", "party_org_kind", "secretary_name", "secretary_phone", "households"
            )
        ),
        "units": sorted(CountyUnit.objects.values_list("name", "kind", "party_org_kind", "party_org_name")),
        "talents": sorted(
            UrbanTalent.objects.values_list(
                "phone", "name", "gender", "political_status", "id_number", "position", "status", "unit__name"
            )
        ),
        "specialties": sorted(
            UrbanTalent.specialties.through.objects.values_list("urbantalent__phone", "specialty__name")
        ),
        "assignments": sorted(
            TalentAssignment.objects.values_list("talent__phone", "village__code", "year", "created_at")
        ),
        "pairings": sorted(Pairing.objects.values_list("unit__name", "village__code", "start_year")),
        "heads": sorted(
            HonoraryVillageHead.objects.values_list("pairing__village__code", "name", "phone", "start_date", "end_date")
        ),
    }


def printed_passwords(output: str) -> dict[str, str]:
    return dict(re.findall(r"^\s+(demo_\w+)\s+密码 (\S+)", output, flags=re.MULTILINE))


def test_small_scale_builds_a_whole_county():
    build()

    county = County.objects.get()
    assert county.code.startswith("99")  # the reserved demo prefix that --reset relies on
    assert 2 <= Township.objects.count() <= 3
    assert 8 <= Village.objects.count() <= 12
    assert UrbanTalent.objects.count() >= 30


def test_division_codes_extend_their_parents_code():
    build()

    for township in Township.objects.select_related("county"):
        assert len(township.code) == 9 and township.code.startswith(township.county.code)
    for village in Village.objects.select_related("township"):
        assert len(village.code) == 12 and village.code.startswith(village.township.code)


def test_every_village_has_one_pairing_with_one_current_honorary_head():
    build()

    for village in Village.objects.all():
        pairings = list(village.pairings.all())
        assert len(pairings) == 1, village
        current = pairings[0].honorary_heads.filter(end_date__isnull=True)
        assert current.count() == 1, village
        head = current.get()
        assert head.talent.unit_id == pairings[0].unit_id  # the head is a person of the unit


def test_every_unit_pairs_with_two_or_three_villages():
    build()

    per_unit = Counter(Pairing.objects.values_list("unit_id", flat=True))
    assert set(per_unit.values()) <= {2, 3}
    assert len(per_unit) == CountyUnit.objects.count()


def test_past_honorary_heads_ended_before_the_current_one_started():
    build(scale=MANY_PAIRINGS, seed=7)  # enough pairings that some have a predecessor

    past = HonoraryVillageHead.objects.filter(end_date__isnull=False).select_related("pairing")
    assert past.exists()
    for head in past:
        current = head.pairing.honorary_heads.get(end_date__isnull=True)
        assert head.end_date < current.start_date


def test_every_assignment_is_in_the_talents_own_county():
    build()

    mismatched = TalentAssignment.objects.exclude(village__township__county=F("talent__county"))
    assert not mismatched.exists()
    assert TalentAssignment.objects.filter(year=2026).exists()
    assert TalentAssignment.objects.filter(year=2025).exists()


def test_active_talents_serve_a_village_this_year_and_others_do_not():
    build()

    for talent in UrbanTalent.objects.prefetch_related("assignments"):
        years = {a.year for a in talent.assignments.all()}
        if talent.status == TalentStatus.ACTIVE:
            assert 2026 in years, talent
        else:
            assert 2026 not in years and talent.status_reason, talent


def test_phones_and_id_numbers_pass_the_validators_and_are_unique():
    build()

    phones = list(UrbanTalent.objects.values_list("phone", flat=True))
    phones += list(Village.objects.values_list("secretary_phone", flat=True))
    assert all(normalize_phone(p) == p for p in phones)
    assert len(set(phones)) == len(phones)
    ids = list(UrbanTalent.objects.exclude(id_number="").values_list("id_number", flat=True))
    assert ids, "some talents carry an ID number"
    assert all(normalize_id_number(i) == i for i in ids)


def test_talents_have_one_to_three_specialties():
    build()

    counts = Counter(UrbanTalent.specialties.through.objects.values_list("urbantalent_id", flat=True))
    assert set(counts) == set(UrbanTalent.objects.values_list("pk", flat=True))
    assert set(counts.values()) <= {1, 2, 3}


def test_the_same_seed_builds_the_same_data():
    build(seed=11)
    first = snapshot()

    demo.delete_demo_data()
    build(seed=11)

    assert snapshot() == first


def test_the_command_gives_each_builder_the_stream_the_builder_tests_use():
    # The builder-level tests above stand for the command only if it seeds builders the same way.
    # (Later builders add earlier years' assignments; this year's are the directory builder's.)
    def directory():
        data = snapshot()
        data["assignments"] = [a for a in data["assignments"] if a[2] == date.fromisoformat(TODAY).year]
        return data

    seed("--seed", "11")
    by_command = directory()
    demo.delete_demo_data()

    build(seed=11)

    assert directory() == by_command


def test_another_seed_builds_other_data():
    build(seed=11)
    first = snapshot()

    demo.delete_demo_data()
    build(seed=12)

    assert snapshot()["talents"] != first["talents"]


def test_it_refuses_a_database_that_already_holds_the_demo():
    build()

    with pytest.raises(CommandError, match="--reset"):
        seed()


def test_it_refuses_a_database_with_real_data_even_with_reset():
    County.objects.create(name="真实县", code="341122")

    with pytest.raises(CommandError, match="正式数据"):
        seed("--reset")
    assert list(County.objects.values_list("code", flat=True)) == ["341122"]


def test_reset_keeps_the_append_only_audit_trail(settings):
    settings.DEMO_MODE = True
    seed()
    audit_before = AuditEvent.objects.count()

    seed("--reset")

    assert County.objects.count() == 1
    assert User.objects.filter(is_demo=True).count() == 8
    assert AuditEvent.objects.count() == audit_before + 1


def test_outside_demo_mode_it_builds_data_but_no_accounts(settings):
    settings.DEMO_MODE = False

    output = seed()

    assert Village.objects.exists()
    assert not User.objects.exists()
    assert "DEMO_MODE=1" in output
    assert not printed_passwords(output)


def test_new_passwords_are_refused_outside_demo_mode(settings):
    settings.DEMO_MODE = False

    with pytest.raises(CommandError, match="DEMO_MODE"):
        seed("--new-passwords")


def test_in_demo_mode_there_is_one_working_account_per_role(settings):
    settings.DEMO_MODE = True

    passwords = {a.user.username: a.password for a in build(accounts=True).accounts.values()}

    users = {u.role: u for u in User.objects.filter(is_demo=True)}
    assert set(users) == set(Role.values)
    for user in users.values():
        assert not user.must_change_password
        assert user.check_password(passwords[user.username]), user.username


def test_new_passwords_replace_the_printed_ones(settings):
    settings.DEMO_MODE = True
    old = {a.user.username: a.password for a in build(accounts=True).accounts.values()}

    new = printed_passwords(seed("--new-passwords"))

    assert set(new) == set(old)
    for username, password in new.items():
        user = User.objects.get(username=username)
        assert user.check_password(password) and not user.check_password(old[username])


def test_each_demo_account_sees_its_own_part_of_the_county(settings):
    settings.DEMO_MODE = True
    build(accounts=True)
    users = {u.role: u for u in User.objects.filter(is_demo=True)}
    county = County.objects.get()

    admin = users[Role.COUNTY_ADMIN]
    assert Village.objects.visible_to(admin).count() == Village.objects.filter(township__county=county).count()

    officer = users[Role.TOWNSHIP_OFFICER]
    villages = Village.objects.visible_to(officer)
    assert villages.exists()
    assert set(villages.values_list("township_id", flat=True)) == {officer.township_id}

    secretary = users[Role.VILLAGE_SECRETARY]
    assert list(Village.objects.visible_to(secretary)) == [secretary.village]
    assert secretary.full_name == secretary.village.secretary_name

    liaison = users[Role.UNIT_LIAISON]
    assert list(CountyUnit.objects.visible_to(liaison)) == [liaison.unit]
    paired = set(Pairing.objects.filter(unit=liaison.unit).values_list("village_id", flat=True))
    assert len(paired) >= 2
    assert set(Village.objects.visible_to(liaison).values_list("pk", flat=True)) == paired
    assert HonoraryVillageHead.objects.filter(
        pairing__unit=liaison.unit, end_date__isnull=True, name=liaison.full_name
    ).exists()  # the liaison is the honorary head of one of the unit's pairings

    talent = users[Role.TALENT]
    assert list(UrbanTalent.objects.visible_to(talent)) == [talent.talent]
    this_year = talent.talent.assignments.get(year=2026).village
    assert this_year in Village.objects.visible_to(talent)
    # The demo tells one story: the talent serves the secretary's village, paired with the liaison's unit.
    assert this_year == secretary.village and talent.talent.unit == liaison.unit

    auditor = users[Role.AUDITOR]
    assert AuditEvent.objects.visible_to(auditor).exists()
    assert not Village.objects.visible_to(auditor).exists()


def test_the_command_prints_one_working_password_per_role(settings):
    settings.DEMO_MODE = True

    passwords = printed_passwords(seed())

    users = {u.role: u for u in User.objects.filter(is_demo=True)}
    assert set(users) == set(Role.values)
    for user in users.values():
        assert user.check_password(passwords[user.username]), user.username


def test_the_command_leaves_the_planner_statistics_of_what_it_filled():
    # Bulk inserts leave PostgreSQL without statistics (autovacuum may be off); the planner then
    # took 5-9 s for the county's home page at city scale.
    seed()

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT DISTINCT tablename FROM pg_stats WHERE schemaname = current_schema()")
        else:
            cursor.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
        analyzed = {row[0] for row in cursor.fetchall()}
    assert {"ledgers_serviceactivity", "ledgers_activityparticipant", "pairing_talentassignment"} <= analyzed
    assert set(demo.demo_tables()) >= {"pairing_village", "ledgers_serviceactivity", "pairing_urbantalent_specialties"}


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_postgresql_also_vacuums_what_was_filled():
    """A maintained database has visibility maps (index-only counts); bulk inserts with autovacuum
    off leave none, so the demo's tables are vacuumed too where that can run."""
    if connection.vendor != "postgresql":
        pytest.skip("VACUUM is PostgreSQL's")
    Village.objects.filter(pk=-1).exists()  # a connection outside any atomic block
    assert not connection.in_atomic_block
    demo.analyze(["pairing_village"])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT vacuum_count + autovacuum_count FROM pg_stat_user_tables WHERE relname = 'pairing_village'"
        )
        before = cursor.fetchone()[0]
        demo.analyze(["pairing_village"])
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT vacuum_count + autovacuum_count FROM pg_stat_user_tables WHERE relname = 'pairing_village'"
        )
        after = cursor.fetchone()[0]
    assert after > before
