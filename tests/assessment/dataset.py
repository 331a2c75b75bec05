"""A hand-built quarter on top of the fixed cast, with events on both sides of every boundary,
and an independent scorer that computes each subject's counts from the raw rows in Python."""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from assessment.services.rules import default_table, install_default_table
from ledgers.models import (
    ActivityParticipant,
    Demand,
    DemandClaim,
    JointMeeting,
    LedgerMonth,
    ServiceActivity,
    TalentEvaluation,
    TownshipHalfYearReport,
)
from ledgers.services.service_months import rebuild_service_months
from pairing.models import Agreement, AgreementProjectItem, TalentAssignment, UrbanTalent, Village

SH = ZoneInfo("Asia/Shanghai")
UTC = datetime.UTC


def local(y, m, d, hh=12, mm=0) -> datetime.datetime:
    """A Shanghai wall-clock instant, stored (as the portal stores everything) in UTC."""
    return datetime.datetime(y, m, d, hh, mm, tzinfo=SH).astimezone(UTC)


@dataclass
class Quarter:
    year: int
    quarter: int = 2

    @property
    def months(self):
        return [datetime.date(self.year, m, 1) for m in (4, 5, 6)]

    @property
    def start(self):
        return datetime.date(self.year, 4, 1)

    @property
    def end(self):
        return datetime.date(self.year, 7, 1)

    @property
    def as_of(self):
        return datetime.date(self.year, 8, 1)


def _activity(village, day, *, status="confirmed", kind="visit", talents=(), units=(), hours="2"):
    activity = ServiceActivity.objects.create(
        village=village,
        date=day,
        kind=kind,
        title=f"活动{day}",
        content="内容",
        status=status,
        reject_reason="退回" if status == "rejected" else "",
    )
    for talent in talents:
        ActivityParticipant.objects.create(activity=activity, talent=talent, hours=Decimal(hours))
    for unit in units:
        ActivityParticipant.objects.create(activity=activity, unit=unit, hours=Decimal(hours))
    return activity


