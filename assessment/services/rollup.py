"""The quarterly rollup: every subject of a county scored from its rule table, ranked, stored.

`run_rollup` counts every event in the database (services/events.py: one aggregate query per
event), applies each rule's points and cap, weights the two parts, ranks (dense: ties share a
rank) within the county, each township and each unit, and writes the rows in one transaction, so
a failure leaves the previous results intact. Rows are updated in place, keyed by subject: a rerun
over the same data leaves identical rows (same ids, same values) and writes none.

`run_rollups` does the same for several counties (the nightly job, the quarterly job and the
command score every county at once): each aggregate query runs once for all of them, grouped by
county (events.Batch). The Python side is kept to what the database cannot do cheaply and the
same way on SQLite: a line (rule × count) is worked out once per distinct count, a subject's
points once per distinct set of lines (RuleTable), and a row's digest is joined from
pre-rendered JSON, so an unchanged row is recognised without building its breakdown; the
breakdown is built only for a row that is written.

States (WORKFLOW): computed → confirmed by the county (locked) → published. A confirmed quarter is
not recomputed unless it is stale (a ledger month reopened or a rule changed after confirmation);
recomputing a stale quarter returns it to "computed" for the county to confirm again.
"""

import contextlib
import datetime
import gc
import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from ledgers.periods import quarter_label, quarter_of, quarter_range
from pairing import roles
from pairing.core import audit
from pairing.core.concurrency import claim_version
from pairing.core.local_time import today as local_today
from pairing.core.services import Denied, service
from pairing.core.workflows import Step, Workflow
from pairing.exceptions import StaleVersionError
from pairing.models import County, CountyUnit, Township, Village

from ..choices import Part, RollupState
from ..models import QuarterRollup, Score, ScoringRule, ScoringWeights
from .events import Batch, Period, assigned_talents, count_events, fetch, per_county

CENT = Decimal("0.01")
S = RollupState


def _county_admin(user, rollup) -> bool:
    return roles.is_county_admin(user, rollup.county_id)


WORKFLOW = Workflow(
    "quarter_rollup",
    [
        Step(
            "recompute",
            "重新计算",
            _county_admin,
            "县委组织部",
            when=lambda rollup, user: rollup.state == S.COMPUTED or rollup.stale,
            when_message="该季度积分已确认锁定，只有台账或细则变动后才能重新计算。",
        ),
        Step(
            "confirm",
            "确认积分",
            _county_admin,
            "县委组织部",
            frozenset({S.COMPUTED}),
            when=lambda rollup, user: not rollup.stale,
            when_message="该季度有台账或细则变动，请先重新计算再确认。",
            confirm="确认后本季度积分锁定，作为排位和年度评定的依据。",
        ),
        Step(
            "publish",
            "张榜公示",
            _county_admin,
            "县委组织部",
            frozenset({S.CONFIRMED}),
            confirm="公示后各村、单位、乡镇可打印公示榜。",
        ),
    ],
    noun="该季度积分",
    model=QuarterRollup,
)


def _q(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP) + 0  # + 0 turns -0.00 into 0.00


def _number(value: Decimal):
    """JSON-friendly: an int when whole, else a float of the rounded value."""
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value.quantize(Decimal("0.0001")))


def apply_rule(rule: ScoringRule, events: Decimal) -> tuple[Decimal, Decimal]:
    """(points before the cap, points after): the cap bounds the absolute value, deductions too."""
    raw = _q(rule.points * events)
    if rule.cap is not None and abs(raw) > rule.cap:
        return raw, _q(rule.cap if raw > 0 else -rule.cap)
    return raw, raw


def _line(rule: ScoringRule, events, raw, points) -> dict:
    return {
        "rule_code": rule.code,
        "name": rule.name,
        "event": rule.event,
        "part": rule.part,
        "events": _number(events),
        "raw_points": float(raw),
        "points": float(points),
    }


ZERO = Decimal(0)
CENT_ZERO = Decimal("0.00")


