"""The one government-table workbook style every Excel export uses (and its download response).

A sheet is: a merged title row in 宋体, the reporting unit and date line in 仿宋, one bordered
header row repeated on every printed page and frozen on screen, bordered 仿宋 body rows, optional
totals rows, then unbordered notes (signatures). A4 landscape, fitted to the page width, page
numbers in the footer. Numbers carry their format (percent, 万元, hours); every string goes
through pairing.core.excel.safe_text, so a name like `=1+1` stays text.

Workbooks are always write-only (openpyxl streams rows to a temporary file), so a county-wide
export costs memory for one row at a time: widths, merges and print settings are declared before
the first row, which is why columns carry their width.

Body rows are the bulk of a county workbook (~100,000 cells). Styling each cell through openpyxl's
setters costs more than writing it, and openpyxl's per-cell writer costs more than the XML itself,
so each sheet looks its style ids up once per column (text and number, body and totals) and a body
row is written as one `<row>` element built from escaped text (GovSheet.row; `_hook_writer` hands
it to the sheet's writer). Title, unit line, header and notes take openpyxl's ordinary path.
bench/exports.py measures the result against a bare write-only workbook of the same cells.
"""

import io
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from copy import copy
from dataclasses import dataclass

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.xml.functions import fromstring

from . import local_time
from .excel import safe_text
from .local_time import local_text

# Text into XML: the markup characters, and CR as a reference (a parser would read a raw one as LF).
XML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
TITLE_FONT = Font(name="宋体", size=18, bold=True)
SUBTITLE_FONT = Font(name="仿宋", size=12)
HEADER_FONT = Font(name="宋体", size=11, bold=True)
BODY_FONT = Font(name="仿宋", size=11)
TOTAL_FONT = Font(name="宋体", size=11, bold=True)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)

# Number formats by column kind; "text" and "label" are strings.
FORMATS = {
    "int": "0",
    "hours": "0.0",
    "decimal": "0.00",
    "percent": "0.0%",
    "wan": "#,##0.00",  # 万元: the header says the unit, the cell shows two decimals
    "date": "yyyy-mm-dd",
}
NUMERIC = frozenset(FORMATS) - {"date"}
SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")


def display_width(text: str) -> int:
    """Columns a string takes in Excel: a CJK (wide) character counts as two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = "text"  # text | int | hours | decimal | percent | wan | date
    width: float | None = None  # in Excel character units; default fits the label
    wrap_left: bool = False  # long content (activity text) reads left-aligned

    @property
    def fitted_width(self) -> float:
        if self.width:
            return self.width
        floor = {"text": 12, "date": 12, "percent": 9, "wan": 11}.get(self.kind, 8)
        # The header wraps onto two lines at most, so half its width (plus padding) is enough.
        return max(floor, min(40, display_width(self.label) / 2 + 3))


LINE_HEIGHT = 15  # points per line of 11-point text


def header_height(columns: Sequence[Column]) -> float:
    """Points for the header row: enough lines for the longest label wrapped in its column."""
    lines = max((math.ceil(display_width(c.label) / max(1.0, c.fitted_width - 1)) for c in columns), default=1)
    return LINE_HEIGHT * min(max(lines, 1), 4) + 6


def _lines(text: str, fit: float) -> int:
    """Lines `text` wraps to in a cell `fit` display columns wide. The width is UTF-8's: a CJK
    character is 3 bytes and ASCII 1, so (bytes + characters) / 2 counts them 2 and 1, in C."""
    return sum(math.ceil((len(part.encode()) + len(part)) / 2 / fit) or 1 for part in text.split("\n"))


def sheet_name(text: str) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\."""
    return SHEET_NAME_BAD.sub("", text)[:31] or "Sheet"


MAX_TEXT = 32767  # Excel's limit for a cell's text


class _Prebuilt(tuple):
    """A body row already built as a `<row>` element (its one item), appended like any row."""


@dataclass(frozen=True)
class _ColumnStyles:
    """One column's XML pieces in one font (body or totals): its cells' opening `<c r="B` and what
    follows the row number for text, empty and numeric cells, with the style ids looked up once."""

    kind: str
    text_only: bool  # a text column: every value is written as text
    fit: float  # display columns of text that fit on one line of the cell
    head: str
    text: str
    empty: str
    number: str


