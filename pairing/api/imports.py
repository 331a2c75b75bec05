"""/api/v1/imports/<kind>/: POST a roster file (multipart `file`, `dry_run` true or false).

The answer lists every bad cell by row, column and a Chinese reason; nothing is written when a
row is bad or when it is a dry run. `rejected_url` downloads the refused rows with their reasons.
"""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from pairing.services import imports as import_service


class ImportRequestSerializer(serializers.Serializer):
    file = serializers.FileField(label="花名册文件（.xlsx）")
    dry_run = serializers.BooleanField(default=True, label="只检查不导入")


class ImportView(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(request=ImportRequestSerializer, responses={200: dict})
    def post(self, request, kind):
        payload = ImportRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        upload, dry = payload.validated_data["file"], payload.validated_data["dry_run"]
        try:
            if dry:
                result = import_service.dry_run(actor=request.user, kind=kind, upload=upload)
            else:
                result = import_service.commit_import(actor=request.user, kind=kind, upload=upload)
        except ValidationError as exc:
            raise serializers.ValidationError({"file": exc.messages}) from None
        rejected = import_service.save_rejected(actor=request.user, result=result) if result.errors else None
        return Response(
            {
                "kind": kind,
                "rows": result.rows,
                "created": result.created,
                "updated": result.updated,
                "committed": result.committed,
                "errors": [
                    {"row": e.row, "column": e.column, "header": e.header, "message": e.message} for e in result.errors
                ],
                "rejected_url": request.build_absolute_uri(rejected.download_url()) if rejected else None,
            }
        )
