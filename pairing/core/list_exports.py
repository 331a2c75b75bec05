"""Every ObjectListView exports its list: the same FilterSet, ordering and columns, masked as on screen.

The worker rebuilds the view with the requester and the page's query string (a stand-in request
with `user` and `GET`), so the rows are exactly the rows the page shows, across all its pages;
each cell is the page's text for it (pairing.templatetags.portal: masking, choice labels, local
time). A role that has no page for the list has no export of it either.
"""

from types import SimpleNamespace

from django.core.exceptions import ValidationError

from . import local_time
from .exports import BAD_FILTER, Built, ExportKind, query_dict, register
from .workbooks import Column, GovSheet, new_workbook, scope_name, to_bytes, unit_line

CHUNK = 2000


def _view(view_class, user, params: dict):
    view = view_class()
    view.request = SimpleNamespace(user=user, GET=query_dict(params), method="GET", META={})
    view.args, view.kwargs = (), {}
    return view


VIEW_KINDS: dict[type, str] = {}  # list view class -> its export kind


def kind_for(view_class) -> str:
    """The export kind of a list page ("" when it has none), for its 导出 Excel button."""
    from .exports import discover

    discover()
    return VIEW_KINDS.get(view_class, "")


def _allowed(view_class, user) -> bool:
    from .views import role_sees  # the list page's own check (ObjectListView.dispatch)

    return role_sees(user, view_class.model)


def list_kind(code: str, view_class, *, allowed=None) -> ExportKind:
    title = view_class.title or view_class.model._meta.verbose_name_plural

    def clean(user, params: dict) -> dict:
        view = _view(view_class, user, params)
        if view.filterset_class is not None:
            filterset = view.filterset_class(view.request.GET, queryset=view.model.objects.none(), request=view.request)
            if not filterset.is_valid():
                raise ValidationError({"params": BAD_FILTER})
        return dict(params)

    def build(user, cleaned: dict, progress) -> Built:
        from pairing.templatetags.portal import display, resolve

        view = _view(view_class, user, cleaned)
        queryset = view.get_queryset()
        total = queryset.count()
        book = new_workbook()
        sheet = GovSheet(
            book,
            title,
            title=title,
            subtitle=unit_line(scope_name(user), extra=f"共 {total} 条"),
            columns=[Column("序号", "int", 6), *(Column(c.label, width=16) for c in view_class.columns)],
        )
        count = 0
        for count, obj in enumerate(queryset.iterator(CHUNK), start=1):
            cells = []
            for column in view_class.columns:
                value = display(resolve(obj, column.accessor))
                cells.append("" if value == "—" else value)
            sheet.row((count, *(str(v) for v in cells)))
            if total and count % 500 == 0:
                progress(min(95, 100 * count // total))
        day = local_time.now().strftime("%Y%m%d")
        return Built(f"{scope_name(user)}{title}{day}.xlsx", to_bytes(book), count)

    VIEW_KINDS[view_class] = code
    return register(ExportKind(code, title, allowed or (lambda u: _allowed(view_class, u)), clean, build))