class GovSheet:
    """One government-style sheet of a write-only workbook; rows are appended in order."""

    def __init__(
        self,
        book: Workbook,
        name: str,
        *,
        title: str,
        subtitle: str,
        columns: Sequence[Column],
        freeze_columns: int = 0,
    ):
        self.sheet = book.create_sheet(sheet_name(name))
        self.columns = list(columns)
        self.width = len(self.columns)
        self.row_number = 0
        self.epoch = book.epoch
        self._styles = {}
        self._body: dict[bool, list[_ColumnStyles]] = {}
        sheet = self.sheet
        for index, column in enumerate(self.columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = column.fitted_width
        header_row = 3
        # Heights are written, not left to the reader: LibreOffice drew a wrapped two-line header
        # over the first body row at the default height.
        sheet.row_dimensions[1].height = 30
        sheet.row_dimensions[header_row].height = header_height(self.columns)
        sheet.freeze_panes = f"{get_column_letter(freeze_columns + 1)}{header_row + 1}"
        sheet.print_title_rows = f"{header_row}:{header_row}"
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = "9"  # A4
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.print_options.horizontalCentered = True
        sheet.page_margins.left = sheet.page_margins.right = 0.5
        sheet.oddFooter.center.text = "第 &P 页，共 &N 页"
        self.note(title, font=TITLE_FONT, alignment=CENTER)
        self._hook_writer()
        self.note(subtitle, font=SUBTITLE_FONT)
        self._append([self._cell(c.label, HEADER_FONT, CENTER) for c in self.columns])

    def _cell(self, value, font, alignment, *, kind="text", border=True):
        numeric = (kind in NUMERIC or kind == "date") and not isinstance(value, str)  # "合计" stays text
        if numeric:
            cell = WriteOnlyCell(self.sheet, value=_number(value, kind))
        else:
            cell = WriteOnlyCell(self.sheet, value=safe_text(value))
            cell.data_type = "s"
        fmt = FORMATS[kind] if numeric and value is not None else None
        # Setting font, alignment, border and format looks each up in the workbook's style tables;
        # a county workbook has ~150,000 cells in a dozen styles, so each style is looked up once.
        key = (id(font), id(alignment), border, fmt)
        style = self._styles.get(key)
        if style is None:
            cell.font, cell.alignment = font, alignment
            if border:
                cell.border = BORDER
            if fmt:
                cell.number_format = fmt
            self._styles[key] = copy(cell._style)
        else:
            cell._style = copy(style)
        return cell

    def _hook_writer(self) -> None:
        """Body rows skip openpyxl's per-cell path: GovSheet.row builds the `<row>` element itself and
        the sheet's writer (created by the first append, after widths and panes are set) writes it.

        Two hooks on this sheet's own objects: WriteOnlyWorksheet._values_to_row passes a prebuilt row
        through, and WorksheetWriter.write_row writes it as it is. Any other row takes openpyxl's path.
        Both are private methods of openpyxl 3.1 (pyproject pins <3.2); tests/pairing/test_workbooks.py
        reads every kind of body cell back with openpyxl.
        """
        sheet = self.sheet
        to_row, write_row = sheet._values_to_row, sheet._writer.write_row

        def values_to_row(values, row_idx):
            return values if isinstance(values, _Prebuilt) else to_row(values, row_idx)

        def write(xf, row, row_idx):
            if isinstance(row, _Prebuilt):
                xf.write(row[0])
            else:
                write_row(xf, row, row_idx)

        sheet._values_to_row, sheet._writer.write_row = values_to_row, write

    def _style_id(self, font, alignment, fmt) -> str:
        template = self._cell("", font, alignment, kind="text")
        if fmt:
            template.number_format = fmt
        return str(template.style_id)

    def _column_styles(self, total: bool) -> list[_ColumnStyles]:
        styles = self._body.get(total)
        if styles is None:
            font = TOTAL_FONT if total else BODY_FONT
            styles = self._body[total] = []
            for index, column in enumerate(self.columns, start=1):
                alignment = LEFT if column.wrap_left else CENTER
                plain = self._style_id(font, alignment, None)
                fmt = FORMATS.get(column.kind) if column.kind in NUMERIC or column.kind == "date" else None
                number = self._style_id(font, alignment, fmt)
                styles.append(
                    _ColumnStyles(
                        column.kind,
                        column.kind not in FORMATS,
                        max(1.0, column.fitted_width - 1),
                        f'<c r="{get_column_letter(index)}',
                        f'" s="{plain}" t="inlineStr"><is><t',
                        f'" s="{plain}"/>',
                        f'" s="{number}" t="n"><v>',
                    )
                )
        return styles

    def _append(self, cells) -> None:
        self.sheet.append(cells)
        self.row_number += 1

    def _merge(self, first: int, last: int) -> None:
        if last > first:
            self.sheet.merged_cells.add(
                CellRange(min_col=first, max_col=last, min_row=self.row_number + 1, max_row=self.row_number + 1)
            )

    def row(self, values: Sequence, *, total: bool = False, merge: tuple[int, int] | None = None) -> None:
        """A bordered body row (a totals row in bold); `merge` joins columns first..last (1-based)."""
        if merge:
            self._merge(*merge)
        number = str(self.row_number + 1)
        parts = [f'<row r="{number}">']
        add = parts.append
        lines = 1  # the row's height, in lines of its longest wrapped text
        for spec, value in zip(self._column_styles(total), values, strict=True):
            if spec.text_only or isinstance(value, str):  # "合计" in a number column stays text
                text = safe_text(value)[:MAX_TEXT]
                if not text:
                    add(spec.head + number + spec.empty)
                    continue
                if len(text) * 2 > spec.fit:  # (a cheap bound first: most cells fit)
                    lines = max(lines, _lines(text, spec.fit))
                space = ' xml:space="preserve">' if text != text.strip() else ">"
                add(f"{spec.head}{number}{spec.text}{space}{text.translate(XML_ESCAPES)}</t></is></c>")
            elif value is None:
                add(spec.head + number + spec.empty)
            else:
                kind = spec.kind
                if kind == "int":
                    shown = str(int(value))
                else:
                    number_value = float(to_excel(value, self.epoch) if kind == "date" else value)
                    if not math.isfinite(number_value):  # as openpyxl: no value rather than "nan"
                        add(spec.head + number + spec.empty)
                        continue
                    shown = f"{number_value:.16g}"
                add(f"{spec.head}{number}{spec.number}{shown}</v></c>")
        add("</row>")
        if lines > 1:  # a reader draws the height the file states: wrapped text would overlap the next row
            parts[0] = f'<row r="{number}" ht="{LINE_HEIGHT * min(lines, 20) + 3}" customHeight="1">'
        self._append(_Prebuilt((fromstring("".join(parts)),)))

    def rows(self, rows: Iterable[Sequence]) -> int:
        count = 0
        for values in rows:
            self.row(values)
            count += 1
        return count

    def note(self, text: str, *, font=BODY_FONT, alignment=LEFT) -> None:
        """A line across the whole table, without borders (title, unit line, signatures)."""
        self._merge(1, self.width)
        self._append([self._cell(text, font, alignment, border=False)])


def _number(value, kind):
    if value is None or kind == "date":
        return value
    if kind == "int":
        return int(value)
    return float(value)


def unit_line(unit: str, *, extra: str = "") -> str:
    """The line under the title: who reports, and when the file was made."""
    date = local_text(local_time.now(), "%Y年%m月%d日")
    parts = [f"填报单位：{unit}", *([extra] if extra else []), f"填报日期：{date}"]
    return "    ".join(parts)


def new_workbook() -> Workbook:
    return Workbook(write_only=True)


def to_bytes(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def clean_filename(name: str) -> str:
    """A Chinese file name safe in a header and on any disk: no path, quote or control characters."""
    name = re.sub(r'[\x00-\x1f\x7f/\\:*?"<>|]', "", name).strip() or "导出.xlsx"
    return name


def attachment(filename: str) -> str:
    """`Content-Disposition` for a download: RFC 5987 `filename*=utf-8''…` for a Chinese name, after an
    ASCII `filename` for clients that do not read `filename*` (RFC 6266 §4.3: both, `filename*` wins)."""
    name = clean_filename(filename)
    header = content_disposition_header(True, name)
    if "filename*=" not in header:
        return header
    suffix = name.rsplit(".", 1)[-1] if "." in name else "xlsx"
    return f'attachment; filename="download.{suffix}"; ' + header.removeprefix("attachment; ")


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = attachment(filename)
    return response


def scope_name(user) -> str:
    """The reporting unit for a user's export: their county, township, village, unit or name."""
    anchor = getattr(user, "anchor", None)
    if anchor is not None:
        return str(getattr(anchor, "name", anchor))
    return "全部"
