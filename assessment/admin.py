from django.contrib import admin

from pairing.admin import ReadOnlyAdminMixin

from .models import Grade, GradeFiling, GradingGroup, GradingRound, QuarterRollup, Score, ScoringRule, ScoringWeights
from .services.rules import mark_rules_changed


class RuleTableAdmin(admin.ModelAdmin):
    """The rule table is data: editable here too, and a change marks the year's quarters stale."""

    list_filter = ["county", "year", "subject_type"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        mark_rules_changed(obj.county_id, obj.year)

    def delete_model(self, request, obj):
        county_id, year = obj.county_id, obj.year
        super().delete_model(request, obj)
        mark_rules_changed(county_id, year)


@admin.register(ScoringRule)
class ScoringRuleAdmin(RuleTableAdmin):
    list_display = ["year", "subject_type", "code", "name", "event", "points", "cap", "part"]


@admin.register(ScoringWeights)
class ScoringWeightsAdmin(RuleTableAdmin):
    list_display = ["year", "subject_type", "process_weight", "comprehensive_weight"]


@admin.register(GradingGroup)
class GradingGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "county", "unit_kind", "poor_min_percent", "excellent_max_percent", "excellent_min_percent"]


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Scores and grades change only through the services (locks, quotas, audit)."""


@admin.register(QuarterRollup)
class QuarterRollupAdmin(ReadOnlyAdmin):
    list_display = ["county", "year", "quarter", "state", "stale", "computed_at"]


@admin.register(Score)
class ScoreAdmin(ReadOnlyAdmin):
    list_display = ["subject_name", "subject_type", "rollup", "total", "rank_county"]
    list_filter = ["subject_type"]
    raw_id_fields = ["rollup", "talent", "unit", "village", "township", "in_township", "in_village", "in_unit"]


@admin.register(GradingRound)
class GradingRoundAdmin(ReadOnlyAdmin):
    list_display = ["group", "year", "state", "proposed_at"]


@admin.register(Grade)
class GradeAdmin(ReadOnlyAdmin):
    list_display = ["subject_name", "round", "annual_score", "proposed_grade", "grade", "flagged"]
    raw_id_fields = ["round", "talent", "township", "village"]


@admin.register(GradeFiling)
class GradeFilingAdmin(ReadOnlyAdmin):
    list_display = ["round", "filed_at", "filed_by", "reopened_at"]
