"""The compliance board against a naive per-row computation on a constructed dataset, for every
rule, period kind and several scopes; pinned query counts; Excel equals the page; scope and API."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from ledgers import compliance
from ledgers.choices import ActivityKind, ActivityStatus, MeetingStatus, MonthStatus, ReportStatus
from ledgers.models import (
    ActivityParticipant,
    JointMeeting,
    LedgerMonth,
    ServiceActivity,
    TownshipHalfYearReport,
)
from ledgers.periods import SHANGHAI, month_range
from ledgers.services.service_months import rebuild_service_months
from pairing.choices import AgreementStatus, TalentStatus
from pairing.models import (
    Agreement,
    AuditEvent,
    CountyUnit,
    Pairing,
    TalentAssignment,
    Township,
    UrbanTalent,
    Village,
)

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year - 1  # a whole past year: every month of it has begun
TODAY = datetime.date(YEAR + 1, 1, 15)
PERIODS = [
    compliance.Period("month", YEAR, 2),
    compliance.Period("month", YEAR, 3),
    compliance.Period("quarter", YEAR, 1),
    compliance.Period("half", YEAR, 1),
    compliance.Period("half", YEAR, 2),
]


def _activity(village, day, *, talents=(), units=(), kind=ActivityKind.VISIT, status=ActivityStatus.CONFIRMED):
    activity = ServiceActivity.objects.create(
        village=village,
        date=day,
        kind=kind,
        title="活动",
        content="内容",
        status=status,
        reject_reason="不符" if status == ActivityStatus.REJECTED else "",
    )
    for talent in talents:
        ActivityParticipant.objects.create(activity=activity, talent=talent, hours=2)
    for unit in units:
        ActivityParticipant.objects.create(activity=activity, unit=unit, hours=2)
    return activity


def build_dataset(cast, extra_talents: int = 0):
    """A year of mixed compliance in the cast's county (and some noise in the other county)."""
    county = cast.county
    TalentAssignment.objects.create(talent=cast.talent_t, village=cast.village_a1, year=YEAR)
    TalentAssignment.objects.create(talent=cast.talent_t2, village=cast.village_b1, year=YEAR)
    withdrawn = UrbanTalent.objects.create(
        county=county,
        unit=cast.unit_u,
        name="退出者",
        gender="male",
        phone="13500135000",
        status=TalentStatus.WITHDRAWN,
    )
    TalentAssignment.objects.create(talent=withdrawn, village=cast.village_a2, year=YEAR)
    lazy = UrbanTalent.objects.create(
        county=county, unit=cast.unit_v, name='=HYPERLINK("x")', gender="male", phone="13500135001"
    )
    TalentAssignment.objects.create(talent=lazy, village=cast.village_a2, year=YEAR)
    for n in range(extra_talents):
        talent = UrbanTalent.objects.create(
            county=county, unit=cast.unit_u, name=f"人才{n}", gender="female", phone=f"1350013{n + 5100:04d}"
        )
        TalentAssignment.objects.create(talent=talent, village=cast.village_a2, year=YEAR)
    pairing_u_a2 = Pairing.objects.create(unit=cast.unit_u, village=cast.village_a2, start_year=YEAR)
    Pairing.objects.create(unit=cast.unit_v, village=cast.village_a2, start_year=YEAR - 3, end_year=YEAR - 1)  # ended

    # T serves every month of H1 except April; T2 only in February and a rejected one in March.
    for month in (1, 2, 3, 5, 6):
        _activity(cast.village_a1, datetime.date(YEAR, month, 10), talents=[cast.talent_t])
    _activity(cast.village_b1, datetime.date(YEAR, 2, 28), talents=[cast.talent_t2])
    _activity(cast.village_b1, datetime.date(YEAR, 3, 1), talents=[cast.talent_t2], status=ActivityStatus.REJECTED)
    _activity(cast.village_b1, datetime.date(YEAR, 4, 1), talents=[cast.talent_t2], status=ActivityStatus.PENDING)
    # Unit U contacts A1 as a whole in Jan-Mar; in May via a 单位联系 with its talent; V contacts B1 in Feb.
    for month in (1, 2, 3):
        _activity(cast.village_a1, datetime.date(YEAR, month, 20), units=[cast.unit_u], kind=ActivityKind.THEME)
    _activity(cast.village_a1, datetime.date(YEAR, 5, 20), talents=[cast.talent_t], kind=ActivityKind.UNIT_CONTACT)
    _activity(cast.village_b1, datetime.date(YEAR, 2, 5), units=[cast.unit_v])
    # A talent of U in a 走访 is not a unit contact; U's talent in B1 is not U contacting A2.
    _activity(cast.village_a2, datetime.date(YEAR, 2, 6), talents=[lazy], kind=ActivityKind.VISIT)

    Agreement.objects.create(pairing=cast.pairing_u_a1, year=YEAR, status=AgreementStatus.SIGNED)
    Agreement.objects.create(pairing=cast.pairing_v_b1, year=YEAR, status=AgreementStatus.CONFIRMED)
    Agreement.objects.create(pairing=pairing_u_a2, year=YEAR - 1, status=AgreementStatus.SIGNED)

    def meeting(pairing, held_at, status):
        JointMeeting.objects.create(
            pairing=pairing,
            held_at=held_at,
            place="村部",
            unit_chair="甲",
            village_chair="乙",
            attendee_count=5,
            agenda="议题",
            minutes="纪要",
            status=status,
            finalized_at=held_at if status == MeetingStatus.FINAL else None,
        )

    meeting(cast.pairing_u_a1, datetime.datetime(YEAR, 6, 30, 23, 30, tzinfo=SHANGHAI), MeetingStatus.FINAL)
    meeting(cast.pairing_v_b1, datetime.datetime(YEAR, 3, 1, 9, tzinfo=SHANGHAI), MeetingStatus.DRAFT)
    meeting(pairing_u_a2, datetime.datetime(YEAR, 7, 1, 0, 0, tzinfo=SHANGHAI), MeetingStatus.FINAL)

    for village, month, status in (
        (cast.village_a1, 1, MonthStatus.LOCKED),
        (cast.village_a1, 2, MonthStatus.CONFIRMED),
        (cast.village_a1, 3, MonthStatus.SUBMITTED),
        (cast.village_a2, 2, MonthStatus.OPEN),
        (cast.village_b1, 2, MonthStatus.SUBMITTED),
    ):
        LedgerMonth.objects.create(village=village, month=datetime.date(YEAR, month, 1), status=status)

    TownshipHalfYearReport.objects.create(township=cast.township_a, year=YEAR, half=1, status=ReportStatus.SUBMITTED)
    TownshipHalfYearReport.objects.create(township=cast.township_b, year=YEAR, half=1, status=ReportStatus.DRAFT)
    # Noise in the other county, which nobody in the first county may see.
    LedgerMonth.objects.create(village=cast.other_village, month=datetime.date(YEAR, 2, 1), status=MonthStatus.OPEN)
    TalentAssignment.objects.create(talent=cast.other_talent, village=cast.other_village, year=YEAR)
    # The activities above were written with the ORM, not through the services that keep the
    # monthly rollup the talent and unit rules read; build it as the demo builder does.
    rebuild_service_months(Village.objects.values_list("pk", flat=True))


