"""The one wrapper every service uses: a transaction per call, and refusals that are audited.

A refusal (PermissionDenied, or Http404 for a row outside the actor's scope) rolls the
transaction back; an audit record written inside it would vanish with it. So the wrapper writes
the "denied" record after the rollback (SECURITY.md 12). A service nested in another service
leaves the record to the outermost call, whose record is the one that survives.

Files written to storage do not roll back with the database. A service that writes one registers
its removal with `on_rollback()`; if the outermost service call fails (a later refusal, a failed
commit), the wrapper runs those callbacks after the rollback, so a failed change leaves no file.
"""

import functools
import logging
from contextvars import ContextVar

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.http import Http404

from pairing.choices import AuditResult
from pairing.core import audit

logger = logging.getLogger(__name__)

_depth: ContextVar[int] = ContextVar("service_depth", default=0)
_rollback_callbacks: ContextVar[list | None] = ContextVar("service_rollback_callbacks", default=None)


def on_rollback(callback) -> None:
    """Run `callback` (no arguments) if the outermost service call this runs in fails."""
    callbacks = _rollback_callbacks.get()
    if callbacks is None:
        raise RuntimeError("on_rollback() only works inside a @service call.")
    callbacks.append(callback)


def _undo(callbacks: list) -> None:
    for callback in reversed(callbacks):
        try:
            callback()
        except Exception:  # one failed clean-up must not hide the original error
            logger.exception("Clean-up after a failed service call failed")


class Denied(PermissionDenied):
    """A refusal that names the object it concerns, for the audit record."""

    def __init__(self, message: str, *, obj: models.Model | None = None, object_type: str = ""):
        super().__init__(message)
        self.obj = obj
        self.object_type = object_type


def _target(exc, kwargs) -> tuple[models.Model | None, str]:
    obj = getattr(exc, "obj", None)
    if obj is None:
        obj = next((value for value in kwargs.values() if isinstance(value, models.Model) and value.pk), None)
        # The actor is a model instance too; it is never the target.
        if obj is not None and obj is kwargs.get("actor"):
            obj = next((v for k, v in kwargs.items() if k != "actor" and isinstance(v, models.Model) and v.pk), None)
    object_type = getattr(exc, "object_type", "") or (obj._meta.label_lower if obj is not None else "")
    return (obj if obj is not None and obj.pk is not None else None), object_type


def service(function):
    """Run `function` in one transaction; audit a refusal after the rollback, then re-raise it."""
    atomic = transaction.atomic(function)

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        outermost = _depth.get() == 0
        token = _depth.set(_depth.get() + 1)
        callbacks_token = _rollback_callbacks.set([]) if outermost else None
        try:
            try:
                return atomic(*args, **kwargs)
            except BaseException:
                if outermost:
                    _undo(_rollback_callbacks.get())
                raise
        except (PermissionDenied, Http404) as exc:
            actor = kwargs.get("actor")
            if actor is not None and _depth.get() == 1:
                obj, object_type = _target(exc, kwargs)
                audit.record(
                    action="denied",
                    actor=actor,
                    obj=obj,
                    object_type=object_type,
                    result=AuditResult.DENIED,
                    message=f"{function.__name__}：{exc or '不在管理范围内'}",
                )
            raise
        finally:
            _depth.reset(token)
            if callbacks_token is not None:
                _rollback_callbacks.reset(callbacks_token)

    return wrapper
