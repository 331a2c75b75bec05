"""API for three lists and one agreement: /api/v1/agreements/ and the flat item endpoints
agreement-resources/, agreement-demands/, agreement-projects/.

Reads are scoped by the base viewsets. Every write goes through pairing/services/agreements.py,
which checks role, scope, state and version; so these classes need no permission of their own
beyond being signed in. Actions take the `version` the client last saw and answer 409 if it is
stale; item writes may send `agreement_version` for the same check.
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from pairing.core.api.base import ActionsField, ScopedModelSerializer, ScopedReadOnlyViewSet, ScopedRelatedField
from pairing.core.filtering import parse_id

from ..choices import DemandItemStatus, ProjectStatus
from ..filtersets import (
    AgreementDemandItemFilterSet,
    AgreementFilterSet,
    AgreementProjectItemFilterSet,
    AgreementResourceItemFilterSet,
)
from ..models import (
    Agreement,
    AgreementDemandItem,
    AgreementProjectItem,
    AgreementResourceItem,
    AgreementRevision,
    Pairing,
)
from ..services import agreements as agreement_service
from ..views.agreements import scan_response

DETAIL_PREFETCH = ("resources", "demands", "projects__demands", "projects__resources", "transitions", "revisions")


# --- items ------------------------------------------------------------------------------------


class ItemSerializer(ScopedModelSerializer):
    """An item of one list. `agreement` is fixed once created; `agreement_version` guards writes."""

    agreement_version = serializers.IntegerField(write_only=True, required=False, min_value=1)

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            fields["agreement"].read_only = True
        return fields


class ResourceItemSerializer(ItemSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = AgreementResourceItem
        fields = ["id", "agreement", "agreement_version", "kind", "kind_display", "description", "amount"]
        fields += ["unit_of_measure"]


class DemandItemSerializer(ItemSerializer):
    category_display = serializers.CharField(source="get_category_display", read_only=True)

    class Meta:
        model = AgreementDemandItem
        fields = ["id", "agreement", "agreement_version", "category", "category_display", "description"]
        fields += ["priority", "expected_by", "status"]


class ProjectItemSerializer(ItemSerializer):
    demands = ScopedRelatedField(queryset=AgreementDemandItem.objects.all(), many=True, required=False)
    resources = ScopedRelatedField(queryset=AgreementResourceItem.objects.all(), many=True, required=False)

    class Meta:
        model = AgreementProjectItem
        fields = ["id", "agreement", "agreement_version", "name", "content", "demands", "resources"]
        fields += ["planned_investment", "unit_owner", "village_owner", "start_date", "end_date"]
        fields += ["progress", "status", "outcome"]


class ProjectTrackSerializer(serializers.Serializer):
    progress = serializers.IntegerField(min_value=0, max_value=100)
    status = serializers.ChoiceField(choices=ProjectStatus.choices)
    outcome = serializers.CharField(required=False, allow_blank=True, default="")
    agreement_version = serializers.IntegerField(required=False, min_value=1)


class DemandTrackSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=DemandItemStatus.choices)
    agreement_version = serializers.IntegerField(required=False, min_value=1)


class ItemViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin, ScopedReadOnlyViewSet):
    http_method_names = ["get", "post", "patch", "put", "delete", "head", "options"]

    def _save(self, serializer, item):
        data = dict(serializer.validated_data)
        version = data.pop("agreement_version", None)
        links = {name: data.pop(name) for name in ("demands", "resources") if name in data}
        for name, value in data.items():
            setattr(item, name, value)
        serializer.instance = agreement_service.save_item(
            actor=self.request.user, item=item, expected_version=version, **links
        )

    def perform_create(self, serializer):
        self._save(serializer, self.get_queryset().model())

    def perform_update(self, serializer):
        self._save(serializer, serializer.instance)

    @extend_schema(parameters=[OpenApiParameter("agreement_version", int, description="协议版本（可选）")])
    def destroy(self, request, *args, **kwargs):
        item = self.get_object()
        version = request.query_params.get("agreement_version")
        if version is not None:
            version = parse_id(version)
            if version is None:
                raise serializers.ValidationError({"agreement_version": ["应为正整数。"]})
        agreement_service.delete_item(actor=request.user, item=item, expected_version=version)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AgreementResourceItemViewSet(ItemViewSet):
    queryset = AgreementResourceItem.objects.all()
    serializer_class = ResourceItemSerializer
    filterset_class = AgreementResourceItemFilterSet
    ordering_fields = ["id", "kind"]


class AgreementDemandItemViewSet(ItemViewSet):
    queryset = AgreementDemandItem.objects.all()
    serializer_class = DemandItemSerializer
    filterset_class = AgreementDemandItemFilterSet
    ordering_fields = ["id", "category", "priority", "expected_by"]

    @extend_schema(request=DemandTrackSerializer, responses=DemandItemSerializer)
    @action(detail=True, methods=["post"])
    def track(self, request, pk=None):
        """Mark a demand of a signed agreement resolved or open (no amendment needed)."""
        form = DemandTrackSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        item = agreement_service.track_demand(
            actor=request.user,
            item=self.get_object(),
            status=form.validated_data["status"],
            expected_version=form.validated_data.get("agreement_version"),
        )
        return Response(DemandItemSerializer(item, context=self.get_serializer_context()).data)


class AgreementProjectItemViewSet(ItemViewSet):
    queryset = AgreementProjectItem.objects.prefetch_related("demands", "resources")
    serializer_class = ProjectItemSerializer
    filterset_class = AgreementProjectItemFilterSet
    ordering_fields = ["id", "start_date", "end_date", "progress", "status"]

    @extend_schema(request=ProjectTrackSerializer, responses=ProjectItemSerializer)
    @action(detail=True, methods=["post"])
    def track(self, request, pk=None):
        """Update a signed project's progress, status and outcome (no amendment needed)."""
        form = ProjectTrackSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        item = agreement_service.track_project(
            actor=request.user,
            item=self.get_object(),
            progress=data["progress"],
            status=data["status"],
            outcome=data["outcome"],
            expected_version=data.get("agreement_version"),
        )
        return Response(ProjectItemSerializer(item, context=self.get_serializer_context()).data)


