from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError

from pairing.exceptions import StaleVersionError
from pairing.generic_views import add_errors


def error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    if isinstance(exc, (PermissionDenied, StaleVersionError)):
        return getattr(exc, "message", None) or str(exc) or "您没有执行该操作的权限。"
    return str(exc)


# One way to put a service's ValidationError on a form, shared with the directory pages.
add_form_errors = add_errors


def flash_error(request, exc: Exception) -> None:
    messages.error(request, error_text(exc))
