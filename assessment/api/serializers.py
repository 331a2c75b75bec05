"""API shapes (the mini-program's contract: field names as the issue states them)."""

from rest_framework import serializers

from pairing.core.api.base import ActionsField, ScopedModelSerializer

from ..choices import GradeLevel
from ..models import Grade, Score, ScoringRule, ScoringWeights
from ..services.grading import GRADE_WORKFLOW


def number(**kwargs):
    return serializers.DecimalField(max_digits=10, decimal_places=2, coerce_to_string=False, **kwargs)


class ScoringRuleSerializer(ScopedModelSerializer):
    points = serializers.DecimalField(max_digits=6, decimal_places=2, coerce_to_string=False)
    cap = serializers.DecimalField(
        max_digits=7, decimal_places=2, coerce_to_string=False, allow_null=True, required=False, min_value=0
    )

    class Meta:
        model = ScoringRule
        fields = ["id", "year", "subject_type", "code", "name", "event", "points", "cap", "part", "sort_order"]
        validators = []  # the service's full_clean says it in Chinese, at the field


class ScoringWeightsSerializer(ScopedModelSerializer):
    process_weight = serializers.DecimalField(max_digits=4, decimal_places=2, coerce_to_string=False)
    comprehensive_weight = serializers.DecimalField(max_digits=4, decimal_places=2, coerce_to_string=False)

    class Meta:
        model = ScoringWeights
        fields = ["id", "year", "subject_type", "process_weight", "comprehensive_weight"]
        read_only_fields = ["year", "subject_type"]


class BreakdownLineSerializer(serializers.Serializer):
    rule_code = serializers.CharField()
    events = serializers.FloatField()
    points = serializers.FloatField()


class ScoreSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="rollup.year", read_only=True)
    quarter = serializers.IntegerField(source="rollup.quarter", read_only=True)
    subject_id = serializers.IntegerField(read_only=True)
    total = number(read_only=True)
    process_points = number(read_only=True)
    comprehensive_points = number(read_only=True)
    state = serializers.CharField(source="rollup.state", read_only=True)
    stale = serializers.BooleanField(source="rollup.stale", read_only=True)
    breakdown = serializers.SerializerMethodField()

    class Meta:
        model = Score
        fields = [
            "id",
            "year",
            "quarter",
            "subject_type",
            "subject_id",
            "subject_name",
            "total",
            "process_points",
            "comprehensive_points",
            "rank_county",
            "rank_township",
            "rank_unit",
            "state",
            "stale",
            "breakdown",
        ]
        read_only_fields = fields

    def get_breakdown(self, score) -> list[BreakdownLineSerializer]:
        return [
            {"rule_code": line["rule_code"], "events": line["events"], "points": line["points"]}
            for line in score.breakdown
        ]


# drf-spectacular reads the method's return annotation as this list
ScoreSerializer.get_breakdown.__annotations__["return"] = BreakdownLineSerializer(many=True)


class GradeSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="round.year", read_only=True)
    group = serializers.IntegerField(source="round.group_id", read_only=True)
    subject_id = serializers.IntegerField(source="talent_id", read_only=True)
    annual_score = number(read_only=True)
    grade = serializers.ChoiceField(choices=GradeLevel.choices)
    reason = serializers.CharField(max_length=200, allow_blank=True, required=False)
    state = serializers.CharField(source="round.state", read_only=True)
    round_version = serializers.IntegerField(source="round.version", read_only=True)
    actions = ActionsField(GRADE_WORKFLOW)

    class Meta:
        model = Grade
        fields = [
            "id",
            "year",
            "group",
            "subject_id",
            "subject_name",
            "position",
            "annual_score",
            "proposed_grade",
            "grade",
            "reason",
            "flagged",
            "state",
            "round_version",
            "actions",
        ]
        read_only_fields = ["subject_name", "position", "proposed_grade", "flagged"]


class RoundRequestSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    group = serializers.IntegerField(min_value=1)


class ConfirmRequestSerializer(RoundRequestSerializer):
    version = serializers.IntegerField(
        min_value=1, required=False, help_text="客户端看到的评定版本（version）；已被他人更新时返回 409"
    )


class ReopenRequestSerializer(ConfirmRequestSerializer):
    reason = serializers.CharField(max_length=200)


class RoundSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    group = serializers.IntegerField(source="group_id")
    state = serializers.CharField()
    version = serializers.IntegerField(help_text="确认、撤回时回传")
    quarters = serializers.CharField()
    graded = serializers.IntegerField()
    flagged = serializers.IntegerField()
