"""Evidence photos: images only (by content), size-capped, random names, thumbnails, scoped."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from ledgers.models import ActivityPhoto
from ledgers.services import add_photo

from .helpers import fake_image_upload, png_upload, record, today

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


# -- the page and the API share one batch service: a refused batch leaves nothing behind ------


def truncated_jpeg_upload(name="broken.jpg") -> SimpleUploadedFile:
    """A real JPEG cut in half, as a phone on a weak connection sends it: its header passes the
    content check, but it cannot be decoded into a thumbnail."""
    buffer = io.BytesIO()
    Image.effect_noise((640, 480), 64).convert("RGB").save(buffer, format="JPEG", quality=90)
    data = buffer.getvalue()
    return SimpleUploadedFile(name, data[: len(data) // 2], content_type="image/jpeg")


def files_on_disk(settings) -> list:
    root = settings.MEDIA_ROOT
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def _record_form(cast, photos):
    return {
        "kind": "theme",
        "date": today().isoformat(),
        "title": "主题党日",
        "content": "学习",
        "talents": [cast.talent_t.pk],
        "hours": "2",
        "beneficiaries": "3",
        "photos": photos,
    }


def test_the_record_page_keeps_no_file_when_one_photo_of_two_is_refused(cast, client, settings):
    from ledgers.models import ServiceActivity

    client.force_login(cast.dave)
    response = client.post(
        reverse("ledgers:activity_create"), _record_form(cast, [png_upload(), truncated_jpeg_upload()])
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["photos"]
    assert any("第2张照片（broken.jpg）无法读取" in e for e in errors), errors
    assert "第2张照片（broken.jpg）无法读取" in response.content.decode()
    assert not ServiceActivity.objects.exists() and not ActivityPhoto.objects.exists()
    assert files_on_disk(settings) == []


def test_the_record_page_stores_a_good_batch_with_thumbnails(cast, client, settings):
    client.force_login(cast.dave)
    response = client.post(reverse("ledgers:activity_create"), _record_form(cast, [png_upload(), png_upload("b.png")]))
    assert response.status_code == 302
    assert ActivityPhoto.objects.count() == 2
    assert len(files_on_disk(settings)) == 4  # two photos, two thumbnails


def test_adding_photos_on_the_activity_page_is_all_or_nothing(cast, client, activity, settings):
    client.force_login(cast.dave)
    client.post(reverse("ledgers:photo_add", args=[activity.pk]), {"photos": [png_upload(), truncated_jpeg_upload()]})
    assert not ActivityPhoto.objects.exists()
    assert files_on_disk(settings) == []


def test_a_batch_over_the_limit_is_refused_before_any_file_is_written(cast, client, activity, settings):
    from ledgers.services import add_photos
    from ledgers.services.activities import MAX_PHOTOS

    add_photos(actor=cast.dave, activity=activity, uploads=[png_upload() for _ in range(MAX_PHOTOS - 1)])
    before = sorted(files_on_disk(settings))
    with pytest.raises(ValidationError) as exc:
        add_photos(actor=cast.dave, activity=activity, uploads=[png_upload(), png_upload()])
    assert "已有 8 张" in str(exc.value)
    assert ActivityPhoto.objects.count() == MAX_PHOTOS - 1
    assert sorted(files_on_disk(settings)) == before


def test_the_api_refuses_an_undecodable_photo_and_keeps_no_file(cast, activity, api, settings):
    api.force_authenticate(cast.dave)
    response = api.post(
        f"/api/v1/activities/{activity.pk}/photos/", {"photo": truncated_jpeg_upload()}, format="multipart"
    )
    assert response.status_code == 400
    assert "无法读取" in response.json()["errors"]["photo"][0]
    assert files_on_disk(settings) == []


def test_files_written_before_a_failure_are_removed(cast, activity, settings, monkeypatch):
    """The storage fails on the third file (the second photo): the two written are removed again."""
    from django.core.files.storage import default_storage

    from ledgers.services import add_photos

    save, calls = default_storage.save, []

    def failing_save(name, content, **kwargs):
        calls.append(name)
        if len(calls) == 3:
            raise OSError("磁盘已满")
        return save(name, content, **kwargs)

    monkeypatch.setattr(default_storage, "save", failing_save)
    with pytest.raises(OSError):
        add_photos(actor=cast.dave, activity=activity, uploads=[png_upload(), png_upload("b.png")])
    assert len(calls) == 3
    assert not ActivityPhoto.objects.exists()
    assert files_on_disk(settings) == []