def build(cast) -> Quarter:
    """Q2 of last year (over, so every month has ended) in the cast's county."""
    y = datetime.date.today().year - 1
    q = Quarter(y)
    install_default_table(actor=cast.alice, county=cast.county, year=y)
    for talent, village in ((cast.talent_t, cast.village_a1), (cast.talent_t2, cast.village_b1)):
        TalentAssignment.objects.create(talent=talent, village=village, year=y)
    # A third talent, replaced: serves A1, but missed months do not count against them.
    t3 = UrbanTalent.objects.create(
        county=cast.county,
        unit=cast.unit_u,
        name="赵六",
        gender="male",
        phone="13500135000",
        status="replaced",
        status_reason="工作调动",
    )
    TalentAssignment.objects.create(talent=t3, village=cast.village_a2, year=y)
    # A fourth, active, assigned to A2, with nothing at all: three missed months.
    t4 = UrbanTalent.objects.create(
        county=cast.county, unit=cast.unit_v, name="钱七", gender="female", phone="13400134000"
    )
    TalentAssignment.objects.create(talent=t4, village=cast.village_a2, year=y)

    T, T2 = cast.talent_t, cast.talent_t2
    # Activities: T in April (with the unit as a whole) and on the quarter's last day; one the day after.
    _activity(cast.village_a1, datetime.date(y, 4, 10), talents=[T], units=[cast.unit_u], hours="3")
    _activity(cast.village_a1, datetime.date(y, 4, 20), talents=[T], hours="1.5")
    _activity(cast.village_a1, datetime.date(y, 6, 30), talents=[T, t3], hours="2")
    _activity(cast.village_a1, datetime.date(y, 7, 1), talents=[T], hours="8")
    _activity(cast.village_a1, datetime.date(y, 3, 31), talents=[T], units=[cast.unit_u], hours="8")
    _activity(cast.village_a1, datetime.date(y, 5, 3), talents=[T], status="pending")
    _activity(cast.village_a1, datetime.date(y, 5, 4), talents=[T], status="rejected")
    # T2: a 单位联系 with unit V in B1 in May (the unit's contact), and many activities (caps).
    _activity(cast.village_b1, datetime.date(y, 5, 2), kind="unit_contact", talents=[T2], hours="1")
    _activity(cast.village_b1, datetime.date(y, 4, 15), talents=[T2], hours="1")
    for day in range(1, 21):
        _activity(cast.village_b1, datetime.date(y, 6, day), talents=[T2], hours="4")
    # The other county's activity must not count here.
    _activity(cast.other_village, datetime.date(y, 5, 5), talents=[cast.other_talent])

    # Demands resolved by claimants: one on the last evening in Shanghai (counts), one just after
    # midnight on 1 July in Shanghai (still 30 June in UTC: must not count).
    for title, at in (("修路", local(y, 6, 30, 23, 30)), ("修渠", local(y, 7, 1, 0, 10))):
        demand = Demand.objects.create(
            village=cast.village_a1,
            category="infrastructure",
            title=title,
            description="说明",
            status="resolved",
            outcome="已办结",
            resolved_at=at,
            claimed_count=1,
        )
        DemandClaim.objects.create(demand=demand, talent=T, status="completed")
    withdrawn = Demand.objects.create(
        village=cast.village_b1,
        category="livelihood",
        title="送药",
        description="说明",
        status="resolved",
        outcome="已办结",
        resolved_at=local(y, 5, 10),
    )
    DemandClaim.objects.create(demand=withdrawn, talent=T2, status="withdrawn")

    # Evaluations: T excellent (forwarded or not, it counts once made), T2 fair, t4 by score only.
    TalentEvaluation.objects.create(talent=T, village=cast.village_a1, year=y, quarter=2, rating="excellent")
    TalentEvaluation.objects.create(
        talent=T2, village=cast.village_b1, year=y, quarter=2, rating="fair", forwarded_at=local(y, 7, 3)
    )
    TalentEvaluation.objects.create(talent=t4, village=cast.village_a2, year=y, quarter=2, rating="poor", score=40)
    TalentEvaluation.objects.create(talent=t3, village=cast.village_a1, year=y, quarter=2, rating="good")
    TalentEvaluation.objects.create(talent=t3, village=cast.village_a2, year=y, quarter=2, score=75)
    TalentEvaluation.objects.create(talent=T2, village=cast.village_b1, year=y, quarter=1, rating="poor")

    # Ledger months of A1: April on time (5 May 23:59 Shanghai), May late (6 June 00:30 Shanghai),
    # June confirmed on time by the township; B1's April confirmed late; A2's May still open.
    LedgerMonth.objects.create(
        village=cast.village_a1,
        month=q.months[0],
        status="confirmed",
        submitted_at=local(y, 5, 5, 23, 59),
        confirmed_at=local(y, 5, 10, 23, 0),
    )
    LedgerMonth.objects.create(
        village=cast.village_a1, month=q.months[1], status="submitted", submitted_at=local(y, 6, 6, 0, 30)
    )
    LedgerMonth.objects.create(
        village=cast.village_a1,
        month=q.months[2],
        status="locked",
        submitted_at=local(y, 7, 2),
        confirmed_at=local(y, 7, 3),
        locked_at=local(y, 7, 20),
    )
    LedgerMonth.objects.create(
        village=cast.village_b1,
        month=q.months[0],
        status="confirmed",
        submitted_at=local(y, 5, 1),
        confirmed_at=local(y, 5, 11, 0, 5),
    )
    LedgerMonth.objects.create(village=cast.village_a2, month=q.months[1], status="open", submitted_at=local(y, 6, 1))

    # Meetings: A1's final one on the last evening counts; B1's draft does not.
    for pairing, status, at in (
        (cast.pairing_u_a1, "final", local(y, 6, 30, 23, 30)),
        (cast.pairing_v_b1, "draft", local(y, 5, 1)),
    ):
        JointMeeting.objects.create(
            pairing=pairing,
            held_at=at,
            place="村部",
            unit_chair="王",
            village_chair="李",
            attendee_count=5,
            agenda="议题",
            status=status,
            finalized_at=at if status == "final" else None,
        )
    agreement = Agreement.objects.create(
        pairing=cast.pairing_u_a1, year=y, status="signed", signed_on=datetime.date(y, 5, 20)
    )
    Agreement.objects.create(pairing=cast.pairing_v_b1, year=y, status="submitted")
    for name, status, end in (
        ("村道", "completed", datetime.date(y, 6, 15)),
        ("水渠", "in_progress", datetime.date(y, 6, 20)),
    ):
        AgreementProjectItem.objects.create(
            agreement=agreement,
            name=name,
            unit_owner="王",
            village_owner="李",
            start_date=datetime.date(y, 1, 1),
            end_date=end,
            status=status,
            progress=100 if status == "completed" else 50,
        )
    TownshipHalfYearReport.objects.create(township=cast.township_a, year=y, half=1, status="submitted")
    TownshipHalfYearReport.objects.create(township=cast.township_b, year=y, half=1, status="draft")
    # Rows were written without the ledger services: rebuild their monthly rollup as an import would.
    rebuild_service_months(Village.objects.values_list("pk", flat=True))
    return q


# --- the independent scorer: plain Python over every raw row -----------------------------------


def _in(day, q) -> bool:
    return q.start <= day < q.end


def _local_day(instant) -> datetime.date:
    return instant.astimezone(SH).date()


