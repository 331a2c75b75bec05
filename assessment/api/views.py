"""Assessment API: rule tables and weights (county admins write), scores (read), grades (county
admins propose, change with a reason, confirm and reopen; everyone reads their own scope)."""

from django.db.models import Count, Q
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from pairing.core.api.base import ScopedQuerysetMixin, ScopedReadOnlyViewSet, ScopedWorkflowViewSet

from ..filtersets import GradeFilterSet, ScoreFilterSet, ScoringRuleFilterSet, ScoringWeightsFilterSet
from ..models import Grade, GradingGroup, GradingRound, Score, ScoringRule, ScoringWeights
from ..services import grading
from ..services import rules as rule_service
from .serializers import (
    ConfirmRequestSerializer,
    GradeSerializer,
    ReopenRequestSerializer,
    RoundRequestSerializer,
    RoundSerializer,
    ScoreSerializer,
    ScoringRuleSerializer,
    ScoringWeightsSerializer,
)


class ScoringRuleViewSet(ScopedWorkflowViewSet):
    queryset = ScoringRule.objects.all()
    serializer_class = ScoringRuleSerializer
    filterset_class = ScoringRuleFilterSet
    ordering_fields = ["year", "subject_type", "sort_order", "code"]
    ordering = ["year", "subject_type", "sort_order", "code"]

    def perform_create(self, serializer):
        rule = ScoringRule(county_id=self.request.user.county_id, **serializer.validated_data)
        serializer.instance = rule_service.save_rule(actor=self.request.user, rule=rule)

    def perform_update(self, serializer):
        rule = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(rule, name, value)
        serializer.instance = rule_service.save_rule(actor=self.request.user, rule=rule)

    def perform_destroy(self, instance):
        rule_service.delete_rule(actor=self.request.user, rule=instance)


class ScoringWeightsViewSet(
    ScopedQuerysetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = ScoringWeights.objects.all()
    serializer_class = ScoringWeightsSerializer
    filterset_class = ScoringWeightsFilterSet
    ordering = ["year", "subject_type"]
    http_method_names = ["get", "put", "patch", "head", "options"]

    def perform_update(self, serializer):
        weights = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(weights, name, value)
        serializer.instance = rule_service.save_weights(actor=self.request.user, weights=weights)


class ScoreViewSet(ScopedReadOnlyViewSet):
    queryset = Score.objects.select_related("rollup")
    serializer_class = ScoreSerializer
    filterset_class = ScoreFilterSet
    ordering_fields = ["total", "rank_county", "rank_township", "subject_name"]
    ordering = ["-year", "-quarter", "subject_type", "rank_county", "id"]


def _round_data(round_: GradingRound) -> dict:
    counts = round_.grades.aggregate(graded=Count("pk"), flagged=Count("pk", filter=Q(flagged=True)))
    return RoundSerializer(
        {
            **counts,
            "year": round_.year,
            "group_id": round_.group_id,
            "state": round_.state,
            "quarters": round_.quarters,
            "version": round_.version,
        }
    ).data


class GradeViewSet(
    ScopedQuerysetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Grade.objects.select_related("round__group")
    serializer_class = GradeSerializer
    filterset_class = GradeFilterSet
    ordering_fields = ["position", "annual_score"]
    ordering = ["-round__year", "round__group", "position", "id"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def perform_update(self, serializer):
        data = serializer.validated_data
        serializer.instance = grading.change_grade(
            actor=self.request.user,
            grade=serializer.instance,
            new_grade=data.get("grade", serializer.instance.grade),
            reason=data.get("reason", ""),
        )

    def _group(self, data) -> GradingGroup:
        group = GradingGroup.objects.visible_to(self.request.user).filter(pk=data["group"]).first()
        if group is None:
            raise Http404
        return group

    def _round(self, data) -> GradingRound:
        group = self._group(data)
        round_ = GradingRound.objects.visible_to(self.request.user).filter(group=group, year=data["year"]).first()
        if round_ is None:
            raise Http404
        return round_

    @extend_schema(request=RoundRequestSerializer, responses={200: RoundSerializer})
    @action(detail=False, methods=["post"], pagination_class=None, filter_backends=[])
    def propose(self, request):
        """Propose the year's grades of a group under its quotas (again, while not confirmed)."""
        data = _valid(RoundRequestSerializer, request)
        round_ = grading.propose(actor=request.user, group=self._group(data), year=data["year"])
        return Response(_round_data(round_))

    @extend_schema(request=ConfirmRequestSerializer, responses={200: RoundSerializer})
    @action(detail=False, methods=["post"], pagination_class=None, filter_backends=[])
    def confirm(self, request):
        """Confirm and file the grades; refused with the quota shortfall when a quota is not met, and
        with 409 when `version` (the round's, as the client last saw it) is no longer current."""
        data = _valid(ConfirmRequestSerializer, request)
        round_ = self._round(data)
        grading.confirm(actor=request.user, round_=round_, version=data.get("version"))
        return Response(_round_data(GradingRound.objects.visible_to(request.user).get(pk=round_.pk)))

    @extend_schema(request=ReopenRequestSerializer, responses={200: RoundSerializer})
    @action(detail=False, methods=["post"], pagination_class=None, filter_backends=[])
    def reopen(self, request):
        """Reopen confirmed grades with a reason (the filing stays on record, marked withdrawn); 409
        when `version` is no longer current."""
        data = _valid(ReopenRequestSerializer, request)
        round_ = grading.reopen(
            actor=request.user, round_=self._round(data), reason=data["reason"], version=data.get("version")
        )
        return Response(_round_data(round_))


def _valid(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
