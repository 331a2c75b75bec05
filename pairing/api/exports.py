"""/api/v1/exports/: POST {"kind", "params"} asks for an export; GET follows its status and, once
done, gives the download link (the file itself is served by the page route, scoped to its owner)."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from pairing.core.api.base import ScopedQuerysetMixin
from pairing.models import Export
from pairing.services import exports as export_service


class ExportSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Export
        fields = ["id", "kind", "params", "status", "progress", "rows", "error", "created_at", "expires_at"]
        fields += ["download_url"]
        read_only_fields = [f for f in fields if f not in ("kind", "params")]

    def get_download_url(self, export) -> str | None:
        if not export.is_downloadable:
            return None
        request = self.context.get("request")
        url = export.download_url()
        return request.build_absolute_uri(url) if request else url


class ExportRequestSerializer(serializers.Serializer):
    kind = serializers.CharField(max_length=40, label="导出类型")
    params = serializers.DictField(required=False, default=dict, label="参数")


class ExportViewSet(
    ScopedQuerysetMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Export.objects.all()
    serializer_class = ExportSerializer

    @extend_schema(request=ExportRequestSerializer, responses={202: ExportSerializer})
    def create(self, request, *args, **kwargs):
        payload = ExportRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        export = export_service.request_export(
            actor=request.user, kind=payload.validated_data["kind"], params=payload.validated_data["params"]
        )
        export.refresh_from_db()  # an inline or eager build has already finished
        return Response(self.get_serializer(export).data, status=status.HTTP_202_ACCEPTED)
