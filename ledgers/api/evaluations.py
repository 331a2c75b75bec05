"""Quarterly evaluations API: the village creates and changes (with `reason` after forwarding),
the township forwards (forward/), the unit reads its talents' forwarded evaluations."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from pairing.core.api.base import ActionsField, ScopedModelSerializer, ScopedRelatedField, ScopedWorkflowViewSet
from pairing.models import UrbanTalent, Village

from ..filtersets import TalentEvaluationFilterSet
from ..models import TalentEvaluation
from ..services import evaluations as evaluation_service


class TalentEvaluationSerializer(ScopedModelSerializer):
    talent = ScopedRelatedField(queryset=UrbanTalent.objects.all())
    village = ScopedRelatedField(queryset=Village.objects.all())
    talent_name = serializers.CharField(source="talent.name", read_only=True)
    village_name = serializers.CharField(source="village.name", read_only=True)
    unit = serializers.IntegerField(source="talent.unit_id", read_only=True, allow_null=True)
    reason = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=200, help_text="已转送单位后修改时必填"
    )
    evaluated_by = serializers.CharField(source="evaluated_by.display_name", read_only=True, allow_null=True)
    forwarded_by = serializers.CharField(source="forwarded_by.display_name", read_only=True, allow_null=True)
    actions = ActionsField(evaluation_service.WORKFLOW)

    class Meta:
        model = TalentEvaluation
        fields = [
            "id",
            "talent",
            "talent_name",
            "unit",
            "village",
            "village_name",
            "year",
            "quarter",
            "rating",
            "score",
            "comment",
            "reason",
            "change_reason",
            "evaluated_by",
            "evaluated_at",
            "updated_at",
            "forwarded_by",
            "forwarded_at",
            "actions",
        ]
        read_only_fields = ["change_reason", "evaluated_at", "updated_at", "forwarded_at"]
        # The service checks the one-per-quarter rule with a Chinese message (and the constraint backs it).
        validators = []

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.instance is not None:
            e = self.instance
            stored = {"talent": e.talent_id, "village": e.village_id, "year": e.year, "quarter": e.quarter}
            for name, value in stored.items():
                if name in attrs and getattr(attrs[name], "pk", attrs[name]) != value:
                    raise serializers.ValidationError({name: "评定登记后不能更换人才、村或季度。"})
        return attrs

    def evaluation_input(self) -> evaluation_service.EvaluationInput:
        data, current = self.validated_data, self.instance

        def pick(name, default):
            return data[name] if name in data else getattr(current, name, default)

        return evaluation_service.EvaluationInput(
            rating=pick("rating", ""), score=pick("score", None), comment=pick("comment", "")
        )


class TalentEvaluationViewSet(ScopedWorkflowViewSet):
    queryset = TalentEvaluation.objects.select_related("talent", "village", "evaluated_by", "forwarded_by")
    serializer_class = TalentEvaluationSerializer
    filterset_class = TalentEvaluationFilterSet
    ordering_fields = ["year", "quarter", "score", "evaluated_at"]
    ordering = ["-year", "-quarter", "id"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = evaluation_service.record_evaluation(
            actor=self.request.user,
            talent=data["talent"],
            village=data["village"],
            year=data["year"],
            quarter=data["quarter"],
            data=serializer.evaluation_input(),
        )

    def perform_update(self, serializer):
        serializer.instance = evaluation_service.change_evaluation(
            actor=self.request.user,
            evaluation=serializer.instance,
            data=serializer.evaluation_input(),
            reason=serializer.validated_data.get("reason", ""),
        )

    @extend_schema(request=None, responses={200: TalentEvaluationSerializer})
    @action(detail=True, methods=["post"])
    def forward(self, request, pk=None):
        """The township passes this evaluation on to the talent's unit (a second call changes nothing)."""
        evaluation = self.get_object()
        evaluation_service.forward_evaluations(actor=request.user, evaluations=[evaluation])
        return Response(self.get_serializer(self.get_queryset().get(pk=evaluation.pk)).data, status=status.HTTP_200_OK)
