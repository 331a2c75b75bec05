"""Small builders for ledger tests, on top of the fixed cast."""

import datetime
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from ledgers.choices import ActivityKind
from ledgers.periods import month_start
from ledgers.services import ParticipantInput, record_activity
from ledgers.services.activities import ActivityInput


def today() -> datetime.date:
    return timezone.localdate()


def last_month_day() -> datetime.date:
    """The 15th of the previous month: always in the past, always a different month."""
    return (month_start(today()) - datetime.timedelta(days=1)).replace(day=15)


def activity_input(*, day=None, talents=(), units=(), hours="2", title="入户走访", **extra) -> ActivityInput:
    participants = tuple(ParticipantInput(talent=t, hours=Decimal(hours)) for t in talents) + tuple(
        ParticipantInput(unit=u, hours=Decimal(hours)) for u in units
    )
    return ActivityInput(
        date=day or today(),
        kind=extra.pop("kind", ActivityKind.VISIT),
        title=title,
        content=extra.pop("content", "走访困难户，了解生产生活需求"),
        location=extra.pop("location", "村部"),
        beneficiaries=extra.pop("beneficiaries", 5),
        participants=participants,
    )


def record(actor, village, **kwargs):
    return record_activity(actor=actor, village=village, data=activity_input(**kwargs))


def png_bytes(size=(640, 480), color=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def png_upload(name="photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def fake_image_upload(name="photo.jpg") -> SimpleUploadedFile:
    """A text file renamed to .jpg, claiming to be an image."""
    return SimpleUploadedFile(name, b"<html><script>alert(1)</script></html>", content_type="image/jpeg")


def api_payload(village, *, talents=(), units=(), day=None, hours="2", **extra) -> dict:
    return {
        "village": village.pk,
        "date": (day or today()).isoformat(),
        "kind": extra.get("kind", ActivityKind.MICRO_SERVICE),
        "title": extra.get("title", "义诊服务"),
        "content": extra.get("content", "为村内老人测量血压"),
        "location": extra.get("location", "村卫生室"),
        "beneficiaries": extra.get("beneficiaries", 12),
        "participants": [{"talent": t.pk, "hours": hours} for t in talents]
        + [{"unit": u.pk, "hours": hours} for u in units],
    }


def served_in(talent, village, month, activities=1):
    """A month of confirmed service written straight into the rollup (as the activity services keep
    it: the month row and the talent's year of months)."""
    import datetime

    from ledgers.models import TalentServiceMonth
    from ledgers.services.service_months import refresh_service_years

    month = datetime.date.fromisoformat(month) if isinstance(month, str) else month
    row = TalentServiceMonth.objects.create(talent=talent, village=village, month=month, activities=activities)
    refresh_service_years([talent.pk], month.year)
    return row
