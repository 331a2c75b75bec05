"""Reading an uploaded .xlsx safely: size cap, zip structure and uncompressed size checked before
openpyxl parses anything (a zip bomb is refused from its directory), then a row cap.

An .xlsx is a zip holding `[Content_Types].xml` and `xl/workbook.xml`; a renamed .xls, .csv or
anything else is refused with a Chinese message. Cells are read as written (`data_only=False`)
so that a formula is seen as a formula and refused at its cell, never evaluated or trusted.
"""

import io
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from openpyxl import load_workbook

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 60 * 1024 * 1024
MAX_RATIO = 100  # uncompressed / compressed of one member: XML compresses ~10x, bombs ~1000x
MAX_ROWS = 10_000
REQUIRED_MEMBERS = ("[Content_Types].xml", "xl/workbook.xml")


@dataclass(frozen=True)
class Cell:
    value: object
    is_formula: bool


def _check_zip(data: bytes) -> None:
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ValidationError("文件不是有效的 Excel（.xlsx）文件，请用模板填写后另存为 .xlsx 再上传。", code="not_xlsx")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = archive.infolist()
        names = {m.filename for m in members}
        if not all(name in names for name in REQUIRED_MEMBERS):
            raise ValidationError("文件不是有效的 Excel（.xlsx）文件。", code="not_xlsx")
        total = 0
        for member in members:
            total += member.file_size
            ratio = member.file_size / max(member.compress_size, 1)
            if total > MAX_UNCOMPRESSED_BYTES or (member.file_size > 1024 * 1024 and ratio > MAX_RATIO):
                raise ValidationError("文件解压后过大，已拒绝（可能是恶意文件）。", code="zip_bomb")


def read_rows(upload, *, max_bytes: int = MAX_UPLOAD_BYTES, max_rows: int = MAX_ROWS) -> list[list[Cell]]:
    """The first sheet's rows (the header row first) as Cells; a Chinese ValidationError otherwise."""
    name = getattr(upload, "name", "") or ""
    if not name.lower().endswith(".xlsx"):
        raise ValidationError("只接受 .xlsx 格式的 Excel 文件。", code="not_xlsx")
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise ValidationError(f"文件不能超过 {max_bytes // (1024 * 1024)} MB。", code="too_large")
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ValidationError(f"文件不能超过 {max_bytes // (1024 * 1024)} MB。", code="too_large")
    _check_zip(data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:
        raise ValidationError("无法读取该 Excel 文件，请用模板重新填写。", code="unreadable") from None
    try:
        sheet = book.worksheets[0]
        rows = []
        for row in sheet.iter_rows():
            cells = [Cell(c.value, getattr(c, "data_type", "") == "f") for c in row]
            if not any(c.value not in (None, "") for c in cells):
                continue
            rows.append(cells)
            if len(rows) > max_rows + 1:
                raise ValidationError(f"一次最多导入 {max_rows} 行。", code="too_many_rows")
        return rows
    finally:
        book.close()
