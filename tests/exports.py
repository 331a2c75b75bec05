"""Ask for an export as the pages do (POST the export button's fields) and fetch the finished file."""

from django.test import TestCase
from django.urls import reverse

from pairing.choices import ExportStatus
from pairing.models import Export


def half_year_kind(user, params: dict) -> str:
    """The kind the report pages' buttons ask for: a township's workbook, or the county's."""
    return "township_half_year" if params.get("township") or user.township_id else "county_half_year"


def export_response(client, user, kind: str, params: dict):
    """The download response of a finished export, or the refusal (a redirect with no new export).

    The build runs on commit (inline, or the in-process task without REDIS_URL); a test's transaction
    never commits, so the callbacks are run here."""
    client.force_login(user)
    if kind in ("township_half_year", "county_half_year") and user.township_id and "township" not in params:
        params = {**params, "township": user.township_id}
    before = set(Export.objects.filter(owner=user).values_list("pk", flat=True))
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("pairing:export_start"), {"kind": kind, **params})
    new = Export.objects.filter(owner=user).exclude(pk__in=before).first()
    if new is None:
        return response  # refused: back to the export list with the reason
    assert new.status == ExportStatus.DONE, new.error
    return client.get(reverse("pairing:export_download", args=[new.pk]))
