"""Optimistic concurrency (SECURITY.md 11): rows that people edit at the same time carry a
`version`; a write names the version it was based on and loses (409) if someone else wrote first.

The check is a conditional UPDATE, so it holds across processes without locks.
"""

from django.db import models

from pairing.exceptions import StaleVersionError


class VersionedModel(models.Model):
    version = models.PositiveIntegerField("版本", default=1, editable=False)

    class Meta:
        abstract = True


def claim_version(obj: VersionedModel, expected_version: int | None, **updates) -> None:
    """Write `updates` to `obj` only if its stored version is still `expected_version`.

    `expected_version=None` means the caller did not say (internal jobs): the current in-memory
    version is used. On success `obj` carries the new values and version; on a stale version
    StaleVersionError is raised and nothing is written.
    """
    expected = obj.version if expected_version is None else int(expected_version)
    model = type(obj)
    changed = model._base_manager.filter(pk=obj.pk, version=expected).update(version=models.F("version") + 1, **updates)
    if changed != 1:
        raise StaleVersionError()
    for name, value in updates.items():
        setattr(obj, name, value)
    obj.version = expected + 1
