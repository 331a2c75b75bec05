"""The rule table: the shipped default for a new year, "copy last year's", and edits that mark
confirmed quarters stale (a confirmed score must say when its rules changed under it)."""

import json
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError

from pairing import roles
from pairing.core import audit
from pairing.core.services import Denied, service

from ..choices import SubjectType
from ..models import QuarterRollup, ScoringRule, ScoringWeights
from .grading import default_group

DEFAULT_TABLE = Path(__file__).resolve().parent.parent / "data" / "default_rules.json"
RULE_FIELDS = ("code", "name", "event", "points", "cap", "part", "sort_order")


def default_table() -> dict:
    return json.loads(DEFAULT_TABLE.read_text(encoding="utf-8"))


EDITOR_ONLY = "只有县委组织部可以修改考核细则。"


def may_edit_rules(user, county_id: int | None) -> bool:
    """Who may write a county's rule table and weights: its county admins. The one rule, asked by
    the services below and by the pages that decide whether to offer the forms."""
    return county_id is not None and roles.is_county_admin(user, county_id)


def _require_county_admin(actor, county_id: int) -> None:
    if not may_edit_rules(actor, county_id):
        raise Denied(EDITOR_ONLY, object_type="assessment.scoringrule")


def _refuse_if_present(county, year: int) -> None:
    if ScoringRule.objects.filter(county=county, year=year).exists():
        raise ValidationError({"year": f"{year}年度的考核细则已存在，请直接修改。"})


def default_rule_rows(county, year: int) -> tuple[list[ScoringRule], list[ScoringWeights]]:
    """Unsaved rows of the shipped table for `county` and `year` (the demo builder inserts them in bulk)."""
    table = default_table()
    rules = [
        ScoringRule(
            county=county,
            year=year,
            subject_type=subject_type,
            code=code,
            name=name,
            event=event,
            points=Decimal(points),
            cap=None if cap is None else Decimal(cap),
            part=part,
            sort_order=position,
        )
        for subject_type, rows in table["rules"].items()
        for position, (code, name, event, points, cap, part) in enumerate(rows, start=1)
    ]
    weights = [
        ScoringWeights(
            county=county,
            year=year,
            subject_type=subject_type,
            process_weight=Decimal(table["weights"]["process_weight"]),
            comprehensive_weight=Decimal(table["weights"]["comprehensive_weight"]),
        )
        for subject_type in SubjectType.values
    ]
    return rules, weights


@service
def install_default_table(*, actor, county, year: int) -> int:
    """Start `year` from the shipped default table; returns the number of rules."""
    _require_county_admin(actor, county.pk)
    _refuse_if_present(county, year)
    rules, weights = default_rule_rows(county, year)
    ScoringRule.objects.bulk_create(rules)
    ScoringWeights.objects.bulk_create(weights)
    default_group(county)
    audit.record(action="assessment_rules_create", actor=actor, obj=county, message=f"{year}年度采用默认考核细则")
    return len(rules)


@service
def copy_previous_year(*, actor, county, year: int) -> int:
    """Start `year` from the county's table of `year - 1`."""
    _require_county_admin(actor, county.pk)
    _refuse_if_present(county, year)
    previous = list(ScoringRule.objects.filter(county=county, year=year - 1))
    if not previous:
        raise ValidationError({"year": f"{year - 1}年度没有考核细则可复制，请采用默认细则。"})
    ScoringRule.objects.bulk_create(
        ScoringRule(county=county, year=year, subject_type=r.subject_type, **{f: getattr(r, f) for f in RULE_FIELDS})
        for r in previous
    )
    ScoringWeights.objects.bulk_create(
        ScoringWeights(
            county=county,
            year=year,
            subject_type=w.subject_type,
            process_weight=w.process_weight,
            comprehensive_weight=w.comprehensive_weight,
        )
        for w in ScoringWeights.objects.filter(county=county, year=year - 1)
    )
    default_group(county)
    audit.record(action="assessment_rules_create", actor=actor, obj=county, message=f"{year}年度复制上年考核细则")
    return len(previous)


def mark_rules_changed(county_id: int, year: int) -> int:
    """The year's computed quarters no longer match their rules: say so (and recompute nightly)."""
    return QuarterRollup.objects.filter(county_id=county_id, year=year).update(
        stale=True, stale_reason="考核细则已修改，需重新计算。"
    )


@service
def save_rule(*, actor, rule: ScoringRule) -> ScoringRule:
    """Create or change one rule (form or API), audited, marking confirmed quarters stale."""
    _require_county_admin(actor, rule.county_id)
    before = None
    if rule.pk:
        stored = ScoringRule.objects.get(pk=rule.pk)
        before = audit.snapshot(stored)
        if (stored.county_id, stored.year, stored.subject_type) != (rule.county_id, rule.year, rule.subject_type):
            raise ValidationError({"year": "细则登记后不能更换县、年度或考核对象。"})
    rule.full_clean()
    rule.save()
    audit.record(
        action="update" if before else "create",
        actor=actor,
        obj=rule,
        changes=audit.diff(before, audit.snapshot(rule)),
    )
    mark_rules_changed(rule.county_id, rule.year)
    return rule


@service
def delete_rule(*, actor, rule: ScoringRule) -> None:
    _require_county_admin(actor, rule.county_id)
    before = audit.snapshot(rule)
    county_id, year = rule.county_id, rule.year
    audit.record(action="delete", actor=actor, obj=rule, changes=audit.diff(before, None))
    rule.delete()
    mark_rules_changed(county_id, year)


@service
def save_weights(*, actor, weights: ScoringWeights) -> ScoringWeights:
    _require_county_admin(actor, weights.county_id)
    before = audit.snapshot(ScoringWeights.objects.get(pk=weights.pk)) if weights.pk else None
    weights.full_clean()
    weights.save()
    audit.record(
        action="update" if before else "create",
        actor=actor,
        obj=weights,
        changes=audit.diff(before, audit.snapshot(weights)),
    )
    mark_rules_changed(weights.county_id, weights.year)
    return weights
