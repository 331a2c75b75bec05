"""The registry of export kinds: every app declares what it can export, the framework runs it.

A kind has a stable code (the API's `kind`), a Chinese label, who may ask for it, a `clean`
that turns the request's params into checked values within the user's scope (a Chinese
ValidationError otherwise; it runs again in the worker, so an export whose requester lost the
scope in between fails instead of leaking), and a `build` that writes the workbook and reports
progress. A list export declares its columns and yields rows; `list_kind` turns that into a build
through the shared government-table style.

Each app registers its kinds in its `exports_registry.py`, discovered like the jobs.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.http import QueryDict
from django.utils.module_loading import autodiscover_modules

from .workbooks import Column, GovSheet, new_workbook, scope_name, to_bytes, unit_line

Progress = Callable[[int], None]  # percent 0-100
BAD_FILTER = "筛选条件无效，请返回列表页重新筛选后导出。"


def query_dict(params: dict) -> QueryDict:
    """An export's stored params as the query string the page read them from."""
    query = QueryDict(mutable=True)
    for key, value in params.items():
        query.setlist(key, value if isinstance(value, list) else [str(value)])
    return query


@dataclass(frozen=True)
class Built:
    filename: str
    content: bytes
    rows: int


@dataclass(frozen=True)
class ExportKind:
    code: str
    label: str
    allowed: Callable  # (user) -> bool
    clean: Callable  # (user, params: dict) -> dict, ValidationError when refused
    build: Callable  # (user, cleaned: dict, progress: Progress) -> Built
    inline: bool = False  # small enough to build during the request


KINDS: dict[str, ExportKind] = {}


def register(kind: ExportKind) -> ExportKind:
    if kind.code in KINDS and KINDS[kind.code] != kind:
        raise ValueError(f"export kind {kind.code!r} is declared twice")
    KINDS[kind.code] = kind
    return kind


def discover() -> dict[str, ExportKind]:
    autodiscover_modules("exports_registry")
    return KINDS


def get(code: str) -> ExportKind | None:
    return discover().get(code)


@dataclass(frozen=True)
class ListSpec:
    """What a list export writes: a title, its columns and the rows (an iterator over the DB)."""

    title: str
    filename: str
    columns: Sequence[Column]
    rows: Iterable[Sequence]
    total: int | None = None  # the row count, when known up front, for the progress bar


def list_build(spec_for: Callable) -> Callable:
    """A kind's build from `spec_for(user, cleaned) -> ListSpec`: one government-style sheet."""

    def build(user, cleaned, progress: Progress) -> Built:
        spec = spec_for(user, cleaned)
        book = new_workbook()
        sheet = GovSheet(
            book,
            spec.title,
            title=spec.title,
            subtitle=unit_line(scope_name(user)),
            columns=[Column("序号", "int", 6), *spec.columns],
        )
        count = 0
        for count, values in enumerate(spec.rows, start=1):
            sheet.row((count, *values))
            if spec.total and count % 500 == 0:
                progress(min(95, 100 * count // spec.total))
        return Built(spec.filename, to_bytes(book), count)

    return build
