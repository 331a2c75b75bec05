"""Roster import from Excel: a dry run lists every bad cell; a commit writes all rows or none.

Rows are checked with the model's own validation (division codes, phone, ID check character, the
choice labels) plus the references and scope (pairing/roster.py), duplicates within the file,
and collisions with other records in the database. Commit re-runs the whole check inside one
transaction and writes only when no row has an error; a row whose natural key exists updates it.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from pairing import roles
from pairing.core import audit
from pairing.core.services import service
from pairing.core.workbooks import Column, GovSheet, new_workbook, to_bytes, unit_line
from pairing.core.xlsx_upload import read_rows
from pairing.models import County
from pairing.roster import KINDS, Col, RosterKind, RowError, load_context, normalise

NOT_ALLOWED = "只有县委组织部管理员可以导入花名册。"


@dataclass(frozen=True)
class CellError:
    row: int  # the spreadsheet's row number
    column: str  # its letter
    header: str
    message: str


@dataclass
class Result:
    kind: RosterKind
    rows: int = 0
    created: int = 0
    updated: int = 0
    errors: list[CellError] = field(default_factory=list)
    bad_rows: dict = field(default_factory=dict)  # row number -> raw values, for the rejected copy
    committed: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


def _require_importer(actor) -> County:
    if not roles.is_county_admin(actor) or not actor.county_id:
        raise PermissionDenied(NOT_ALLOWED)
    return actor.county


def _header_map(kind: RosterKind, header_cells) -> dict[int, Col]:
    headers = [str(c.value or "").strip() for c in header_cells]
    by_header = {c.header: c for c in kind.columns}
    mapping = {i: by_header[h] for i, h in enumerate(headers) if h in by_header}
    missing = [c.header for c in kind.columns if c.required and c not in mapping.values()]
    if missing:
        raise ValidationError(f"表头缺少必填列：{'、'.join(missing)}。请使用下载的模板填写。", code="bad_header")
    return mapping


def check(kind: RosterKind, county: County, upload) -> tuple[Result, list]:
    """Validate every row; returns the result and the instances that would be written."""
    rows = read_rows(upload)
    result = Result(kind)
    if not rows:
        raise ValidationError("文件中没有数据。", code="empty")
    mapping = _header_map(kind, rows[0])
    letters = {c.key: get_column_letter(i + 1) for i, c in mapping.items()}
    ctx = load_context(county, kind)
    seen: dict = {}
    pending = []
    unique_fields = _unique_fields(kind)
    relations = [f.name for f in kind.model._meta.concrete_fields if f.is_relation]
    for number, cells in enumerate(rows[1:], start=2):
        result.rows += 1
        errors = []

        def error(key, message, _errors=errors, _number=number):
            col = kind.column(key) or kind.columns[0]
            _errors.append(CellError(_number, letters.get(col.key, "A"), col.header, message))

        values = {c.key: "" for c in kind.columns}
        for index, col in mapping.items():
            cell = cells[index] if index < len(cells) else None
            if cell is not None and cell.is_formula:
                error(col.key, "不接受公式，请填写数值或文字。")
                continue
            try:
                values[col.key] = normalise(col, cell.value if cell else None)
            except RowError as exc:
                error(exc.key, exc.message)
        for col in kind.columns:
            if col.required and not values[col.key] and not any(e.header == col.header for e in errors):
                error(col.key, "必填，不能为空。")
        instance = None
        if not errors:
            key = kind.key(ctx, values)
            if key in seen:
                error(kind.columns[0].key, f"与文件第 {seen[key]} 行重复。")
            else:
                seen[key] = number
                try:
                    instance = kind.fill(ctx, kind.find(ctx, key), values)
                    # References come from the lookups above, already checked: no query per row for them.
                    instance.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)
                except RowError as exc:
                    error(exc.key, exc.message)
                except ValidationError as exc:
                    for name, messages in exc.message_dict.items():
                        error(name if kind.column(name) else kind.columns[0].key, "；".join(messages))
        if instance is not None and not errors:
            for name in unique_fields:
                value = getattr(instance, name, "")
                marker = (name, value)
                if value and marker in seen and seen[marker] != number:
                    error(name, f"与文件第 {seen[marker]} 行重复。")
                elif value:
                    seen[marker] = number
        if errors:
            result.errors.extend(errors)
            result.bad_rows[number] = ([c.value for c in cells], errors)
        elif instance is not None:
            pending.append((number, instance, [c.value for c in cells]))
    if kind.conflicts is not None and pending:
        _refuse_conflicts(kind, result, letters, pending, kind.conflicts(ctx, [(n, i) for n, i, _v in pending]))
    pending = [instance for _number, instance, _values in pending if _number not in result.bad_rows]
    result.created = sum(1 for i in pending if i.pk is None)
    result.updated = len(pending) - result.created
    return result, pending


def _refuse_conflicts(kind, result, letters, pending, problems) -> None:
    """Errors found across rows (kind.conflicts) move their rows from the pending to the refused."""
    values = {number: raw for number, _instance, raw in pending}
    for number, key, message in problems:
        col = kind.column(key) or kind.columns[0]
        error = CellError(number, letters.get(col.key, "A"), col.header, message)
        result.errors.append(error)
        result.bad_rows.setdefault(number, (values[number], []))[1].append(error)
    result.errors.sort(key=lambda e: e.row)


def _unique_fields(kind) -> tuple[str, ...]:
    return {"townships": ("name",), "villages": (), "talents": ("phone",)}.get(kind.code, ())


def dry_run(*, actor, kind: str, upload) -> Result:
    """Every bad cell, and how many rows would be created or updated; nothing is written."""
    spec = _kind(kind)
    county = _require_importer(actor)
    result, _pending = check(spec, county, upload)
    return result


def _kind(code: str) -> RosterKind:
    if code not in KINDS:
        raise ValidationError("不支持的花名册类型。", code="unknown_kind")
    return KINDS[code]


@service
def commit_import(*, actor, kind: str, upload) -> Result:
    """All rows or none: with any error nothing is written (the result lists the errors)."""
    spec = _kind(kind)
    county = _require_importer(actor)
    result, pending = check(spec, county, upload)
    if not result.ok:
        return result
    with transaction.atomic():
        new = [i for i in pending if i.pk is None]
        changed = [i for i in pending if i.pk is not None]
        fields = [c.key for c in spec.columns if c.key in {f.name for f in spec.model._meta.concrete_fields}]
        if changed:
            spec.model.objects.bulk_update(changed, fields, batch_size=500)
        spec.model.objects.bulk_create(new, batch_size=500)
    result.committed = True
    audit.record(
        action="import",
        actor=actor,
        object_type=spec.model._meta.label_lower,
        message=f"导入{spec.label}花名册 {result.rows} 行（新增 {result.created}，更新 {result.updated}）",
    )
    return result


def rejected_workbook(result: Result) -> bytes:
    """The rows that were refused, as they were uploaded, with the reasons in a last column."""
    book = new_workbook()
    columns = [Column("原行号", "int", 8), *(Column(c.header, width=16) for c in result.kind.columns)]
    columns.append(Column("错误原因", width=48, wrap_left=True))
    sheet = GovSheet(
        book,
        "未通过的行",
        title=f"{result.kind.label}花名册未通过校验的行",
        subtitle=unit_line("县委组织部", extra=f"共 {len(result.bad_rows)} 行"),
        columns=columns,
    )
    width = len(result.kind.columns)
    for number, (values, errors) in sorted(result.bad_rows.items()):
        values = (list(values) + [None] * width)[:width]
        reasons = "；".join(f"{e.column}列（{e.header}）：{e.message}" for e in errors)
        sheet.row((number, *("" if v is None else str(v) for v in values), reasons))
    return to_bytes(book)


def template_workbook(kind: str) -> bytes:
    """A template: the headers and an example row, and a sheet explaining each column."""
    spec = _kind(kind)
    book = Workbook()
    sheet = book.active
    sheet.title = spec.label
    sheet.append([c.header for c in spec.columns])
    sheet.append([c.example for c in spec.columns])
    for index in range(1, len(spec.columns) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 18
        for row in (1, 2):
            sheet.cell(row=row, column=index).number_format = "@"  # codes and phones stay text
    notes = book.create_sheet("填写说明")
    notes.append(["列名", "是否必填", "说明", "可选值"])
    for col in spec.columns:
        allowed = "、".join(label for _value, label in col.choices)
        notes.append([col.header, "必填" if col.required else "选填", col.help, allowed])
    notes.append([])
    notes.append(["第二行是示例，导入前请删除或替换。同一代码（或身份证号码、手机号码）再次导入时更新原记录。"])
    notes.column_dimensions["C"].width = 48
    return to_bytes(book)


def save_rejected(*, actor, result: Result):
    """The rejected rows as a downloadable file: an export record of the actor's, expiring as exports do."""
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from pairing.choices import ExportStatus
    from pairing.core.uploads import random_upload_name
    from pairing.models import Export

    from .exports import ttl

    export = Export(owner=actor, kind="import_rejected", params={"kind": result.kind.code})
    export.file = export.file.storage.save(
        random_upload_name("exports", ".xlsx"), ContentFile(rejected_workbook(result))
    )
    now = timezone.now()
    export.status, export.progress, export.rows = ExportStatus.DONE, 100, len(result.bad_rows)
    export.filename = f"{result.kind.label}花名册未通过的行.xlsx"
    export.finished_at, export.expires_at = now, now + ttl()
    export.save()
    return export
