"""The ledgers app's exports (pairing/core/exports.py): the demand list with the page's filters, and
the demand daily summary."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from pairing.core.exports import BAD_FILTER, Built, ExportKind, ListSpec, list_build, query_dict, register
from pairing.core.local_time import local_text
from pairing.core.workbooks import Column, GovSheet, new_workbook, scope_name, to_bytes, unit_line
from pairing.models import Township

from . import queries
from .filtersets import DemandFilterSet
from .services.demand_stats import daily_summary, summary_day
from .views.demands import ORDERINGS


class _Request:
    def __init__(self, user, params):
        self.user, self.GET, self.method, self.META = user, query_dict(params), "GET", {}


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


# -- the demand daily summary (日汇总、日研判) ------------------------------------------------------


def clean_daily(user, params: dict) -> dict:
    return {"day": summary_day(str(params.get("day") or ""), timezone.localdate()).isoformat()}


def build_daily(user, cleaned: dict, progress) -> Built:
    """The page's two tables for the day: by village (with the day's 合计) and by pairing unit."""
    day = datetime.date.fromisoformat(cleaned["day"])
    summary = daily_summary(day, user)
    show_townships = Township.objects.visible_to(user).count() > 1
    title = f"{day.year}年{day.month}月{day.day}日需求日汇总"
    unit = scope_name(user)
    counts = (Column("新增", "int"), Column("待认领", "int"), Column("逾期", "int"))
    book = new_workbook()
    villages = GovSheet(
        book,
        "按村（社区）",
        title=title,
        subtitle=unit_line(unit, extra="逾期指期望完成日期早于当天且仍未办结"),
        columns=[
            Column("村（社区）", width=16),
            *([Column("乡镇", width=14)] if show_townships else []),
            *counts,
        ],
        freeze_columns=1,
    )
    for row in summary.villages:
        villages.row((row.name, *((row.township,) if show_townships else ()), row.new, row.unclaimed, row.overdue))
    totals = summary.totals
    villages.row(
        ("合计", *(("",) if show_townships else ()), totals["new"], totals["unclaimed"], totals["overdue"]),
        total=True,
    )
    progress(50)
    units = GovSheet(
        book,
        "按结对单位",
        title=f"{title}（按结对单位）",
        subtitle=unit_line(unit),
        columns=[Column("结对单位", width=24), *counts],
        freeze_columns=1,
    )
    for row in summary.units:
        units.row((row.name, row.new, row.unclaimed, row.overdue))
    rows = len(summary.villages) + len(summary.units)
    return Built(f"{unit}{day:%Y%m%d}需求日汇总.xlsx", to_bytes(book), rows)


register(ExportKind("demand_daily", "需求日汇总", lambda u: u.is_authenticated, clean_daily, build_daily))
