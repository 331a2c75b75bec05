"""The pairing app's export kinds: each directory list, the audit log and the agreement overview
(pairing/core/exports.py)."""

from django.core.exceptions import ValidationError

from pairing.core import local_time
from pairing.core.exports import BAD_FILTER, Built, ExportKind, query_dict, register
from pairing.core.list_exports import list_kind
from pairing.core.workbooks import Column, GovSheet, new_workbook, scope_name, to_bytes, unit_line

from . import queries
from .context_processors import can_read_audit_log
from .views import audit_log, directory

LISTS = {
    "townships": directory.TownshipList,
    "villages": directory.VillageList,
    "units": directory.CountyUnitList,
    "talents": directory.UrbanTalentList,
    "talent_assignments": directory.TalentAssignmentList,
    "pairings": directory.PairingList,
    "honorary_heads": directory.HonoraryVillageHeadList,
}

for code, view_class in LISTS.items():
    list_kind(code, view_class)

list_kind("audit_log", audit_log.AuditLogView, allowed=can_read_audit_log)


# -- the agreement overview (/agreements/) ------------------------------------------------------


def _overview_form(user, params):
    from .forms.agreements import OverviewFilterForm

    return OverviewFilterForm(query_dict(params) if params else None, user=user)


def clean_overview(user, params: dict) -> dict:
    form = _overview_form(user, params)
    if form.is_bound and not form.is_valid():
        raise ValidationError({"params": BAD_FILTER})
    return dict(params)


def build_overview(user, cleaned: dict, progress) -> Built:
    """The page's two tables: progress by township, or by county for a city-wide user (with the 合计
    row), and every pairing row of the filter, not just the page's 50."""
    form = _overview_form(user, cleaned)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    overview = queries.agreement_overview(user, form.year_or_current(), data, many_counties=form.many_counties)
    title = f"{overview.year}年度“三清单一协议”签订进度"
    unit = scope_name(user)
    book = new_workbook()
    labels = [label for _status, label in queries.OVERVIEW_STATUSES]
    group = "县（区）" if overview.by == "county" else "乡镇"
    summary = GovSheet(
        book,
        f"按{group}统计",
        title=title,
        subtitle=unit_line(unit, extra="结对关系数（占比）"),
        columns=[
            Column(group, width=14),
            Column("结对关系", "int"),
            *(Column(label, width=12) for label in labels),
            Column("签订率", width=10),
        ],
        freeze_columns=1,
    )

    def cells(entry):
        return (
            entry["name"],
            entry["total"],
            *(f"{c['n']}（{c['pct']}）" for c in entry["cells"]),
            entry["signed_pct"],
        )

    for entry in overview.summary:
        summary.row(cells(entry))
    if overview.summary:
        summary.row(cells(overview.totals), total=True)
    total = overview.rows.count()
    detail = GovSheet(
        book,
        "结对关系明细",
        title=f"{title}（结对关系明细）",
        subtitle=unit_line(unit, extra=f"共 {total} 条"),
        columns=[
            Column("序号", "int", 6),
            Column("乡镇", width=14),
            Column("结对村（社区）", width=16),
            Column("县直单位", width=24),
            Column("协议状态", width=12),
        ],
        freeze_columns=1,
    )
    status_labels = dict(queries.OVERVIEW_STATUSES)
    rows = overview.rows.values_list("village__township__name", "village__name", "unit__name", "agreement_status")
    count = 0
    for count, (township, village, unit_name, status) in enumerate(rows.iterator(2000), start=1):
        detail.row((count, township, village, unit_name, status_labels[status]))
        if total and count % 500 == 0:
            progress(min(95, 100 * count // total))
    day = local_time.now().strftime("%Y%m%d")
    return Built(f"{unit}{overview.year}年度三清单一协议签订进度{day}.xlsx", to_bytes(book), count)


register(
    ExportKind(
        "agreement_overview",
        "三清单一协议签订进度",
        lambda user: user.is_authenticated,
        clean_overview,
        build_overview,
    )
)