# -- the naive computation: plain Python over every row, written without the board's code -----


def naive_months(period):
    start, end = period.bounds
    return [datetime.date(YEAR, m, 1) for m in range(1, 13) if start <= datetime.date(YEAR, m, 1) < end]


def in_scope(user, township_id, village_id=None, unit_id=None):
    if user.role == "county_admin":
        return Township.objects.get(pk=township_id).county_id == user.county_id
    if user.role == "township_officer":
        return township_id == user.township_id
    if user.role == "village_secretary":
        return village_id == user.village_id
    return False


def naive(user, rule, period):
    months = naive_months(period)
    half = 1 if period.bounds[0].month <= 6 else 2
    behind = set()
    if rule == "talents":
        for a in TalentAssignment.objects.filter(year=YEAR):
            if a.talent.status != TalentStatus.ACTIVE or not in_scope(user, a.village.township_id, a.village_id):
                continue
            for first in months:
                start, end = month_range(first)
                served = any(
                    p.activity.status == ActivityStatus.CONFIRMED and start <= p.activity.date < end
                    for p in ActivityParticipant.objects.filter(talent=a.talent)
                )
                if not served:
                    behind.add(a.pk)
    elif rule in ("units", "agreements", "meetings"):
        for p in Pairing.objects.all():
            active = p.start_year <= YEAR and (p.end_year is None or p.end_year >= YEAR)
            if not active or not in_scope(user, p.village.township_id, p.village_id):
                continue
            if rule == "units":
                for first in months:
                    start, end = month_range(first)
                    ok = False
                    for act in ServiceActivity.objects.filter(village=p.village, status=ActivityStatus.CONFIRMED):
                        if not start <= act.date < end:
                            continue
                        for part in act.participants.all():
                            if part.unit_id == p.unit_id:
                                ok = True
                            if (
                                act.kind == ActivityKind.UNIT_CONTACT
                                and part.talent
                                and part.talent.unit_id == p.unit_id
                            ):
                                ok = True
                    if not ok:
                        behind.add(p.pk)
            elif rule == "agreements":
                if not any(a.year == YEAR and a.status in ("signed", "closed") for a in p.agreements.all()):
                    behind.add(p.pk)
            else:
                held = [
                    m
                    for m in p.joint_meetings.all()
                    if m.status == "final"
                    and m.held_at.astimezone(SHANGHAI).year == YEAR
                    and (m.held_at.astimezone(SHANGHAI).month <= 6) == (half == 1)
                ]
                if not held:
                    behind.add(p.pk)
    elif rule == "months":
        for v in Village.objects.all():
            if not in_scope(user, v.township_id, v.pk):
                continue
            for first in months:
                row = LedgerMonth.objects.filter(village=v, month=first).first()
                if row is None or row.status == MonthStatus.OPEN:
                    behind.add(v.pk)
    elif rule == "reports":
        for t in Township.objects.all():
            if not in_scope(user, t.pk):
                continue
            if not TownshipHalfYearReport.objects.filter(township=t, year=YEAR, half=half, status="submitted").exists():
                behind.add(t.pk)
    return behind


