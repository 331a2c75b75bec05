"""Reads shared by the assessment pages, API and exports: scoped scores, the rows behind a line of a
breakdown, a subject's quarter-by-quarter trend."""

from dataclasses import dataclass

from ledgers.periods import month_label
from pairing.core.filtering import parse_id
from pairing.models import UrbanTalent

from .choices import Event, SubjectType
from .models import QuarterRollup, Score
from .services import events as ev


def scores(user, *, year=None, quarter=None, subject_type=None, township=None, unit=None):
    queryset = Score.objects.visible_to(user).select_related("rollup")
    if year:
        queryset = queryset.filter(rollup__year=year)
    if quarter:
        queryset = queryset.filter(rollup__quarter=quarter)
    if subject_type:
        queryset = queryset.filter(subject_type=subject_type)
    if township:
        queryset = queryset.filter(in_township_id=township)
    if unit:
        queryset = queryset.filter(in_unit_id=unit)
    return queryset


def rollups(user):
    return QuarterRollup.objects.visible_to(user).select_related("county")


@dataclass(frozen=True)
class Ranking:
    """The rankings page for its query string (the page and its export read the same)."""

    rollups: object
    rollup: QuarterRollup | None
    subject_type: str
    township: int | None
    rows: object  # the scores in rank order: every one of them (the page shows the first 500)

    @property
    def title(self) -> str:
        rollup = self.rollup
        return f"{rollup.county.name}{rollup.label}{SubjectType(self.subject_type).label}积分排位" if rollup else ""


def ranking(user, params) -> Ranking:
    """`params` (a QueryDict or dict): `rollup` (default the latest), `subject_type`, `township`."""

    def number(name):
        value = params.get(name)
        return parse_id(str(value)) if value else None

    all_rollups = rollups(user).order_by("-year", "-quarter")
    rollup_id = number("rollup")
    rollup = all_rollups.filter(pk=rollup_id).first() if rollup_id else all_rollups.first()
    subject_type = params.get("subject_type") or SubjectType.TALENT
    if subject_type not in SubjectType.values:
        subject_type = SubjectType.TALENT
    township = number("township")
    rows = scores(user, subject_type=subject_type, township=township)
    rows = rows.filter(rollup=rollup).order_by("rank_county", "subject_name") if rollup else rows.none()
    return Ranking(all_rollups, rollup, subject_type, township, rows)


def trend(user, score: Score) -> list[Score]:
    """The same subject's scores of every quarter the user may see, oldest first."""
    key = {f"{score.subject_type}_id": score.subject_id}
    return list(
        Score.objects.visible_to(user)
        .filter(subject_type=score.subject_type, rollup__county_id=score.rollup.county_id, **key)
        .select_related("rollup")
        .order_by("rollup__year", "rollup__quarter")
    )


@dataclass(frozen=True)
class EventRow:
    """One event behind a line: what it is, when, and where to see it (a URL, or "" for a gap)."""

    label: str
    when: str = ""
    url: str = ""
    amount: str = ""


def _period(score: Score) -> ev.Period:
    r = score.rollup
    return ev.Period(r.county_id, r.year, r.quarter, r.as_of)


def _activities(p: ev.Period, talent_id: int) -> list[EventRow]:
    rows = ev.confirmed_participations(p).filter(talent_id=talent_id).select_related("activity__village")
    return [
        EventRow(
            f"{part.activity.title}（{part.activity.village.name}）",
            f"{part.activity.date:%Y-%m-%d}",
            part.activity.get_absolute_url(),
            f"{part.hours} 小时",
        )
        for part in rows.order_by("activity__date", "activity_id")
    ]


def _talent_rows(p, score, event) -> list[EventRow]:
    t = score.talent_id
    if event in (Event.ACTIVITY, Event.HOURS):
        return _activities(p, t)
    if event in (Event.ACTIVE_MONTH, Event.MISSED_MONTH):
        months = p.months if event == Event.ACTIVE_MONTH else p.ended_months
        served = {
            m.replace(day=1)
            for m in ev.confirmed_participations(p).filter(talent_id=t).values_list("activity__date", flat=True)
        }
        if event == Event.MISSED_MONTH:
            active = UrbanTalent.objects.filter(pk=t, status="active").exists()
            return [EventRow(f"{month_label(m)}无已确认的服务活动") for m in months if m not in served and active]
        return [EventRow(f"{month_label(m)}有已确认的服务活动", url="") for m in months if m in served]
    if event == Event.DEMAND_RESOLVED:
        demands = ev._resolved_demands(p).filter(claims__talent_id=t).exclude(claims__status="withdrawn").distinct()
        return [EventRow(d.title, f"{d.resolved_at:%Y-%m-%d}", d.get_absolute_url()) for d in demands]
    rating = next((r for r, e in ev.RATING_EVENTS.items() if e == event), None)
    if rating:
        rows = ev._evaluations(p).filter(talent_id=t, rating=rating).select_related("village")
        return [
            EventRow(f"{e.village.name}评定：{e.get_rating_display()}", e.period_label, e.get_absolute_url())
            for e in rows
        ]
    return []