def expected_counts(cast, q: Quarter) -> dict[tuple[str, int], dict[str, Decimal]]:
    """{(subject_type, id): {event: count}} computed row by row, without the rollup's queries."""
    county = cast.county
    counts = defaultdict(lambda: defaultdict(Decimal))
    assigned = {
        a.talent_id: a
        for a in TalentAssignment.objects.filter(year=q.year).select_related("talent", "village__township")
        if a.village.township.county_id == county.pk
    }
    months_active = defaultdict(set)
    contacts = set()
    pairs = {
        (p.unit_id, p.village_id) for p in cast.county.units.all() for p in p.pairings.all() if p.is_active_in(q.year)
    }
    for part in ActivityParticipant.objects.select_related("activity__village__township", "talent"):
        act = part.activity
        if act.status != "confirmed" or not _in(act.date, q) or act.village.township.county_id != county.pk:
            continue
        if part.talent_id:
            c = counts[("talent", part.talent_id)]
            c["activity"] += 1
            c["hours"] += part.hours
            months_active[part.talent_id].add(act.date.replace(day=1))
        contact_unit = part.unit_id or (part.talent.unit_id if act.kind == "unit_contact" else None)
        if contact_unit and (contact_unit, act.village_id) in pairs:
            contacts.add((contact_unit, act.village_id, act.date.replace(day=1)))
    for talent_id, assignment in assigned.items():
        c = counts[("talent", talent_id)]
        c["active_month"] = Decimal(len(months_active[talent_id]))
        if assignment.talent.status == "active":
            c["missed_month"] = Decimal(3 - len(months_active[talent_id]))
    for claim in DemandClaim.objects.select_related("demand"):
        d = claim.demand
        if (
            claim.talent_id
            and claim.status != "withdrawn"
            and d.status == "resolved"
            and _in(_local_day(d.resolved_at), q)
        ):
            counts[("talent", claim.talent_id)]["demand_resolved"] += 1
    for d in Demand.objects.all():
        if d.status == "resolved" and _in(_local_day(d.resolved_at), q):
            counts[("village", d.village_id)]["demand_resolved"] += 1
    for e in TalentEvaluation.objects.filter(year=q.year, quarter=q.quarter):
        if e.rating:
            counts[("talent", e.talent_id)][f"evaluation_{e.rating}"] += 1
        counts[("village", e.village_id)]["evaluation_done"] += 1
    for unit_id, village_id in pairs:
        for month in q.months:
            key = "contact_month" if (unit_id, village_id, month) in contacts else "missed_contact"
            counts[("unit", unit_id)][key] += 1
    for a in Agreement.objects.select_related("pairing"):
        if a.status in ("signed", "closed") and a.signed_on and _in(a.signed_on, q):
            counts[("unit", a.pairing.unit_id)]["agreement_signed"] += 1
    for m in JointMeeting.objects.select_related("pairing"):
        if m.status == "final" and _in(_local_day(m.held_at), q):
            counts[("unit", m.pairing.unit_id)]["meeting_held"] += 1
            counts[("village", m.pairing.village_id)]["meeting_held"] += 1
    for item in AgreementProjectItem.objects.select_related("agreement__pairing"):
        if item.status == "completed" and _in(item.end_date, q):
            counts[("unit", item.agreement.pairing.unit_id)]["project_completed"] += 1
    for lm in LedgerMonth.objects.select_related("village__township"):
        if lm.month not in q.months:
            continue
        after = (
            lm.month.replace(month=lm.month.month + 1)
            if lm.month.month < 12
            else datetime.date(lm.month.year + 1, 1, 1)
        )
        if lm.status != "open" and lm.submitted_at:
            late = _local_day(lm.submitted_at) > after.replace(day=5)
            counts[("village", lm.village_id)]["month_late" if late else "month_on_time"] += 1
        if (
            lm.status in ("confirmed", "locked")
            and lm.confirmed_at
            and _local_day(lm.confirmed_at) <= after.replace(day=10)
        ):
            counts[("township", lm.village.township_id)]["month_confirmed_on_time"] += 1
    for r in TownshipHalfYearReport.objects.filter(year=q.year, half=1, status="submitted"):
        counts[("township", r.township_id)]["report_submitted"] += 1
    per_township = defaultdict(lambda: [0, 0])
    for talent_id, a in assigned.items():
        if a.talent.status == "active":
            per_township[a.village.township_id][0] += 1
            per_township[a.village.township_id][1] += len(months_active[talent_id]) == 3
    for township_id, (total, full) in per_township.items():
        counts[("township", township_id)]["talent_active_share"] = (Decimal(full) / Decimal(total)).quantize(
            Decimal("0.0001")
        )
    return counts


def expected_points(subject_type: str, events: dict[str, Decimal]) -> tuple[dict[str, Decimal], Decimal]:
    """{rule_code: points after the cap} and the weighted total, from the shipped default table."""
    table = default_table()
    cent = Decimal("0.01")
    lines, parts = {}, {"process": Decimal(0), "comprehensive": Decimal(0)}
    for code, _name, event, points, cap, part in table["rules"][subject_type]:
        value = (Decimal(points) * events.get(event, Decimal(0))).quantize(cent, ROUND_HALF_UP)
        if cap is not None:
            value = max(min(value, Decimal(cap)), -Decimal(cap))
        lines[code] = value
        parts[part] += value
    total = (Decimal("0.7") * parts["process"] + Decimal("0.3") * parts["comprehensive"]).quantize(cent, ROUND_HALF_UP)
    return lines, total
