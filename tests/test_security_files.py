"""Uploaded files (SECURITY.md 19): photos re-encoded (no EXIF/GPS, no appended payload, upright),
a pixel cap, PDF scans with active content refused, files served as downloads in a sandbox."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from ledgers.models import ActivityPhoto
from ledgers.services import add_photo
from pairing.core.uploads import MAX_IMAGE_PIXELS, validate_image_upload, validate_scan_upload
from tests.ledgers.helpers import record

GPS_TAG, ORIENTATION_TAG = 0x8825, 0x0112
PAYLOAD = b"PK\x03\x04<script>alert(1)</script>"


def jpeg_with_exif_and_payload() -> bytes:
    image = Image.new("RGB", (40, 20), "red")
    image.putpixel((0, 0), (0, 0, 255))
    exif = Image.Exif()
    exif[ORIENTATION_TAG] = 6  # rotate 90° clockwise when shown
    exif[0x010F] = "CameraMaker"
    exif[GPS_TAG] = {2: (30.0, 15.0, 0.0), 4: (120.0, 10.0, 0.0)}
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif.tobytes())
    return buffer.getvalue() + PAYLOAD


@pytest.mark.django_db
def test_security_19_photos_are_reencoded_without_exif_gps_or_payload_and_kept_upright(cast):
    activity = record(cast.dave, cast.village_a1, talents=[cast.talent_t])
    upload = SimpleUploadedFile("p.jpg", jpeg_with_exif_and_payload(), content_type="image/jpeg")
    add_photo(actor=cast.dave, activity=activity, upload=upload)
    with ActivityPhoto.objects.get().image.open("rb") as handle:
        stored = handle.read()
    assert PAYLOAD not in stored and b"CameraMaker" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert not image.getexif().get(GPS_TAG) and ORIENTATION_TAG not in image.getexif()
        assert image.size == (20, 40)  # the rotation is in the pixels now


def test_security_19_an_image_above_the_pixel_cap_is_refused():
    side = int(MAX_IMAGE_PIXELS**0.5) + 10
    buffer = io.BytesIO()
    Image.new("L", (side, side)).save(buffer, format="PNG")
    with pytest.raises(ValidationError, match="不是有效的图片"):
        validate_image_upload(SimpleUploadedFile("big.png", buffer.getvalue()))


PDF_HEAD = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R"
PDF_TAIL = b">>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.mark.parametrize(
    "extra",
    [
        b"/OpenAction<</S/JavaScript/JS(app.alert(1))>>",
        b"/Names<</EmbeddedFiles 3 0 R>>",
        b"/OpenAction<</S/Launch/F(cmd.exe)>>",
        b"/OpenAction<</S/J#61vaScript/JS(x)>>",  # a #xx escape in the name
    ],
)
def test_security_19_a_pdf_with_scripts_files_or_launch_actions_is_refused(extra):
    with pytest.raises(ValidationError, match="脚本、附件或自动操作"):
        validate_scan_upload(SimpleUploadedFile("scan.pdf", PDF_HEAD + extra + PDF_TAIL))


def test_security_19_active_content_hidden_in_a_compressed_stream_is_found():
    import zlib

    hidden = zlib.compress(b"<</S/JavaScript/JS(app.alert(1))>>")
    body = PDF_HEAD + PDF_TAIL.replace(
        b"trailer", b"3 0 obj<</Filter/FlateDecode>>stream\n" + hidden + b"\nendstream\nendobj\ntrailer"
    )
    with pytest.raises(ValidationError):
        validate_scan_upload(SimpleUploadedFile("scan.pdf", body))


def test_security_19_a_plain_pdf_and_a_truncated_one():
    assert validate_scan_upload(SimpleUploadedFile("scan.pdf", PDF_HEAD + PDF_TAIL)) == ".pdf"
    with pytest.raises(ValidationError, match="不是完整的 PDF"):
        validate_scan_upload(SimpleUploadedFile("scan.pdf", PDF_HEAD))


@pytest.mark.django_db
def test_security_19_a_body_over_the_cap_is_refused_before_it_is_read(cast, client, settings):
    settings.MAX_REQUEST_BODY_BYTES = 1024 * 1024
    client.force_login(cast.dave)
    response = client.generic(
        "POST", "/accounts/password/", b"x" * 10, CONTENT_TYPE="text/plain", CONTENT_LENGTH=str(2 * 1024 * 1024)
    )
    assert response.status_code == 413 and "过大" in response.content.decode()
