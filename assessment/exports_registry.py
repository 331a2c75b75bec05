"""The assessment app's export kinds: the half-year work report (for a township or the county) and
the rankings page."""

from django.core.exceptions import ValidationError
from django.utils import timezone

from ledgers.periods import half_year_range
from pairing.choices import Role
from pairing.core.exports import Built, ExportKind, register
from pairing.core.filtering import parse_id
from pairing.core.workbooks import Column, GovSheet, new_workbook, scope_name, to_bytes, unit_line
from pairing.models import Township

from . import queries
from .choices import SubjectType
from .reports.figures import Scope
from .reports.halfyear import filename, half_year_workbook

# The auditor reads the audit log, not the program's rows (it has no row scope on them).
TOWNSHIP_ROLES = (Role.COUNTY_ADMIN, Role.TOWNSHIP_OFFICER)
COUNTY_ROLES = (Role.COUNTY_ADMIN,)


def _roles(*roles):
    return lambda user: user.is_superuser or user.role in roles


def _half(params) -> tuple[int, int]:
    try:
        year, half = int(params.get("year")), int(params.get("half"))
    except (TypeError, ValueError):
        raise ValidationError({"year": "请填写年度和半年（上半年为 1，下半年为 2）。"}) from None
    if not (2000 <= year <= 2100 and half in (1, 2)):
        raise ValidationError({"half": "半年应为 1（上半年）或 2（下半年）。"})
    if half_year_range(year, half)[0] > timezone.localdate():
        raise ValidationError({"half": "该半年尚未开始。"})
    return year, half


def clean_township(user, params) -> dict:
    year, half = _half(params)
    township = parse_id(str(params.get("township", "")))
    if township is None or not Township.objects.visible_to(user).filter(pk=township).exists():
        raise ValidationError({"township": "请选择您有权查看的乡镇。"})
    return {"year": year, "half": half, "township": township}


def clean_county(user, params) -> dict:
    year, half = _half(params)
    return {"year": year, "half": half, "township": None}


def build(user, cleaned, progress) -> Built:
    scope = Scope(user, cleaned["year"], cleaned["half"], cleaned["township"])
    content, rows = half_year_workbook(scope, lambda done, total: progress(100 * done // total))
    return Built(filename(scope), content, rows)


# A township's workbook is small (one township: ~0.15 s at county scale), so it is built during the
# request and its progress page opens finished; the county's goes to the worker (bench/exports.py).
register(
    ExportKind(
        "township_half_year",
        "乡镇半年工作情况统计表",
        _roles(*TOWNSHIP_ROLES),
        clean_township,
        build,
        inline=True,
    )
)
register(ExportKind("county_half_year", "全县半年工作情况统计表", _roles(*COUNTY_ROLES), clean_county, build))


# -- rankings (积分排位) -----------------------------------------------------------------------------


def clean_rankings(user, params: dict) -> dict:
    ranking = queries.ranking(user, params)
    if ranking.rollup is None:
        raise ValidationError({"rollup": "请选择您有权查看的季度。"})
    township = parse_id(str(params.get("township") or "")) if params.get("township") else None
    if params.get("township") and (
        township is None or not Township.objects.visible_to(user).filter(pk=township).exists()
    ):
        raise ValidationError({"township": "请选择您有权查看的乡镇。"})
    return {"rollup": ranking.rollup.pk, "subject_type": ranking.subject_type, "township": township}


def build_rankings(user, cleaned: dict, progress) -> Built:
    ranking = queries.ranking(user, {k: v for k, v in cleaned.items() if v})
    rows = ranking.rows
    total = rows.count()
    book = new_workbook()
    township = Township.objects.filter(pk=ranking.township).values_list("name", flat=True).first()
    sheet = GovSheet(
        book,
        "积分排位",
        title=ranking.title,
        subtitle=unit_line(scope_name(user), extra=f"{township}  共 {total} 名" if township else f"共 {total} 名"),
        columns=[
            Column("全县排位", "int"),
            Column("乡镇内排位", "int"),
            Column("名称", width=20),
            Column("过程性考核", "decimal", 11),
            Column("综合性评价", "decimal", 11),
            Column("总分", "decimal", 9),
        ],
        freeze_columns=3,
    )
    values = rows.values_list(
        "rank_county", "rank_township", "subject_name", "process_points", "comprehensive_points", "total"
    )
    count = 0
    for count, (rank, rank_township, name, process, comprehensive, score) in enumerate(values.iterator(2000), 1):
        sheet.row((rank, rank_township, name, process, comprehensive, score))
        if total and count % 500 == 0:
            progress(min(95, 100 * count // total))
    rollup = ranking.rollup
    label = SubjectType(ranking.subject_type).label
    filename = f"{scope_name(user)}{rollup.year}年第{rollup.quarter}季度{label}积分排位.xlsx"
    return Built(filename, to_bytes(book), count)


register(ExportKind("rankings", "积分排位", lambda u: u.is_authenticated, clean_rankings, build_rankings))
