"""How a page tells a person that a service refused: one Chinese message, on the form or in the
message bar. Services refuse with ValidationError (bad input or wrong state), PermissionDenied
(role; audited) or StaleVersionError (someone changed the row meanwhile)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError

from ..exceptions import StaleVersionError

REFUSALS = (ValidationError, PermissionDenied, StaleVersionError)
NOT_PERMITTED = "您没有执行该操作的权限。"


def refusal_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    return getattr(exc, "message", None) or str(exc) or NOT_PERMITTED


def flash_refusal(request, exc: Exception) -> None:
    messages.error(request, refusal_text(exc))


def attempt(request, call, success: str):
    """Run a service call; on success say `success`, on a refusal say why. Returns the call's result
    (True for a call that returns nothing, such as a delete), or None when it was refused."""
    try:
        result = call()
    except REFUSALS as exc:
        flash_refusal(request, exc)
        return None
    messages.success(request, success)
    return True if result is None else result


def add_errors(form, exc: Exception) -> None:
    """Put a service's refusal on the form: field errors by field name, the rest on top."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    elif isinstance(exc, ValidationError):
        form.add_error(None, exc.messages)
    else:
        form.add_error(None, refusal_text(exc))
