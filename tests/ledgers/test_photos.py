"""Evidence photos: images only (by content), size-capped, random names, thumbnails, scoped."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from ledgers.models import ActivityPhoto
from ledgers.services import add_photo

from .helpers import fake_image_upload, png_upload, record

pytestmark = pytest.mark.django_db


@pytest.fixture
def activity(cast):
    return record(cast.dave, cast.village_a1, talents=[cast.talent_t])


def test_a_renamed_non_image_is_refused(cast, activity, api):
    with pytest.raises(ValidationError) as exc:
        add_photo(actor=cast.dave, activity=activity, upload=fake_image_upload())
    assert "不是有效的图片" in str(exc.value)
    api.force_authenticate(cast.dave)
    response = api.post(f"/api/v1/activities/{activity.pk}/photos/", {"photo": fake_image_upload()}, format="multipart")
    assert response.status_code == 400 and "图片" in response.json()["detail"]
    assert not ActivityPhoto.objects.exists()


def test_an_oversized_upload_is_refused(cast, activity, settings):
    big = SimpleUploadedFile("big.png", b"\x89PNG" + b"0" * (9 * 1024 * 1024), content_type="image/png")
    with pytest.raises(ValidationError) as exc:
        add_photo(actor=cast.dave, activity=activity, upload=big)
    assert "过大" in str(exc.value)


def test_a_real_png_is_stored_under_a_random_name_with_a_thumbnail(cast, activity, api):
    api.force_authenticate(cast.dave)
    response = api.post(
        f"/api/v1/activities/{activity.pk}/photos/", {"photo": png_upload("我的照片.png")}, format="multipart"
    )
    assert response.status_code == 201, response.json()
    photo = ActivityPhoto.objects.get()
    assert photo.image.name.startswith("activity-photos/") and photo.image.name.endswith(".png")
    assert "我的照片" not in photo.image.name
    with photo.thumbnail.open("rb") as handle, Image.open(handle) as thumb:
        assert thumb.format == "JPEG" and max(thumb.size) <= 320
    assert response.json()["thumbnail_url"] == reverse("ledgers:photo", args=[photo.pk, "thumb"])


def test_photos_are_served_through_the_scope_check(cast, activity, client):
    photo = add_photo(actor=cast.dave, activity=activity, upload=png_upload())
    client.force_login(cast.erin)
    response = client.get(reverse("ledgers:photo", args=[photo.pk, "thumb"]))
    assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"
    assert Image.open(io.BytesIO(b"".join(response.streaming_content))).format == "JPEG"
    client.force_login(cast.carol)
    assert client.get(reverse("ledgers:photo", args=[photo.pk, "full"])).status_code == 404


def test_the_record_form_takes_photos_from_the_camera(cast, client):
    client.force_login(cast.dave)
    page = client.get(reverse("ledgers:activity_create")).content.decode()
    assert 'accept="image/*"' in page and "capture" in page and 'type="file"' in page
    response = client.post(
        reverse("ledgers:activity_create"),
        {
            "kind": "theme",
            "date": "2000-01-01",
            "title": "主题党日",
            "content": "学习",
            "talents": [cast.talent_t.pk],
            "hours": "2",
            "beneficiaries": "3",
            "photos": [fake_image_upload()],
        },
    )
    assert response.status_code == 200 and "不是有效的图片" in response.content.decode()
    assert not ActivityPhoto.objects.exists()


def test_an_activity_recorded_with_a_bad_photo_is_not_recorded_at_all(cast):
    """The activity and its photos are one transaction: a refused photo leaves no activity behind."""
    from ledgers.models import ServiceActivity
    from ledgers.services import record_activity

    from .helpers import activity_input

    with pytest.raises(ValidationError):
        record_activity(
            actor=cast.dave,
            village=cast.village_a1,
            data=activity_input(talents=[cast.talent_t]),
            photos=[png_upload(), fake_image_upload()],
        )
    assert not ServiceActivity.objects.exists()
    assert not ActivityPhoto.objects.exists()


def test_a_refused_batch_of_photos_leaves_no_file_on_disk(cast, settings):
    from ledgers.services import record_activity

    from .helpers import activity_input

    with pytest.raises(ValidationError):
        record_activity(
            actor=cast.dave,
            village=cast.village_a1,
            data=activity_input(talents=[cast.talent_t]),
            photos=[png_upload(), fake_image_upload()],
        )
    written = (
        [path for path in settings.MEDIA_ROOT.rglob("*") if path.is_file()] if settings.MEDIA_ROOT.exists() else []
    )
    assert written == []