@pytest.mark.parametrize("who", ["alice", "bob", "carol", "dave"])
@pytest.mark.parametrize("period", PERIODS, ids=lambda p: p.param)
def test_each_list_matches_a_naive_per_row_computation(cast, who, period):
    build_dataset(cast)
    user = getattr(cast, who)
    for rule in compliance.rules_for(user):
        rows = compliance.behind_rows(user, rule, period, TODAY)
        assert {r.pk for r in rows} == naive(user, rule.code, period), (rule.code, who)
        figures = compliance.rule_figures(user, rule, period, TODAY)
        assert figures.behind == len(rows), rule.code


def test_figures_per_township_add_up_to_the_visible_rows(cast):
    build_dataset(cast)
    period = compliance.Period("half", YEAR, 1)
    figures = {f.rule.code: f for f in compliance.board(cast.alice, period, TODAY)}
    assert figures["months"].total == Village.objects.visible_to(cast.alice).count() == 3
    assert figures["reports"].total == 2 and figures["reports"].behind == 1
    per_township = {t.township: (t.total, t.behind) for t in figures["agreements"].townships}
    assert per_township == {"甲镇": (2, 1), "乙镇": (1, 1)}  # U-A1 signed; U-A2 only last year; V-B1 not signed
    assert figures["agreements"].rate == round(100 / 3, 1)


def test_the_months_missed_are_named(cast):
    build_dataset(cast)
    rule = compliance.RULES["talents"]
    rows = {r.pk: r for r in compliance.behind_rows(cast.alice, rule, compliance.Period("half", YEAR, 1), TODAY)}
    t = TalentAssignment.objects.get(talent=cast.talent_t, year=YEAR)
    assert rows[t.pk].missed == (datetime.date(YEAR, 4, 1),)


def test_the_unit_liaison_sees_its_talents_and_pairings_only_and_no_month_or_report_rules(cast):
    build_dataset(cast)
    codes = {r.code for r in compliance.rules_for(cast.erin)}
    assert codes == {"talents", "units", "agreements", "meetings"}
    period = compliance.Period("half", YEAR, 1)
    talents = compliance.behind_rows(cast.erin, compliance.RULES["talents"], period, TODAY)
    assert {r.cells[2] for r in talents} == {"张三"}  # the withdrawn talent of U is not counted
    pairings = compliance.behind_rows(cast.erin, compliance.RULES["agreements"], period, TODAY)
    assert {r.cells[1] for r in pairings} == {"甲二村"}
    assert not compliance.rules_for(cast.frank) and not compliance.rules_for(cast.grace)


def test_the_board_query_count_is_pinned_and_does_not_grow_with_rows(client, cast, django_assert_num_queries):
    build_dataset(cast)
    client.force_login(cast.alice)
    url = f"{reverse('ledgers:compliance_board')}?period={YEAR}-H1"
    client.get(url)  # warm up session and content types
    # Session and user (2), one grouped query per rule (6), the idle-timeout session write (3),
    # the navbar's unread count (1).
    with django_assert_num_queries(12):
        assert client.get(url).status_code == 200
    build_dataset_more(cast)
    with django_assert_num_queries(12):
        assert client.get(url).status_code == 200


