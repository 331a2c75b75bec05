"""JSON errors a person can read: {"detail": "...", "errors": {field: [...]}} (ARCHITECTURE.md)."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from pairing.exceptions import StaleVersionError

NOT_FOUND = "未找到该记录，或它不在您的管理范围内。"
# DRF's parsers put the parser's own English error in the message ("JSON parse error - Expecting
# value: line 1 column 2"): useful in a log, meaningless to a person.
UNPARSEABLE = "提交的内容无法解析，请以正确的 JSON（或表单）格式提交。"


def _django_validation_to_drf(exc: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(exc, "error_dict"):
        return exceptions.ValidationError(
            {("non_field_errors" if k == "__all__" else k): v for k, v in exc.message_dict.items()}
        )
    return exceptions.ValidationError({"non_field_errors": exc.messages})


def _first_message(data) -> str:
    if isinstance(data, dict):
        for value in data.values():
            found = _first_message(value)
            if found:
                return found
    elif isinstance(data, list):
        for value in data:
            found = _first_message(value)
            if found:
                return found
    elif data:
        return str(data)
    return ""


def portal_exception_handler(exc, context):
    if isinstance(exc, StaleVersionError):
        return Response({"detail": exc.message}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        exc = _django_validation_to_drf(exc)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(NOT_FOUND)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or "您没有执行该操作的权限。")
    elif isinstance(exc, exceptions.ParseError):
        exc = exceptions.ParseError(UNPARSEABLE)
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = response.data if isinstance(response.data, dict) else {"non_field_errors": response.data}
        response.data = {"detail": f"提交的数据有误：{_first_message(errors)}", "errors": errors}
    elif isinstance(exc, exceptions.NotFound) and str(exc.detail) == str(exceptions.NotFound.default_detail):
        # A bare "not found" (a row out of scope or missing) says so in full; a specific one
        # (an invalid page number) keeps its own words.
        response.data = {"detail": NOT_FOUND}
    return response
