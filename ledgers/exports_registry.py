"""The ledgers app's list exports (pairing/core/exports.py): the demand list, with the page's filters."""

from django.core.exceptions import ValidationError
from django.http import QueryDict

from pairing.core.exports import ExportKind, ListSpec, list_build, register
from pairing.core.local_time import local_text
from pairing.core.workbooks import Column, scope_name

from . import queries
from .filtersets import DemandFilterSet
from .views.demands import ORDERINGS

BAD_FILTER = "筛选条件无效，请返回列表页重新筛选后导出。"


def _query(params: dict) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, value in params.items():
        query.setlist(key, value if isinstance(value, list) else [str(value)])
    return query


class _Request:
    def __init__(self, user, params):
        self.user, self.GET, self.method, self.META = user, _query(params), "GET", {}


def _filterset(user, params):
    request = _Request(user, params)
    return DemandFilterSet(request.GET, queryset=queries.demands(user), request=request)


def clean_demands(user, params: dict) -> dict:
    if not _filterset(user, params).is_valid():
        raise ValidationError({"params": BAD_FILTER})
    return dict(params)


def demand_rows(user, cleaned: dict) -> ListSpec:
    ordering = cleaned.get("ordering", "")
    rows = _filterset(user, cleaned).qs.order_by(
        *((ordering, "-pk") if ordering in ORDERINGS else ("-published_at", "-pk"))
    )
    total = rows.count()

    def cells():
        for d in rows.iterator(2000):
            yield (
                d.village.township.name,
                d.village.name,
                d.get_type_display(),
                d.get_category_display(),
                d.title,
                local_text(d.published_at, "%Y-%m-%d"),
                d.due_date,
                d.get_status_display(),
                d.claimed_count,
                d.outcome,
            )

    columns = (
        Column("乡镇（街道）", width=12),
        Column("村（社区）", width=12),
        Column("类型", width=10),
        Column("类别", width=12),
        Column("需求标题", width=28, wrap_left=True),
        Column("发布时间", width=12),
        Column("期望完成日期", "date"),
        Column("状态", width=10),
        Column("已认领人数", "int"),
        Column("办理结果", width=30, wrap_left=True),
    )
    return ListSpec("需求任务清单", f"{scope_name(user)}需求任务清单.xlsx", columns, cells(), total)


register(ExportKind("demands", "需求任务清单", lambda u: u.is_authenticated, clean_demands, list_build(demand_rows)))