def build_dataset_more(cast):
    for n in range(15):
        talent = UrbanTalent.objects.create(
            county=cast.county, unit=cast.unit_u, name=f"新人{n}", gender="male", phone=f"1360013{n + 7000:04d}"
        )
        TalentAssignment.objects.create(talent=talent, village=cast.village_a2, year=YEAR)
        unit = CountyUnit.objects.create(county=cast.county, name=f"新单位{n}")
        Pairing.objects.create(unit=unit, village=cast.village_b1, start_year=YEAR)


@pytest.mark.parametrize("code", list(compliance.RULES))
def test_the_excel_download_holds_the_pages_list_and_is_audited(client, cast, code):
    build_dataset(cast)
    client.force_login(cast.alice)
    query = f"?period={YEAR}-H1"
    page = client.get(reverse("ledgers:compliance_rule", args=[code]) + query)
    assert page.status_code == 200
    page_rows = [r.cells + ((r.missed_label,) if page.context["has_months"] else ()) for r in page.context["rows"]]
    response = client.get(reverse("ledgers:compliance_export", args=[code]) + query)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [tuple("" if c is None else c for c in row[1:]) for row in sheet.iter_rows(min_row=4, values_only=True)]
    assert values == [tuple(compliance_safe(c) for c in row) for row in page_rows]
    assert tuple(next(sheet.iter_rows(min_row=3, max_row=3, values_only=True)))[1:] == tuple(page.context["headers"])
    assert AuditEvent.objects.filter(action="export", object_type="ledgers.compliance", user_id=cast.alice.pk).exists()


def compliance_safe(value):
    # The name starting with "=" is written as text with an apostrophe, never as a formula.
    return "'" + value if value.startswith("=") else value


def test_a_formula_like_name_is_text_in_excel(client, cast):
    build_dataset(cast)
    client.force_login(cast.alice)
    response = client.get(reverse("ledgers:compliance_export", args=["talents"]) + f"?period={YEAR}-03")
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [c for row in sheet.iter_rows(min_row=4) for c in row]
    assert all(c.data_type != "f" for c in cells)
    assert any(c.value == '\'=HYPERLINK("x")' for c in cells)


def test_township_filter_narrows_the_list_and_stays_in_scope(client, cast):
    build_dataset(cast)
    client.force_login(cast.bob)
    url = reverse("ledgers:compliance_rule", args=["months"])
    own = client.get(f"{url}?period={YEAR}-H1&township={cast.township_a.pk}").context["rows"]
    other = client.get(f"{url}?period={YEAR}-H1&township={cast.township_b.pk}").context["rows"]
    assert {r.cells[1] for r in own} == {"甲一村", "甲二村"} and other == []


def test_roles_without_rules_and_unknown_rules_get_404(client, cast):
    for name in ("frank", "grace"):
        client.force_login(getattr(cast, name))
        assert client.get(reverse("ledgers:compliance_board")).status_code == 404
    client.force_login(cast.erin)
    assert client.get(reverse("ledgers:compliance_rule", args=["months"])).status_code == 404
    assert client.get(reverse("ledgers:compliance_rule", args=["nope"])).status_code == 404
    client.force_login(cast.alice)
    # A period that cannot be shown is bad input, not a missing page: the board answers with the
    # reason at the period field, keeps what was typed, and shows this month.
    response = client.get(reverse("ledgers:compliance_board") + "?period=2999-01")
    assert response.status_code == 200
    page = response.content.decode()
    assert response.context["period_error"].startswith("期间格式应为")
    assert response.context["period_error"] in page and 'value="2999-01"' in page
    assert response.context["period"] == compliance.parse_period("", timezone.localdate())
    # The same on a rule's list: the reason at its period field, this month's rows below.
    response = client.get(reverse("ledgers:compliance_rule", args=["talents"]) + "?period=2026-13")
    assert response.status_code == 200
    assert response.context["period_error"] == "月份应在 1 至 12 之间。"
    assert 'value="2026-13"' in response.content.decode()