# --- agreements -------------------------------------------------------------------------------


class AgreementSerializer(ScopedModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    unit = serializers.IntegerField(source="pairing.unit_id", read_only=True)
    unit_name = serializers.CharField(source="pairing.unit.name", read_only=True)
    village = serializers.IntegerField(source="pairing.village_id", read_only=True)
    village_name = serializers.CharField(source="pairing.village.name", read_only=True)
    township = serializers.IntegerField(source="pairing.village.township_id", read_only=True)
    township_name = serializers.CharField(source="pairing.village.township.name", read_only=True)
    has_scan = serializers.SerializerMethodField()
    actions = ActionsField(agreement_service.WORKFLOW)

    class Meta:
        model = Agreement
        fields = ["id", "pairing", "year", "status", "status_display", "version", "amendment_no"]
        fields += ["unit", "unit_name", "village", "village_name", "township", "township_name"]
        fields += ["unit_signatory", "village_signatory", "signed_on", "has_scan", "carried_from", "updated_at"]
        fields += ["actions"]
        read_only_fields = fields

    def get_has_scan(self, obj) -> bool:
        return bool(obj.scan)


class TransitionSerializer(serializers.Serializer):
    action = serializers.CharField()
    action_display = serializers.CharField(source="get_action_display")
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    actor_name = serializers.CharField()
    created_at = serializers.DateTimeField()
    amendment_no = serializers.IntegerField()
    reason = serializers.CharField()


class AgreementDetailSerializer(AgreementSerializer):
    resources = ResourceItemSerializer(many=True, read_only=True)
    demands = DemandItemSerializer(many=True, read_only=True)
    projects = ProjectItemSerializer(many=True, read_only=True)
    transitions = TransitionSerializer(many=True, read_only=True)
    revisions = serializers.SerializerMethodField()

    class Meta(AgreementSerializer.Meta):
        fields = [*AgreementSerializer.Meta.fields, "terms", "resources", "demands", "projects"]
        fields += ["transitions", "revisions"]
        read_only_fields = fields

    def get_revisions(self, obj) -> list[dict]:
        return [{"amendment_no": r.amendment_no, "created_at": r.created_at} for r in obj.revisions.all()]


class AgreementCreateSerializer(serializers.Serializer):
    pairing = ScopedRelatedField(queryset=Pairing.objects.all())
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    terms = serializers.CharField(required=False, allow_blank=True, default="")


class TermsSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)
    terms = serializers.CharField(allow_blank=True)


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, help_text="客户端看到的协议版本；已被他人修改时返回 409")


class ReasonSerializer(VersionSerializer):
    reason = serializers.CharField(max_length=500, allow_blank=True)


