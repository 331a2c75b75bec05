from functools import cache

from django.contrib import messages
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied, ValidationError

from pairing.exceptions import StaleVersionError


@cache
def tom_select_available() -> bool:
    """The pages engineer vendors tom-select; without it the picker is a plain multi-select."""
    return bool(finders.find("vendor/tom-select/tom-select.complete.min.js"))


def error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    if isinstance(exc, (PermissionDenied, StaleVersionError)):
        return getattr(exc, "message", None) or str(exc) or "您没有执行该操作的权限。"
    return str(exc)


def add_form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def flash_error(request, exc: Exception) -> None:
    messages.error(request, error_text(exc))