def test_the_api_figures_and_lists_match_the_board(api, cast):
    build_dataset(cast)
    period = compliance.Period("quarter", YEAR, 1)
    api.force_authenticate(cast.bob)
    body = api.get("/api/v1/compliance/", {"period": period.param}).json()
    assert body["period"] == f"{YEAR}-Q1"
    board = {f.rule.code: f for f in compliance.board(cast.bob, period, timezone.localdate())}
    assert {r["code"]: (r["total"], r["behind"]) for r in body["rules"]} == {
        code: (f.total, f.behind) for code, f in board.items()
    }
    listed = api.get("/api/v1/compliance/talents/", {"period": period.param}).json()
    expected = compliance.behind_rows(cast.bob, compliance.RULES["talents"], period, timezone.localdate())
    assert listed["count"] == len(expected) and {r["id"] for r in listed["results"]} == {r.pk for r in expected}
    assert api.get("/api/v1/compliance/", {"period": "bad"}).status_code == 400
    api.force_authenticate(cast.erin)
    assert api.get("/api/v1/compliance/reports/").status_code == 404


def test_the_home_page_shows_the_open_counts(client, cast):
    client.force_login(cast.bob)
    response = client.get(reverse("pairing:home"))
    assert response.status_code == 200 and "结对工作待办" in response.content.decode()


def test_periods_parse_and_refuse_the_future():
    today = datetime.date(2026, 5, 20)
    assert compliance.parse_period("", today) == compliance.Period("month", 2026, 5)
    assert compliance.parse_period("2026-Q2", today).bounds == (datetime.date(2026, 4, 1), datetime.date(2026, 7, 1))
    assert compliance.parse_period("2026-H2", datetime.date(2026, 7, 1)).months(datetime.date(2026, 8, 3)) == [
        datetime.date(2026, 7, 1),
        datetime.date(2026, 8, 1),
    ]
    for bad in ("2026-13", "2026-Q5", "2026-06", "abc"):
        with pytest.raises(ValidationError):
            compliance.parse_period(bad, today)


def test_a_month_still_in_progress_is_not_counted_as_a_missing_ledger(cast):
    """A month's ledger is submitted after the month ends: mid-month no village is behind on it, and
    the month before counts for every village that has not submitted it."""
    build_dataset(cast)
    rule = compliance.RULES["months"]
    mid_march = datetime.date(YEAR, 3, 15)
    march = compliance.Period("month", YEAR, 3)
    assert compliance.behind_rows(cast.alice, rule, march, mid_march) == []
    assert compliance.rule_figures(cast.alice, rule, march, mid_march).behind == 0
    february = compliance.Period("month", YEAR, 2)
    submitted = set(
        LedgerMonth.objects.filter(month=datetime.date(YEAR, 2, 1))
        .exclude(status=MonthStatus.OPEN)
        .values_list("village_id", flat=True)
    )
    expected = set(Village.objects.visible_to(cast.alice).exclude(pk__in=submitted).values_list("pk", flat=True))
    assert expected  # the dataset leaves some village's February open
    assert {r.pk for r in compliance.behind_rows(cast.alice, rule, february, mid_march)} == expected


def test_a_city_wide_board_starts_from_the_counties_and_drills_into_one(client, cast):
    """A superuser over several counties gets one row per county; a county's link shows its
    townships, and a rule's list narrowed to the county holds only its rows."""
    from pairing.models import County
    from tests.factories import make_user
    from tests.otp import verify_session

    other = County.objects.create(name="乙县", code="341199")
    township = Township.objects.create(county=other, name="乙县镇", code="341199100")
    village = Village.objects.create(township=township, name="乙县村", code="341199100201")
    talent = UrbanTalent.objects.create(county=other, name="乙县人才", phone="13900139099")
    last = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)  # an ended month: behind
    TalentAssignment.objects.create(talent=talent, village=village, year=last.year)
    verify_session(client, make_user("cityroot", "", is_superuser=True))
    board = client.get(reverse("ledgers:compliance_board"))
    assert board.context["by"] == "county"
    names = [name for _, name, _ in board.context["matrix"]]
    assert cast.township_a.county.name in names and "乙县" in names and cast.township_a.name not in names
    assert f"county={other.pk}" in board.content.decode()
    drilled = client.get(reverse("ledgers:compliance_board"), {"county": other.pk})
    assert drilled.context["by"] == "township" and [n for _, n, _ in drilled.context["matrix"]] == ["乙县镇"]
    listed = client.get(
        reverse("ledgers:compliance_rule", args=["talents"]), {"county": other.pk, "period": f"{last:%Y-%m}"}
    )
    assert [row.cells[2] for row in listed.context["rows"]] == ["乙县人才"]