class CloseSerializer(VersionSerializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class SignSerializer(VersionSerializer):
    signed_on = serializers.DateField()
    scan = serializers.FileField(help_text="双方签字盖章后的协议扫描件：PDF 或图片")
    unit_signatory = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    village_signatory = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")


class CarryOverSerializer(serializers.Serializer):
    copy_projects = serializers.BooleanField(default=True)
    copy_demands = serializers.BooleanField(default=True)


class RevisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = AgreementRevision
        fields = ["amendment_no", "created_at", "document"]


class AgreementViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """Agreements in the user's scope; create a draft, change its terms, and move it on."""

    queryset = Agreement.objects.select_related("pairing__unit", "pairing__village__township")
    serializer_class = AgreementSerializer
    filterset_class = AgreementFilterSet
    ordering_fields = ["year", "status", "updated_at", "pairing__village__code"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        queryset = super().get_queryset()
        return queryset.prefetch_related(*DETAIL_PREFETCH) if self.action == "retrieve" else queryset

    def get_serializer_class(self):
        return AgreementDetailSerializer if self.action == "retrieve" else AgreementSerializer

    def _respond(self, agreement, code=status.HTTP_200_OK):
        """The agreement as it now stands, read back through the user's scope."""
        fresh = super().get_queryset().visible_to(self.request.user).prefetch_related(*DETAIL_PREFETCH)
        data = AgreementDetailSerializer(fresh.get(pk=agreement.pk), context=self.get_serializer_context()).data
        return Response(data, status=code)

    def _form(self, serializer_class):
        form = serializer_class(data=self.request.data, context=self.get_serializer_context())
        form.is_valid(raise_exception=True)
        return form.validated_data

    @extend_schema(request=AgreementCreateSerializer, responses={201: AgreementDetailSerializer})
    def create(self, request, *args, **kwargs):
        data = self._form(AgreementCreateSerializer)
        agreement = agreement_service.create_agreement(
            actor=request.user, pairing=data["pairing"], year=data["year"], terms=data["terms"]
        )
        return self._respond(agreement, status.HTTP_201_CREATED)

    @extend_schema(request=TermsSerializer, responses=AgreementDetailSerializer)
    @action(detail=True, methods=["post"])
    def terms(self, request, pk=None):
        """Change the terms of a draft."""
        data = self._form(TermsSerializer)
        agreement = agreement_service.update_terms(
            actor=request.user, agreement=self.get_object(), terms=data["terms"], expected_version=data["version"]
        )
        return self._respond(agreement)

    @extend_schema(request=VersionSerializer, responses=AgreementDetailSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """The village secretary submits the draft to the unit."""
        data = self._form(VersionSerializer)
        return self._respond(
            agreement_service.submit(actor=request.user, agreement=self.get_object(), expected_version=data["version"])
        )

    @extend_schema(request=VersionSerializer, responses=AgreementDetailSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """The unit liaison confirms a submitted agreement."""
        data = self._form(VersionSerializer)
        return self._respond(
            agreement_service.confirm(actor=request.user, agreement=self.get_object(), expected_version=data["version"])
        )

    @extend_schema(request=ReasonSerializer, responses=AgreementDetailSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Send a submitted or confirmed agreement back to draft with a reason."""
        data = self._form(ReasonSerializer)
        agreement = agreement_service.reject(
            actor=request.user, agreement=self.get_object(), reason=data["reason"], expected_version=data["version"]
        )
        return self._respond(agreement)

    @extend_schema(request={"multipart/form-data": SignSerializer}, responses=AgreementDetailSerializer)
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        """Record the signing: date, both signatories and the scanned signed copy (multipart)."""
        data = self._form(SignSerializer)
        agreement = agreement_service.sign(
            actor=request.user,
            agreement=self.get_object(),
            expected_version=data["version"],
            signed_on=data["signed_on"],
            scan=data["scan"],
            unit_signatory=data["unit_signatory"],
            village_signatory=data["village_signatory"],
        )
        return self._respond(agreement)

    @extend_schema(request=ReasonSerializer, responses=AgreementDetailSerializer)
    @action(detail=True, methods=["post"])
    def amend(self, request, pk=None):
        """Open a signed agreement for change as its next version (the signed one stays readable)."""
        data = self._form(ReasonSerializer)
        agreement = agreement_service.amend(
            actor=request.user, agreement=self.get_object(), reason=data["reason"], expected_version=data["version"]
        )
        return self._respond(agreement)

    @extend_schema(request=CloseSerializer, responses=AgreementDetailSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close a signed agreement at year end (county admin)."""
        data = self._form(CloseSerializer)
        agreement = agreement_service.close(
            actor=request.user, agreement=self.get_object(), reason=data["reason"], expected_version=data["version"]
        )
        return self._respond(agreement)

    @extend_schema(request=CarryOverSerializer, responses={201: AgreementDetailSerializer})
    @action(detail=True, methods=["post"], url_path="carry-over")
    def carry_over(self, request, pk=None):
        """Start next year's draft with this year's unfinished projects and open demands."""
        data = self._form(CarryOverSerializer)
        agreement = agreement_service.carry_over(actor=request.user, agreement=self.get_object(), **data)
        return self._respond(agreement, status.HTTP_201_CREATED)

    @extend_schema(responses=RevisionSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def revisions(self, request, pk=None):
        """Every signed version, frozen as it was signed."""
        agreement = self.get_object()
        return Response(RevisionSerializer(agreement.revisions.all(), many=True).data)

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    @action(detail=True, methods=["get"])
    def scan(self, request, pk=None):
        """Download the signed copy of the current version."""
        agreement = self.get_object()
        if not agreement.scan:
            raise NotFound("该协议尚未上传签署扫描件。")
        return scan_response(agreement.scan.storage, agreement.scan.name)
