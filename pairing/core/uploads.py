"""Uploaded files (SECURITY.md 19): checked by content, size-capped, stored under random names.

The file name a browser sends is never trusted for the type or kept as the stored name.
"""

import io
import re
import uuid
import zlib
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

from pairing.core import local_time

IMAGE_FORMATS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "GIF": ".gif"}
MAX_IMAGE_BYTES = 8 * 1024 * 1024
MAX_SCAN_BYTES = 15 * 1024 * 1024
# 24 megapixels (a 6000 x 4000 phone photo): decoding one takes about 100 MB, bounded per upload.
MAX_IMAGE_PIXELS = 24_000_000


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


REENCODE_FORMATS = {"JPEG": ("JPEG", ".jpg"), "PNG": ("PNG", ".png"), "WEBP": ("WEBP", ".webp"), "GIF": ("PNG", ".png")}


def reencode_image(upload) -> tuple[ContentFile, str]:
    """The photo decoded and written afresh: EXIF (GPS, camera, owner) and any bytes after the image
    (a zip or script appended to a JPEG) are gone; the EXIF rotation is applied to the pixels first,
    so the photo stays upright. Returns the new file and its extension."""
    upload.seek(0)
    with Image.open(upload) as image:
        target, extension = REENCODE_FORMATS[image.format]
        image.seek(0)
        upright = ImageOps.exif_transpose(image)
        if target == "JPEG" and upright.mode not in ("RGB", "L"):
            upright = upright.convert("RGB")
        buffer = io.BytesIO()
        upright.save(buffer, format=target, **({"quality": 88} if target in ("JPEG", "WEBP") else {}))
    upload.seek(0)
    return ContentFile(buffer.getvalue()), extension


# PDF features that run or open something: a signed scan needs none of them.
_PDF_ACTIVE = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFiles?|RichMedia|OpenAction|AA|SubmitForm|ImportData|XFA)\b")
_PDF_STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.DOTALL)
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
MAX_PDF_INFLATED = 64 * 1024 * 1024


def _pdf_text(raw: bytes) -> bytes:
    """The PDF's bytes plus its inflated streams (object streams hide names), with #xx name escapes decoded."""
    parts, budget = [raw], MAX_PDF_INFLATED
    for match in _PDF_STREAM.finditer(raw):
        inflater = zlib.decompressobj()
        try:
            data = inflater.decompress(match.group(1), budget)
        except zlib.error:
            continue
        budget -= len(data)
        parts.append(data)
        if budget <= 0:
            raise ValidationError("PDF 文件解压后过大，无法检查。", code="pdf_too_large")
    return _PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), b"\n".join(parts))


def check_pdf(upload) -> None:
    """Refuse a PDF carrying JavaScript, embedded files, launch or other actions, or one without an
    end-of-file marker (not a whole PDF)."""
    upload.seek(0)
    raw = upload.read()
    upload.seek(0)
    if b"%%EOF" not in raw[-2048:]:
        raise ValidationError("扫描件不是完整的 PDF 文件。", code="not_a_scan")
    if _PDF_ACTIVE.search(_pdf_text(raw)):
        raise ValidationError("PDF 中含有脚本、附件或自动操作，不能作为扫描件上传。", code="pdf_active_content")


def validate_scan_upload(upload) -> str:
    """A signed copy: a PDF (by its header) or an image; return the extension to store it under."""
    _check_size(upload, MAX_SCAN_BYTES)
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head == b"%PDF-":
        check_pdf(upload)
        return ".pdf"
    fmt = image_format(upload)
    if fmt is None:
        raise ValidationError("扫描件只能是 PDF 或图片文件。", code="not_a_scan")
    return IMAGE_FORMATS[fmt]


def random_upload_name(folder: str, extension: str) -> str:
    """folder/YYYY/MM/<uuid><ext>: unguessable, and never the name the user sent."""
    now = local_time.now()
    return str(PurePosixPath(folder) / f"{now:%Y}" / f"{now:%m}" / f"{uuid.uuid4().hex}{extension}")