def _unit_rows(p, score, event) -> list[EventRow]:
    u = score.unit_id
    if event in (Event.CONTACT_MONTH, Event.MISSED_CONTACT):
        months = p.months if event == Event.CONTACT_MONTH else p.ended_months
        contacts = {(v, m) for unit, v, m in ev._contacts(p, months) if unit == u}
        villages = ev.active_pairings(p).filter(unit_id=u).select_related("village").order_by("village__code")
        wanted = event == Event.CONTACT_MONTH
        return [
            EventRow(
                f"{pairing.village.name} {month_label(m)}{'已联系' if wanted else '未联系'}",
                url=pairing.get_absolute_url(),
            )
            for pairing in villages
            for m in months
            if ((pairing.village_id, m) in contacts) == wanted
        ]
    if event == Event.AGREEMENT_SIGNED:
        rows = ev._signed_agreements(p).filter(pairing__unit_id=u).select_related("pairing__village")
        return [
            EventRow(f"与{a.pairing.village.name}的结对共建协议", f"{a.signed_on:%Y-%m-%d}", a.get_absolute_url())
            for a in rows
        ]
    if event == Event.MEETING_HELD:
        return _meetings(ev._final_meetings(p).filter(pairing__unit_id=u))
    if event == Event.PROJECT_COMPLETED:
        rows = ev._completed_projects(p).filter(agreement__pairing__unit_id=u).select_related("agreement")
        return [EventRow(item.name, f"{item.end_date:%Y-%m-%d}", item.agreement.get_absolute_url()) for item in rows]
    return []


def _meetings(rows) -> list[EventRow]:
    from pairing.core.local_time import local_text

    return [
        EventRow(str(m.pairing), local_text(m.held_at, "%Y-%m-%d"), m.get_absolute_url())
        for m in rows.select_related("pairing__unit", "pairing__village")
    ]


def _months(rows, field) -> list[EventRow]:
    from pairing.core.local_time import local_text

    return [
        EventRow(f"{m.village.name} {m.label}", local_text(getattr(m, field)), m.get_absolute_url())
        for m in rows.select_related("village").order_by("month", "village__code")
    ]


def _village_rows(p, score, event) -> list[EventRow]:
    v = score.village_id
    if event in (Event.MONTH_ON_TIME, Event.MONTH_LATE):
        return _months(ev.village_months(p, event == Event.MONTH_ON_TIME).filter(village_id=v), "submitted_at")
    if event == Event.DEMAND_RESOLVED:
        return [
            EventRow(d.title, f"{d.resolved_at:%Y-%m-%d}", d.get_absolute_url())
            for d in ev._resolved_demands(p).filter(village_id=v)
        ]
    if event == Event.MEETING_HELD:
        return _meetings(ev._final_meetings(p).filter(pairing__village_id=v))
    if event == Event.EVALUATION_DONE:
        rows = ev._evaluations(p).filter(village_id=v).select_related("talent")
        return [EventRow(f"评定{e.talent.name}", e.period_label, e.get_absolute_url()) for e in rows]
    return []


def _township_rows(p, score, event) -> list[EventRow]:
    t = score.township_id
    if event == Event.MONTH_CONFIRMED_ON_TIME:
        return _months(ev.township_confirmed_months(p).filter(village__township_id=t), "confirmed_at")
    if event == Event.REPORT_SUBMITTED:
        return [
            EventRow(str(r), r.period_label, r.get_absolute_url())
            for r in ev._submitted_reports(p).filter(township_id=t)
        ]
    if event == Event.TALENT_ACTIVE_SHARE:
        ended = p.ended_months
        active = ev._active_months(p, ended)
        subjects = (
            ev.talent_subjects(p).filter(talent__status="active", village__township_id=t).order_by("talent__name")
        )
        return [
            EventRow(
                f"{row['talent__name']}",
                amount=f"{int(active.get(row['talent_id'], 0))}/{len(ended)} 个月有活动",
            )
            for row in subjects
        ]
    return []


ROWS = {
    SubjectType.TALENT: _talent_rows,
    SubjectType.UNIT: _unit_rows,
    SubjectType.VILLAGE: _village_rows,
    SubjectType.TOWNSHIP: _township_rows,
}


def events_behind(score: Score, rule_code: str) -> list[EventRow]:
    """The rows behind one line of `score.breakdown` (the same definitions the rollup counted)."""
    line = next((line for line in score.breakdown if line["rule_code"] == rule_code), None)
    if line is None:
        return []
    return ROWS[score.subject_type](_period(score), score, line["event"])
