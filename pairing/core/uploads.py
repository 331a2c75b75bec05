"""Uploaded files (SECURITY.md 19): checked by content, size-capped, stored under random names.

The file name a browser sends is never trusted for the type or kept as the stored name.
"""

import uuid
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from PIL import Image, UnidentifiedImageError

from pairing.core import local_time

IMAGE_FORMATS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "GIF": ".gif"}
MAX_IMAGE_BYTES = 8 * 1024 * 1024
MAX_SCAN_BYTES = 15 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000


def _check_size(upload, limit: int) -> None:
    if upload.size is not None and upload.size > limit:
        raise ValidationError(f"文件过大：不能超过 {limit // (1024 * 1024)} MB。", code="file_too_large")


def image_format(upload) -> str | None:
    """The image format read from the bytes, or None if they are not an image we accept."""
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            if image.width * image.height > MAX_IMAGE_PIXELS:
                return None
            image.verify()
            fmt = image.format
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    finally:
        upload.seek(0)
    return fmt if fmt in IMAGE_FORMATS else None


def validate_image_upload(upload) -> str:
    """Accept JPEG/PNG/WEBP/GIF by content; return the extension to store it under."""
    _check_size(upload, MAX_IMAGE_BYTES)
    fmt = image_format(upload)
    if fmt is None:
        raise ValidationError("只能上传图片（JPG、PNG、WEBP、GIF），该文件不是有效的图片。", code="not_an_image")
    return IMAGE_FORMATS[fmt]


def validate_scan_upload(upload) -> str:
    """A signed copy: a PDF (by its header) or an image; return the extension to store it under."""
    _check_size(upload, MAX_SCAN_BYTES)
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head == b"%PDF-":
        return ".pdf"
    fmt = image_format(upload)
    if fmt is None:
        raise ValidationError("扫描件只能是 PDF 或图片文件。", code="not_a_scan")
    return IMAGE_FORMATS[fmt]


def random_upload_name(folder: str, extension: str) -> str:
    """folder/YYYY/MM/<uuid><ext>: unguessable, and never the name the user sent."""
    now = local_time.now()
    return str(PurePosixPath(folder) / f"{now:%Y}" / f"{now:%m}" / f"{uuid.uuid4().hex}{extension}")
