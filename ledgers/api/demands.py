"""Demand API: demands/ (publish, edit; actions claim/, withdraw-claim/, start/, resolve/, close/,
suggestions/, invite/) and notifications/ (own only; read/). Scoping comes from the base
viewsets; every change calls a service, which checks role, scope and state."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from pairing.core.api.base import (
    ActionsField,
    ScopedModelSerializer,
    ScopedReadOnlyViewSet,
    ScopedRelatedField,
    ScopedWorkflowViewSet,
)
from pairing.models import AgreementDemandItem, Specialty, UrbanTalent

from .. import queries
from ..filtersets import DemandFilterSet, NotificationFilterSet
from ..models import Demand, DemandClaim, Notification, ServiceActivity
from ..services import demands as demand_service
from ..services.demand_matching import suggest_talents
from ..services.notifications import mark_read


class DemandClaimSerializer(serializers.ModelSerializer):
    claimant = serializers.CharField(source="claimant_name", read_only=True)

    class Meta:
        model = DemandClaim
        fields = ["id", "talent", "unit", "claimant", "status", "claimed_at", "withdrawn_at"]
        read_only_fields = fields


class DemandSerializer(ScopedModelSerializer):
    """Status, counts and outcome fields are read-only: only the actions change them (SECURITY.md 9)."""

    village_name = serializers.CharField(source="village.name", read_only=True)
    township = serializers.IntegerField(source="village.township_id", read_only=True)
    specialties = serializers.PrimaryKeyRelatedField(queryset=Specialty.objects.all(), many=True, required=False)
    agreement_item = ScopedRelatedField(queryset=AgreementDemandItem.objects.all(), required=False, allow_null=True)
    places_left = serializers.IntegerField(read_only=True)
    claims = DemandClaimSerializer(many=True, read_only=True)
    actions = ActionsField(demand_service.WORKFLOW)

    class Meta:
        model = Demand
        fields = [
            "id",
            "village",
            "village_name",
            "township",
            "type",
            "category",
            "title",
            "description",
            "specialties",
            "due_date",
            "people_wanted",
            "claimed_count",
            "places_left",
            "agreement_item",
            "status",
            "outcome",
            "served_by",
            "close_reason",
            "published_at",
            "started_at",
            "resolved_at",
            "closed_at",
            "claims",
            "actions",
        ]
        read_only_fields = [
            "claimed_count",
            "status",
            "outcome",
            "served_by",
            "close_reason",
            "published_at",
            "started_at",
            "resolved_at",
            "closed_at",
        ]

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.instance is not None and "village" in attrs and attrs["village"].pk != self.instance.village_id:
            raise serializers.ValidationError({"village": "需求发布后不能更换村（社区）。"})
        return attrs

    def demand_input(self) -> demand_service.DemandInput:
        """The payload merged over the current values (so PATCH changes only what it names)."""
        data, current = self.validated_data, self.instance

        def pick(name, default=None):
            return data[name] if name in data else getattr(current, name, default)

        specialties = data.get("specialties")
        if specialties is None:
            specialties = list(current.specialties.all()) if current is not None else []
        return demand_service.DemandInput(
            type=pick("type", "need"),
            category=pick("category", ""),
            title=pick("title", ""),
            description=pick("description", ""),
            people_wanted=pick("people_wanted", 1),
            due_date=pick("due_date"),
            specialties=tuple(specialties),
            agreement_item=pick("agreement_item"),
        )


class DemandResolveSerializer(serializers.Serializer):
    outcome = serializers.CharField(max_length=2000)
    activity = ScopedRelatedField(queryset=ServiceActivity.objects.all(), help_text="办理该需求的已确认服务活动")


class DemandCloseSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class DemandInviteSerializer(serializers.Serializer):
    talent = ScopedRelatedField(queryset=UrbanTalent.objects.all())


class DemandSuggestionSerializer(serializers.Serializer):
    talent = serializers.IntegerField(source="talent.pk")
    name = serializers.CharField(source="talent.name")
    unit = serializers.CharField(source="talent.unit.name", default="")
    relation = serializers.CharField()
    matched = serializers.ListField(child=serializers.CharField())
    open_claims = serializers.IntegerField()
    month_services = serializers.IntegerField()
    village_services = serializers.IntegerField()
    score = serializers.IntegerField()
    reason = serializers.CharField()
    has_account = serializers.BooleanField()


CLAIM_PREFETCH = ("claims__talent", "claims__unit")


class DemandViewSet(ScopedWorkflowViewSet):
    queryset = Demand.objects.select_related("village").prefetch_related("specialties", *CLAIM_PREFETCH)
    serializer_class = DemandSerializer
    filterset_class = DemandFilterSet
    ordering_fields = ["published_at", "due_date", "status", "people_wanted", "claimed_count"]
    ordering = ["-published_at", "-id"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def perform_create(self, serializer):
        serializer.instance = demand_service.publish_demand(
            actor=self.request.user, village=serializer.validated_data["village"], data=serializer.demand_input()
        )

    def perform_update(self, serializer):
        serializer.instance = demand_service.update_demand(
            actor=self.request.user, demand=serializer.instance, data=serializer.demand_input()
        )

    def _fresh(self, demand):
        return Response(self.get_serializer(self.get_queryset().get(pk=demand.pk)).data)

    @extend_schema(responses=DemandSerializer(many=True))
    @action(detail=False, methods=["get"])
    def claimable(self, request):
        """可认领: open places in the villages the talent (or the liaison's unit) serves this year,
        not yet claimed by them; soonest due first (the page's list, with the list's filters)."""
        rows = self.filter_queryset(queries.claimable_demands(request.user).prefetch_related(*CLAIM_PREFETCH))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(request=None, responses=DemandSerializer)
    @action(detail=True, methods=["post"])
    def claim(self, request, pk=None):
        """Take one place: a talent for themselves, a liaison for their unit."""
        claim = demand_service.claim_demand(actor=request.user, demand=self.get_object())
        return self._fresh(claim.demand)

    @extend_schema(request=None, responses=DemandSerializer)
    @action(detail=True, methods=["post"], url_path="withdraw-claim")
    def withdraw_claim(self, request, pk=None):
        claim = demand_service.withdraw_claim(actor=request.user, demand=self.get_object())
        return self._fresh(claim.demand)

    @extend_schema(request=None, responses=DemandSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        return self._fresh(demand_service.start_demand(actor=request.user, demand=self.get_object()))

    @extend_schema(request=DemandResolveSerializer, responses=DemandSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        demand = self.get_object()
        form = DemandResolveSerializer(data=request.data, context=self.get_serializer_context())
        form.is_valid(raise_exception=True)
        demand = demand_service.resolve_demand(actor=request.user, demand=demand, **form.validated_data)
        return self._fresh(demand)

    @extend_schema(request=DemandCloseSerializer, responses=DemandSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        demand = self.get_object()
        form = DemandCloseSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        return self._fresh(demand_service.close_demand(actor=request.user, demand=demand, **form.validated_data))

    @extend_schema(request=None, responses=DemandSuggestionSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def suggestions(self, request, pk=None):
        """Talents ranked for this demand, with the reason (empty once it accepts no more claims)."""
        demand = self.get_object()
        rows = suggest_talents(demand, request.user) if demand.accepts_claims else []
        return Response(DemandSuggestionSerializer(rows, many=True).data)

    @extend_schema(request=DemandInviteSerializer, responses={201: None})
    @action(detail=True, methods=["post"])
    def invite(self, request, pk=None):
        demand = self.get_object()
        form = DemandInviteSerializer(data=request.data, context=self.get_serializer_context())
        form.is_valid(raise_exception=True)
        demand_service.invite_talent(actor=request.user, demand=demand, talent=form.validated_data["talent"])
        return Response({"detail": "已发送认领邀请。"}, status=status.HTTP_201_CREATED)


class OwnClaimSerializer(DemandClaimSerializer):
    demand = serializers.IntegerField(source="demand_id", read_only=True)
    demand_title = serializers.CharField(source="demand.title", read_only=True)
    demand_status = serializers.CharField(source="demand.status", read_only=True)
    due_date = serializers.DateField(source="demand.due_date", read_only=True, allow_null=True)
    village = serializers.IntegerField(source="demand.village_id", read_only=True)
    village_name = serializers.CharField(source="demand.village.name", read_only=True)

    class Meta(DemandClaimSerializer.Meta):
        fields = [*DemandClaimSerializer.Meta.fields, "demand", "demand_title", "demand_status", "due_date"]
        fields += ["village", "village_name"]
        read_only_fields = fields


class ClaimViewSet(ScopedReadOnlyViewSet):
    """我的认领: the requesting talent's (or liaison's unit's) active claims on demands still open."""

    queryset = DemandClaim.objects.all()
    serializer_class = OwnClaimSerializer
    ordering_fields = ["claimed_at"]
    lists_own_rows = True  # a subset of the rows in scope: the user's own (tests/test_api_routes.py)

    def get_queryset(self):
        return queries.my_claims(self.request.user)


class NotificationSerializer(serializers.ModelSerializer):
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "link", "is_read", "read_at", "created_at"]
        read_only_fields = fields


class NotificationViewSet(ScopedReadOnlyViewSet):
    """The requesting account's own notifications (anyone else's is 404)."""

    queryset = Notification.objects.all()
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilterSet
    ordering_fields = ["created_at"]
    ordering = ["-created_at", "-id"]

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        row = mark_read(actor=request.user, notification=self.get_object())
        return Response(self.get_serializer(row).data)
