"""Ledger API: activities (with photo upload, confirm/, reject/) and ledger-months (submit/,
confirm/, reopen/, lock/). Scoping comes from the base viewsets; every change calls a service."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from pairing.core.api.base import ScopedReadOnlyViewSet, ScopedWorkflowViewSet
from pairing.models import Village

from .. import services
from ..filtersets import LedgerMonthFilterSet, ServiceActivityFilterSet
from ..ledger import attach_totals
from ..models import LedgerMonth, ServiceActivity
from . import serializers as s


class ServiceActivityViewSet(ScopedWorkflowViewSet):
    queryset = ServiceActivity.objects.select_related("village", "recorded_by", "reviewed_by").prefetch_related(
        "participants__talent", "participants__unit", "photos"
    )
    serializer_class = s.ServiceActivitySerializer
    filterset_class = ServiceActivityFilterSet
    ordering_fields = ["date", "recorded_at", "beneficiaries", "kind", "status"]
    ordering = ["-date", "-id"]

    def perform_create(self, serializer):
        serializer.instance = services.record_activity(
            actor=self.request.user, village=serializer.validated_data["village"], data=serializer.activity_input()
        )

    def perform_update(self, serializer):
        serializer.instance = services.update_activity(
            actor=self.request.user, activity=serializer.instance, data=serializer.activity_input()
        )

    def perform_destroy(self, instance):
        services.delete_activity(actor=self.request.user, activity=instance)

    def _fresh(self, pk):
        return self.get_queryset().get(pk=pk)

    @extend_schema(request=s.PhotoUploadSerializer, responses={201: s.PhotoSerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def photos(self, request, pk=None):
        """Upload one evidence photo (multipart field `photo`): images only, checked by content.
        The same batch service as the record-activity page (a batch of one)."""
        activity = self.get_object()
        form = s.PhotoUploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        (photo,) = services.add_photos(
            actor=request.user, activity=activity, uploads=[form.validated_data["photo"]], field="photo"
        )
        return Response(s.PhotoSerializer(photo).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.ServiceActivitySerializer)
    @action(detail=True, methods=["post"], parser_classes=[JSONParser, FormParser])
    def confirm(self, request, pk=None):
        activity = services.confirm_activity(actor=request.user, activity=self.get_object())
        return Response(self.get_serializer(self._fresh(activity.pk)).data)

    @extend_schema(request=s.ActivityRejectSerializer, responses=s.ServiceActivitySerializer)
    @action(detail=True, methods=["post"], parser_classes=[JSONParser, FormParser])
    def reject(self, request, pk=None):
        form = s.ActivityRejectSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        activity = services.reject_activity(
            actor=request.user, activity=self.get_object(), reason=form.validated_data["reason"]
        )
        return Response(self.get_serializer(self._fresh(activity.pk)).data)


class LedgerMonthViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """Month rows. POST opens (or returns) a village's month; transitions carry `version`."""

    queryset = LedgerMonth.objects.select_related("village__township", "submitted_by", "confirmed_by", "reopened_by")
    serializer_class = s.LedgerMonthSerializer
    filterset_class = LedgerMonthFilterSet
    ordering_fields = ["month", "status", "village__code"]
    ordering = ["-month", "village__code"]

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return attach_totals(page) if page is not None else None

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        village: Village = serializer.validated_data["village"]
        row = services.ensure_month(actor=request.user, village=village, month=serializer.validated_data["month"])
        return Response(self.get_serializer(self._fresh(row.pk)).data, status=status.HTTP_201_CREATED)

    def _fresh(self, pk):
        return attach_totals([get_object_or_404(self.get_queryset(), pk=pk)])[0]

    def retrieve(self, request, *args, **kwargs):
        return Response(self.get_serializer(attach_totals([self.get_object()])[0]).data)

    def _transition(self, request, service, serializer_class=s.MonthVersionSerializer):
        form = serializer_class(data=request.data)
        form.is_valid(raise_exception=True)
        row = service(actor=request.user, ledger_month=self.get_object(), **form.validated_data)
        return Response(self.get_serializer(self._fresh(row.pk)).data)

    @extend_schema(request=s.MonthVersionSerializer, responses=s.LedgerMonthSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._transition(request, services.submit_month)

    @extend_schema(request=s.MonthVersionSerializer, responses=s.LedgerMonthSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        return self._transition(request, services.confirm_month)

    @extend_schema(request=s.MonthReopenSerializer, responses=s.LedgerMonthSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return self._transition(request, services.reopen_month, s.MonthReopenSerializer)

    @extend_schema(request=s.MonthVersionSerializer, responses=s.LedgerMonthSerializer)
    @action(detail=True, methods=["post"])
    def lock(self, request, pk=None):
        return self._transition(request, services.lock_month)
