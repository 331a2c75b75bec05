"""Writing the audit trail.

`record()` writes one AuditEvent in the caller's transaction, so a rolled-back change leaves no
record of having happened. The request's IP reaches it through a context variable set by
`AuditContextMiddleware`; services still take their acting user explicitly.
"""

from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal

from django.db import models
from django.db.models.fields.files import FieldFile

from pairing.choices import AuditAction, AuditResult
from pairing.core.local_time import local_iso
from pairing.models import AuditEvent

_request_ip: ContextVar[str | None] = ContextVar("audit_request_ip", default=None)


def client_ip(request) -> str | None:
    # Behind the reverse proxy only the trusted-proxy setting decides (pairing/core/client_ip.py).
    from pairing.core.client_ip import client_ip as resolve

    return resolve(request)


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            _request_ip.reset(token)


def _plain(value):
    if isinstance(value, (datetime, date)):
        return local_iso(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, FieldFile):  # a stored file is recorded by its storage name
        return value.name or ""
    return value


def snapshot(obj: models.Model) -> dict:
    """Concrete field values of `obj`, with personal data masked (SECURITY.md 16)."""
    masks = getattr(type(obj), "masked_fields", {})
    data = {}
    for field in obj._meta.concrete_fields:
        value = getattr(obj, field.attname)
        if field.name in masks:
            value = masks[field.name](value)
        if field.attname in ("password",):
            continue
        data[field.attname] = _plain(value)
    return data


def diff(before: dict | None, after: dict | None) -> dict:
    """{field: [before, after]} for every field that changed."""
    before = before or {}
    after = after or {}
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def record(
    *,
    action: str,
    actor=None,
    obj: models.Model | None = None,
    result: str = AuditResult.SUCCESS,
    changes: dict | None = None,
    message: str = "",
    username: str = "",
    object_type: str = "",
    county_id: int | None = None,
) -> AuditEvent:
    if action not in AuditAction.values:
        # Every code is declared with its label (pairing.choices.AuditAction), so the log reads as Chinese.
        raise ValueError(f"undeclared audit action {action!r}: add it to AuditAction")
    # The county whose auditor reads the record: the actor's; else, for an administrator acting on
    # an account, that account's; else none, which only a city-level auditor reads.
    if county_id is None and actor is not None and getattr(actor, "is_authenticated", False):
        county_id = actor.county_id_in_scope
    if county_id is None and obj is not None and hasattr(obj, "county_id_in_scope"):
        county_id = obj.county_id_in_scope
    return AuditEvent.objects.create(
        user_id=actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None,
        username=(actor.get_username() if actor is not None and actor.is_authenticated else username)[:150],
        county_id=county_id,
        ip=_request_ip.get(),
        action=action,
        object_type=object_type or (obj._meta.label_lower if obj is not None else ""),
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        result=result,
        changes=changes or {},
        message=message,
    )
