"""One FilterSet per model, shared by the API and the pages."""

import django_filters

from pairing.core.filtering import IdFilter, PortalFilterSet, YearFilter

from .choices import Event, GradeLevel, Part, SubjectType
from .models import Grade, Score, ScoringRule, ScoringWeights


class ScoringRuleFilterSet(PortalFilterSet):
    search_fields = ("code", "name")
    year = YearFilter()
    subject_type = django_filters.ChoiceFilter(choices=SubjectType.choices, label="考核对象")
    event = django_filters.ChoiceFilter(choices=Event.choices, label="计分事项")
    part = django_filters.ChoiceFilter(choices=Part.choices, label="类别")

    class Meta:
        model = ScoringRule
        fields = ["year", "subject_type", "event", "part"]


class ScoringWeightsFilterSet(PortalFilterSet):
    year = YearFilter()
    subject_type = django_filters.ChoiceFilter(choices=SubjectType.choices, label="考核对象")

    class Meta:
        model = ScoringWeights
        fields = ["year", "subject_type"]


class ScoreFilterSet(PortalFilterSet):
    search_fields = ("subject_name",)
    year = YearFilter(field_name="rollup__year")
    quarter = django_filters.TypedChoiceFilter(
        field_name="rollup__quarter", choices=[(q, f"第{q}季度") for q in (1, 2, 3, 4)], coerce=int, label="季度"
    )
    subject_type = django_filters.ChoiceFilter(choices=SubjectType.choices, label="考核对象")
    township = IdFilter(field_name="in_township", label="乡镇")
    unit = IdFilter(field_name="in_unit", label="县直单位")

    class Meta:
        model = Score
        fields = ["year", "quarter", "subject_type", "township", "unit"]


class GradeFilterSet(PortalFilterSet):
    search_fields = ("subject_name",)
    year = YearFilter(field_name="round__year")
    group = IdFilter(field_name="round__group", label="评定分组")
    grade = django_filters.ChoiceFilter(choices=GradeLevel.choices, label="等次")
    township = IdFilter(field_name="township", label="乡镇")
    flagged = django_filters.BooleanFilter(label="并列待定")

    class Meta:
        model = Grade
        fields = ["year", "group", "grade", "township", "flagged"]