def _js(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


class Result(NamedTuple):
    """A subject's points, shared by every subject whose lines are the same."""

    process: Decimal
    comprehensive: Decimal
    deductions: Decimal
    total: Decimal
    cents: int  # the total in cents: what ranks compare (an int hashes and sorts faster than a Decimal)
    lines: dict | None  # {rule index: Line} of the non-zero lines
    points_text: str  # total, process, comprehensive and deductions as the digest joins them
    breakdown_md5: str  # the md5 of the breakdown as sorted JSON: once per distinct set of lines


class Line(NamedTuple):
    id: int
    index: int
    events: Decimal
    raw: Decimal
    points: Decimal
    json: bytes  # the line as sorted JSON, encoded
    process: bool  # of the process part (else comprehensive)


class RuleTable:
    """A subject type's rules and weights, with each line's JSON rendered in advance: most lines of
    most subjects are zero, so a subject's digest is joined from cached fragments and only its
    non-zero lines are rendered (byte for byte what `json.dumps(breakdown, sort_keys=True)` gives).
    A line depends only on the rule and the count, and a subject's points only on its lines, so each
    distinct line and each distinct set of lines is worked out once."""

    def __init__(self, rules: list[ScoringRule], weights: ScoringWeights | None):
        self.rules = rules
        self.wp = weights.process_weight if weights else Decimal("0.7")
        self.wc = weights.comprehensive_weight if weights else Decimal("0.3")
        # Keys in sorted order: event, events, name, part, points, raw_points, rule_code.
        self.fragments = [
            (
                '{"event": ' + _js(rule.event) + ', "events": ',
                ', "name": ' + _js(rule.name) + ', "part": ' + _js(rule.part) + ', "points": ',
                ', "raw_points": ',
                ', "rule_code": ' + _js(rule.code) + "}",
            )
            for rule in rules
        ]
        self.zero_json = [self._json(index, ZERO, ZERO, ZERO).encode() for index in range(len(rules))]
        self.zero_lines = [_line(rule, ZERO, ZERO, ZERO) for rule in rules]
        self.zero = self._result([])

    def _json(self, index: int, events, raw, points) -> str:
        head, mid, raw_key, tail = self.fragments[index]
        return f"{head}{_number(events)!r}{mid}{float(points)!r}{raw_key}{float(raw)!r}{tail}"

    def _result(self, lines: list[Line]) -> Result:
        # Sums start at 0.00: every addend has two places, so the sums need no rounding.
        process = comprehensive = deductions = CENT_ZERO
        parts = list(self.zero_json)
        for line in lines:
            if line.process:
                process += line.points
            else:
                comprehensive += line.points
            if line.points < 0:
                deductions -= line.points
            parts[line.index] = line.json
        total = _q(self.wp * process + self.wc * comprehensive)
        return Result(
            process,
            comprehensive,
            deductions,
            total,
            int(total * 100),
            {line.index: line for line in lines} or None,
            f"{total}\x1f{process}\x1f{comprehensive}\x1f{deductions}",
            hashlib.md5(b"[" + b", ".join(parts) + b"]", usedforsecurity=False).hexdigest(),
        )

    def score(self, counts: dict[str, dict[int, Decimal]]) -> dict[int, Result]:
        """{subject: Result} for every subject with at least one event, rule by rule over the
        non-zero counts only."""
        ids_of = defaultdict(list)  # subject -> the ids of its non-zero lines, in rule order
        table: list[Line] = []
        for index, rule in enumerate(self.rules):
            seen = {}
            for subject_id, events in counts.get(rule.event, {}).items():
                if not events:
                    continue
                line_id = seen.get(events)
                if line_id is None:
                    raw, points = apply_rule(rule, events)
                    line_id = seen[events] = len(table)
                    rendered = self._json(index, events, raw, points).encode()
                    table.append(Line(line_id, index, events, raw, points, rendered, rule.part == Part.PROCESS))
                ids_of[subject_id].append(line_id)
        results, shared = {}, {}
        for subject_id, ids in ids_of.items():
            key = tuple(ids)
            result = shared.get(key)
            if result is None:
                result = shared[key] = self._result([table[i] for i in key])
            results[subject_id] = result
        return results

    def breakdown(self, lines: dict | None) -> list[dict]:
        result = [dict(line) for line in self.zero_lines]
        for index, line in (lines or {}).items():
            result[index] = _line(self.rules[index], line.events, line.raw, line.points)
        return result


def dense_ranks(values: dict, key=None) -> dict:
    """{id: rank} by value descending; equal values share a rank and the next rank follows on."""
    rank_of = {value: rank for rank, value in enumerate(sorted(set(values.values()), reverse=True), start=1)}
    return {ident: rank_of[value] for ident, value in values.items()}


def _subjects(p: Period) -> dict[str, list[tuple]]:
    """Every subject of the county with where it is ranked: (id, name, in_township, in_village, in_unit)."""
    talents = {}
    for _county, talent_id, village_id, township_id, name, unit_id, _status in assigned_talents(p):
        if talent_id not in talents:
            talents[talent_id] = (talent_id, name, township_id, village_id, unit_id)
    ids = p.county_ids
    units = per_county(
        p,
        "units",
        lambda: CountyUnit.objects.filter(county_id__in=ids).order_by("pk").values_list("county_id", "pk", "name"),
    )
    villages = per_county(
        p,
        "villages",
        lambda: (
            Village.objects.filter(township__county_id__in=ids)
            .order_by("pk")
            .values_list("township__county_id", "pk", "name", "township_id")
        ),
    )
    townships = per_county(
        p,
        "townships",
        lambda: Township.objects.filter(county_id__in=ids).order_by("pk").values_list("county_id", "pk", "name"),
    )
    return {
        "talent": list(talents.values()),
        "unit": [(pk, name, None, None, pk) for _county, pk, name in units],
        "village": [(pk, name, t, pk, None) for _county, pk, name, t in villages],
        "township": [(pk, name, pk, None, None) for _county, pk, name in townships],
    }


def _rule_tables(p: Period) -> tuple[dict[str, list[ScoringRule]], dict[str, ScoringWeights]]:
    """The county's rules by subject type, in table order, and its weights (read once per run)."""
    shared = p.batch.memo if p.batch is not None else p.memo
    if "rules" not in shared:
        rules, weights = defaultdict(lambda: defaultdict(list)), defaultdict(dict)
        for rule in ScoringRule.objects.filter(county_id__in=p.county_ids, year=p.year).order_by("sort_order", "code"):
            rules[rule.county_id][rule.subject_type].append(rule)
        for w in ScoringWeights.objects.filter(county_id__in=p.county_ids, year=p.year):
            weights[w.county_id][w.subject_type] = w
        shared["rules"] = (rules, weights)
    rules, weights = shared["rules"]
    return rules[p.county_id], weights[p.county_id]


SCORE_FIELDS = [
    "subject_name",
    "in_township_id",
    "in_village_id",
    "in_unit_id",
    "total",
    "process_points",
    "comprehensive_points",
    "deductions",
    "rank_county",
    "rank_township",
    "rank_unit",
    "breakdown",
]


@dataclass(slots=True)
class Row:
    """One subject's computed score; its breakdown is rendered only when the row is written."""

    subject_type: str
    subject_id: int
    subject_name: str
    in_township_id: int | None
    in_village_id: int | None
    in_unit_id: int | None
    cents: int
    result: Result
    table: RuleTable
    rank_county: int = 0
    rank_township: int | None = None
    rank_unit: int | None = None

    def digest(self) -> str:
        """The md5 of the stored values, as `_digest` of the full row: compared on a rerun. The
        breakdown enters by its own md5, computed once for every subject with the same lines (a
        city's 51,570 subjects have 14,567), rather than its 1.3 kB hashed again per subject."""
        text = (
            f"{self.subject_name}\x1f{self.in_township_id}\x1f{self.in_village_id}\x1f{self.in_unit_id}\x1f"
            f"{self.result.points_text}\x1f{self.rank_county}\x1f{self.rank_township}\x1f{self.rank_unit}\x1f"
            f"{self.result.breakdown_md5}"
        )
        return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()

    def fields(self) -> dict:
        """The Score's field values."""
        r = self.result
        return {
            "subject_type": self.subject_type,
            f"{self.subject_type}_id": self.subject_id,
            "subject_name": self.subject_name,
            "in_township_id": self.in_township_id,
            "in_village_id": self.in_village_id,
            "in_unit_id": self.in_unit_id,
            "total": r.total,
            "process_points": r.process,
            "comprehensive_points": r.comprehensive,
            "deductions": r.deductions,
            "rank_county": self.rank_county,
            "rank_township": self.rank_township,
            "rank_unit": self.rank_unit,
            "breakdown": self.table.breakdown(r.lines),
        }


def compute_scores(p: Period) -> list[Row]:
    """Every subject's score for the quarter (a model instance is built only for a row that is new
    or changed, and a breakdown only for those)."""
    rules_by_type, weights = _rule_tables(p)
    scores = []
    for subject_type, subjects in _subjects(p).items():
        rules = rules_by_type.get(subject_type, [])
        table = RuleTable(rules, weights.get(subject_type))
        scored = table.score(count_events(p, subject_type, {rule.event for rule in rules}))
        zero = table.zero
        rows = []
        for subject_id, name, in_township, in_village, in_unit in subjects:
            result = scored.get(subject_id, zero)
            rows.append(
                Row(subject_type, subject_id, name[:100], in_township, in_village, in_unit, result.total, result, table)
            )
        _rank(rows)
        scores.extend(rows)
    return scores


def _rank(rows: list[Row]) -> None:
    """Dense ranks by total within the county, each township and each unit."""

    def ranks_of(totals) -> dict:
        return {value: rank for rank, value in enumerate(sorted(totals, reverse=True), start=1)}

    county = ranks_of({row.cents for row in rows})
    townships, units = defaultdict(set), defaultdict(set)
    for row in rows:
        if row.in_township_id is not None:
            townships[row.in_township_id].add(row.cents)
        if row.in_unit_id is not None:
            units[row.in_unit_id].add(row.cents)
    in_township = {group: ranks_of(totals) for group, totals in townships.items()}
    in_unit = {group: ranks_of(totals) for group, totals in units.items()}
    for row in rows:
        cents = row.cents
        row.rank_county = county[cents]
        if row.in_township_id is not None:
            row.rank_township = in_township[row.in_township_id][cents]
        if row.in_unit_id is not None:
            row.rank_unit = in_unit[row.in_unit_id][cents]


def _digest(row: dict) -> str:
    """The md5 of a full row's values (the Score's field values, and the md5 of the breakdown as
    sorted JSON). A digest of another form (rows stored before) just differs: the row is rewritten."""
    values = [str(row[f]) for f in SCORE_FIELDS if f != "breakdown"]
    breakdown = json.dumps(row["breakdown"], sort_keys=True, ensure_ascii=False).encode()
    values.append(hashlib.md5(breakdown, usedforsecurity=False).hexdigest())
    return hashlib.md5("\x1f".join(values).encode(), usedforsecurity=False).hexdigest()


def stored_digests(rollups: list[QuarterRollup]) -> dict[int, dict[str, dict[int, tuple[int, str]]]]:
    """{rollup: {subject type: {subject: (score id, digest)}}} of the rollups' stored scores, in one query."""
    stored = {rollup.pk: defaultdict(dict) for rollup in rollups}
    if stored:
        rows = fetch(
            Score.objects.filter(rollup__in=list(stored))
            .annotate(subject=Coalesce("talent_id", "unit_id", "village_id", "township_id"))
            .order_by()
            .values_list("rollup_id", "pk", "subject_type", "digest", "subject")
        )
        for rollup_id, pk, subject_type, digest, subject_id in rows:
            stored[rollup_id][subject_type][subject_id] = (pk, digest)
    return stored


def _store(rollup: QuarterRollup, rows: list[Row], stored: dict | None = None) -> dict[str, int]:
    """Write `rows` in place of the rollup's scores: matched by subject, compared by digest, so a rerun
    over unchanged data renders no breakdown and writes nothing. A changed row is deleted and inserted
    again under its id (one DELETE and bulk INSERTs; a bulk UPDATE of thousands of rows with a
    JSON column took a minute on SQLite)."""
    stored = {
        t: dict(by_id) for t, by_id in (stored_digests([rollup])[rollup.pk] if stored is None else stored).items()
    }
    created, changed = [], []
    for row in rows:
        digest = row.digest()
        by_id = stored.get(row.subject_type)
        old = by_id.pop(row.subject_id, None) if by_id is not None else None  # what is left over is gone
        if old is not None and old[1] == digest:
            continue
        score = Score(rollup=rollup, year=rollup.year, quarter=rollup.quarter, digest=digest, **row.fields())
        if old is None:
            created.append(score)
        else:
            score.pk = old[0]
            changed.append(score)
    gone = [pk for by_id in stored.values() for pk, _digest_ in by_id.values()]
    if gone or changed:
        Score.objects.filter(pk__in=gone + [s.pk for s in changed]).delete()
    if changed or created:
        Score.objects.bulk_create(changed + created, batch_size=1000)
    return {"created": len(created), "changed": len(changed), "deleted": len(gone)}


def _validate_period(year: int, quarter: int, as_of: datetime.date) -> None:
    if quarter not in (1, 2, 3, 4):
        raise ValidationError({"quarter": "季度应为 1 至 4。"})
    if (year, quarter) > (as_of.year, quarter_of(as_of)):
        raise ValidationError({"quarter": "不能计算未来季度的积分。"})


@service
def run_rollup(
    *, actor, county: County, year: int, quarter: int, as_of: datetime.date | None = None, system: bool = False
) -> QuarterRollup:
    """Compute (or recompute) a county's quarter. `system=True` is the scheduled job (no actor)."""
    return run_rollups(actor=actor, counties=[county], year=year, quarter=quarter, as_of=as_of, system=system)[0]


@service
def run_rollups(
    *, actor, counties, year: int, quarter: int, as_of: datetime.date | None = None, system: bool = False
) -> list[QuarterRollup]:
    """Compute (or recompute) the quarter of several counties, as the nightly job does for all of
    them: the same checks, rows and audit as county by county, but each aggregate query runs once
    for every county computed (events.Batch), and all in one transaction (a failure leaves every
    county's previous results intact)."""
    as_of = as_of or local_today()
    _validate_period(year, quarter, as_of)
    counties = list(counties)
    existing = {
        r.county_id: r
        for r in QuarterRollup.objects.select_for_update()
        .filter(county__in=[c.pk for c in counties], year=year, quarter=quarter)
        .order_by("pk")
    }
    with_rules = set(
        ScoringRule.objects.filter(county__in=[c.pk for c in counties], year=year)
        .values_list("county_id", flat=True)
        .distinct()
        .order_by()
    )
    done, todo = {}, []
    for county in counties:
        rollup = existing.get(county.pk)
        if not system:
            if rollup is not None:
                WORKFLOW.check("recompute", rollup, actor)
            elif not roles.is_county_admin(actor, county.pk):
                raise Denied("只有县委组织部可以计算季度积分。", object_type="assessment.quarterrollup")
        elif rollup is not None and rollup.state != S.COMPUTED and not rollup.stale:
            done[county.pk] = rollup  # locked and unchanged: the job leaves it alone
            continue
        if county.pk not in with_rules:
            raise ValidationError({"year": f"{year}年度尚未设置考核细则，请先设置。"})
        todo.append((county, rollup))
    batch = Batch(tuple(county.pk for county, _rollup in todo))
    with collector_paused():
        stored = stored_digests([rollup for _county, rollup in todo if rollup is not None])
        for county, rollup in todo:
            done[county.pk] = _write_and_audit(county, rollup, year, quarter, as_of, actor, system, batch, stored)
    return [done[county.pk] for county in counties]


@contextlib.contextmanager
def collector_paused():
    """Pause Python's cyclic garbage collector while a city's rows are built: the run allocates
    hundreds of thousands of small tuples and dicts (none in a reference cycle, so reference
    counting frees them all the same), and the collector's passes over the growing heap took a
    third of the run's time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _write_and_audit(county, rollup, year, quarter, as_of, actor, system, batch, stored) -> QuarterRollup:
    """Compute and store one county of a run, and record it."""
    was_stale = rollup is not None and rollup.stale
    rollup, counts = write_rollup(
        county=county,
        year=year,
        quarter=quarter,
        as_of=as_of,
        rollup=rollup,
        actor=actor,
        batch=batch,
        stored=stored.get(rollup.pk, {}) if rollup is not None else {},
    )
    audit.record(
        action="assessment_rollup",
        actor=None if system else actor,
        obj=rollup,
        message=(
            f"{county.name}{quarter_label(year, quarter)}积分计算：{counts['subjects']} 个对象，"
            f"新增 {counts['created']}，变化 {counts['changed']}，删除 {counts['deleted']}"
            + ("（台账或细则变动后重新计算）" if was_stale else "")
        ),
    )
    return rollup


def write_rollup(
    *, county, year, quarter, as_of, rollup=None, actor=None, batch: Batch | None = None, stored=None
) -> tuple[QuarterRollup, dict]:
    """Compute and store the quarter (no checks, no audit: `run_rollup` does both; the demo builder
    calls this directly so that building the demo writes no audit records of its own). `batch`
    shares the aggregate queries with the other counties of a run; `stored` is the rollup's
    stored digests when the caller read them already."""
    # Once a quarter is over its counts no longer depend on the day they are computed.
    effective = min(as_of, quarter_range(year, quarter)[1])
    scores = compute_scores(Period(county.pk, year, quarter, effective, batch=batch))
    fields = dict(
        state=S.COMPUTED,
        stale=False,
        stale_reason="",
        as_of=effective,
        computed_at=timezone.now(),
        computed_by=actor if getattr(actor, "is_authenticated", False) else None,
        confirmed_at=None,
        confirmed_by=None,
        published_at=None,
        published_by=None,
    )
    if rollup is None:
        rollup = QuarterRollup.objects.create(county=county, year=year, quarter=quarter, **fields)
        stored = {}
    else:
        claim_version(rollup, None, **fields)
    counts = _store(rollup, scores, stored)
    return rollup, {**counts, "subjects": len(scores)}


def _transition(actor, rollup: QuarterRollup, version, action: str, **updates) -> QuarterRollup:
    row = QuarterRollup.objects.visible_to(actor).filter(pk=rollup.pk).first()
    if row is None:
        raise Http404
    WORKFLOW.check(action, row, actor)
    if version is not None and int(version) != row.version:
        raise StaleVersionError("该季度积分已被他人更新，请刷新页面后重试。")
    before = audit.snapshot(row)
    claim_version(row, version, **updates)
    audit.record(action=f"assessment_{action}", actor=actor, obj=row, changes=audit.diff(before, audit.snapshot(row)))
    return row


@service
def confirm_rollup(*, actor, rollup: QuarterRollup, version: int | None = None) -> QuarterRollup:
    return _transition(
        actor, rollup, version, "confirm", state=S.CONFIRMED, confirmed_at=timezone.now(), confirmed_by=actor
    )


@service
def publish_rollup(*, actor, rollup: QuarterRollup, version: int | None = None) -> QuarterRollup:
    return _transition(
        actor, rollup, version, "publish", state=S.PUBLISHED, published_at=timezone.now(), published_by=actor
    )


def mark_month_reopened(*, village_id: int, month: datetime.date) -> int:
    """A ledger month reopened after its quarter was confirmed: the quarter no longer matches its ledger."""
    county_id = Village.objects.filter(pk=village_id).values_list("township__county_id", flat=True).first()
    if county_id is None:
        return 0
    return QuarterRollup.objects.filter(county_id=county_id, year=month.year, quarter=quarter_of(month)).update(
        stale=True, stale_reason=f"{month.year}年{month.month}月有村台账在确认后被退回修改，需重新计算。"
    )


def recompute_stale(*, as_of: datetime.date | None = None, dry_run: bool = False) -> list[str]:
    """Recompute every stale quarter (the nightly job); returns what it did or would do. The stale
    counties of one quarter are recomputed in one run (run_rollups)."""
    lines, due = [], defaultdict(list)
    for rollup in QuarterRollup.objects.filter(stale=True).select_related("county").order_by("pk"):
        lines.append(f"{rollup.county.name}{rollup.label}：{rollup.stale_reason}重新计算")
        due[(rollup.year, rollup.quarter)].append(rollup.county)
    if not dry_run:
        for (year, quarter), counties in sorted(due.items()):
            run_rollups(actor=None, counties=counties, year=year, quarter=quarter, as_of=as_of, system=True)
    return lines
