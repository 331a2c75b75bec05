"""Checks shared by the ledger services: role, scope and the month-is-open rule."""

import datetime

from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import Http404

from pairing.core.services import Denied as SharedDenied
from pairing.core.services import service

from ..models import LedgerMonth
from ..periods import month_label, month_start

OUT_OF_SCOPE = "不能在您的管理范围之外新增或修改数据。"


class Denied(SharedDenied):
    """A refused change naming its object; the shared service wrapper audits it after the rollback."""

    def __init__(self, message: str, *, actor=None, obj=None, object_type: str = ""):
        super().__init__(message, obj=obj, object_type=object_type)


def deny(actor, message: str, obj=None, object_type: str = "") -> Denied:
    return Denied(message, actor=actor, obj=obj, object_type=object_type)


# One transaction per service; a refusal is audited outside it (pairing.core.services).
ledger_service = service


def require_visible(actor, obj) -> None:
    """Out of scope is 404 (its existence is not disclosed)."""
    if not type(obj).objects.visible_to(actor).filter(pk=obj.pk).exists():
        raise Http404


def open_month_for_update(village, day: datetime.date) -> LedgerMonth:
    """The month row of `day`, created if missing and row-locked, refusing unless it is open.

    The row lock (PostgreSQL; SQLite serialises writers anyway) orders an activity write and a
    concurrent submit: whichever comes second sees the other's result.
    """
    first = month_start(day)
    month, _ = LedgerMonth.objects.get_or_create(village=village, month=first)
    month = LedgerMonth.objects.select_for_update().get(pk=month.pk)
    if not month.accepts_changes:
        raise ValidationError(
            f"{village.name}{month_label(first)}的台账{month.get_status_display()}，不能新增、修改或删除该月的活动；"
            f"如需更正，请联系{month.reopener}退回该月台账。",
            code="month_closed",
        )
    return month


def touch_month(month: LedgerMonth) -> None:
    """A change to a month's activities bumps its version, so a submit based on an older view is stale."""
    LedgerMonth.objects.filter(pk=month.pk).update(version=F("version") + 1)
