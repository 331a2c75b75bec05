"""Page forms: they validate input; the services decide and write."""

from django import forms

from .choices import GradeLevel
from .models import GradingGroup, ScoringRule, ScoringWeights

QUARTERS = [(1, "第一季度"), (2, "第二季度"), (3, "第三季度"), (4, "第四季度")]


class RuleForm(forms.ModelForm):
    class Meta:
        model = ScoringRule
        fields = ["subject_type", "code", "name", "event", "points", "cap", "part", "sort_order"]


class WeightsForm(forms.ModelForm):
    class Meta:
        model = ScoringWeights
        fields = ["process_weight", "comprehensive_weight"]


class RollupRunForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(label="季度", choices=QUARTERS, coerce=int)


class ProposeForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    group = forms.ModelChoiceField(label="评定分组", queryset=GradingGroup.objects.none(), empty_label="请选择分组")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = GradingGroup.objects.visible_to(user)


class GradeChangeForm(forms.Form):
    grade = forms.ChoiceField(label="等次", choices=GradeLevel.choices)
    reason = forms.CharField(label="调整理由", max_length=200)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", max_length=200)
