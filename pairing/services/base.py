"""The one wrapper every service uses: a transaction per call, and refusals that are audited.

A refusal (PermissionDenied, or Http404 for a row outside the actor's scope) rolls the
transaction back; an audit record written inside it would vanish with it. So the wrapper writes
the "denied" record after the rollback (SECURITY.md 12). A service nested in another service
leaves the record to the outermost call, whose record is the one that survives.
"""

import functools
from contextvars import ContextVar

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.http import Http404

from .. import audit
from ..choices import AuditResult

_depth: ContextVar[int] = ContextVar("service_depth", default=0)


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
        token = _depth.set(_depth.get() + 1)
        try:
            return atomic(*args, **kwargs)
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

    return wrapper
