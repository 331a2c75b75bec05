"""The half-year work report as one workbook (000 §四(二)3): 汇总 and six detail sheets.

Built for a township (its villages) or a county (every township in the user's scope) through the
shared government-table style. Detail rows stream from `.iterator()` querysets into a write-only
workbook; the per-month figures come from one grouped query each, held as small dicts.
"""

from collections.abc import Callable
from decimal import Decimal

from django.db.models import Count, Q, Sum

from ledgers.choices import DemandStatus, MeetingStatus
from ledgers.models import Demand, JointMeeting, TalentEvaluation, TalentServiceMonth, UnitContactMonth
from ledgers.periods import aware_bounds, half_label
from pairing.choices import AgreementStatus, ProjectStatus
from pairing.core.local_time import local_text
from pairing.core.workbooks import Column, GovSheet, new_workbook, to_bytes, unit_line
from pairing.models import (
    Agreement,
    AgreementProjectItem,
    AgreementResourceItem,
    HonoraryVillageHead,
    TalentAssignment,
)

from . import figures
from .figures import Scope

PROGRAM = "“双结对双帮扶”"
CHUNK = 2000
SIGNED = (AgreementStatus.SIGNED, AgreementStatus.CLOSED)


def report_unit(scope: Scope) -> str:
    if scope.township_id:
        return scope.townships().get().name
    first = scope.townships().first()
    return first.county.name if first else "全县"


def title(scope: Scope) -> str:
    """东岳镇2026年上半年“双结对双帮扶”工作情况统计表"""
    return f"{report_unit(scope)}{half_label(scope.year, scope.half)}{PROGRAM}工作情况统计表"


def filename(scope: Scope) -> str:
    return f"{report_unit(scope)}{half_label(scope.year, scope.half)}双结对双帮扶工作情况统计表.xlsx"


def _labels(model, name: str) -> dict:
    """A choice field's stored values to their labels: detail rows are plain tuples, not instances."""
    return {value: str(label) for value, label in model._meta.get_field(name).flatchoices}


def _months(scope: Scope, suffix: str) -> list[Column]:
    return [Column(f"{m.month}月{suffix}", "int", 8) for m in scope.months]


class Report:
    """Writes the sheets in order; `progress(done_sheets, total_sheets)` is told after each."""

    SHEETS = ("汇总", "村级明细", "单位明细", "人才明细", "需求清单", "项目清单", "联席会议")

    def __init__(self, scope: Scope, progress: Callable[[int, int], None] | None = None):
        self.scope = scope
        self.unit = report_unit(scope)
        self.title = title(scope)
        self.book = new_workbook()
        self.progress = progress or (lambda done, total: None)
        self.rows = 0

    def sheet(self, name: str, columns, *, freeze: int = 0) -> GovSheet:
        heading = self.title if name == "汇总" else f"{self.title}（{name}）"
        return GovSheet(
            self.book, name, title=heading, subtitle=unit_line(self.unit), columns=columns, freeze_columns=freeze
        )

    def build(self) -> bytes:
        steps = (
            self.summary,
            self.villages,
            self.units,
            self.talents,
            self.demands,
            self.projects,
            self.meetings,
        )
        for done, step in enumerate(steps, start=1):
            self.rows += step()
            self.progress(done, len(steps))
        return to_bytes(self.book)

    # -- 汇总 ----------------------------------------------------------------------------------

    SUMMARY_COLUMNS = (
        Column("乡镇（街道）", width=14),
        Column("村（社区）数", "int"),
        Column("结对关系", "int"),
        Column("已签协议", "int"),
        Column("协议签订率", "percent"),
        Column("城市人才", "int"),
        Column("每月参加服务人才", "int"),
        Column("每月参加服务占比", "percent"),
        Column("服务活动（次）", "int"),
        Column("服务时长（小时）", "hours", 10),
        Column("收集需求（件）", "int"),
        Column("已解决（件）", "int"),
        Column("需求解决率", "percent"),
        Column("计划项目（个）", "int"),
        Column("已完成（个）", "int"),
        Column("计划投入（万元）", "wan"),
        Column("应召开联席会议", "int"),
        Column("已召开联席会议", "int"),
    )

    def summary(self) -> int:
        extra = figures.points_and_grades(self.scope)
        columns = list(self.SUMMARY_COLUMNS) + ([Column(h) for h in extra[0]] if extra else [])
        sheet = self.sheet("汇总", columns, freeze=1)
        rows = figures.summary(self.scope)
        for row in rows:
            sheet.row(self._summary_cells(row) + (tuple(extra[1].get(row.township.pk, ())) if extra else ()))
        total = figures.TownshipRow(township=None)
        for name in vars(total):
            if name != "township":
                setattr(total, name, sum((getattr(r, name) for r in rows), start=type(getattr(total, name))()))
        cells = ("合计", *self._summary_cells(total)[1:])
        sheet.row(cells + (("",) * len(extra[0]) if extra else ()), total=True)
        self.summary_rows, self.summary_total = rows, total
        return len(rows)

    @staticmethod
    def _summary_cells(r: figures.TownshipRow) -> tuple:
        return (
            r.township.name if r.township else "",
            r.villages,
            r.pairings,
            r.agreements_signed,
            r.agreement_rate,
            r.talents,
            r.talents_active,
            r.active_rate,
            r.activities,
            r.hours,
            r.demands,
            r.demands_resolved,
            r.resolution_rate,
            r.projects,
            r.projects_completed,
            r.investment,
            r.meetings_due,
            r.meetings_held,
        )

    # -- 村级明细 ------------------------------------------------------------------------------

    def villages(self) -> int:
        scope = self.scope
        columns = [
            Column("乡镇（街道）", width=12),
            Column("村（社区）", width=12),
            Column("结对单位", width=24, wrap_left=True),
            Column("名誉村长", width=14),
            Column("协议签署情况", width=14),
            *_months(scope, "活动"),
            Column("收集需求（件）", "int"),
            Column("已解决（件）", "int"),
            Column("项目（个）", "int"),
            Column("联席会议", width=12),
        ]
        sheet = self.sheet("村级明细", columns, freeze=2)
        pairings = figures.pairings(scope)
        units = figures.joined(pairings.order_by("unit__name").values_list("village_id", "unit__name"))
        heads = figures.joined(
            HonoraryVillageHead.objects.filter(pairing__in=pairings, end_date__isnull=True)
            .order_by("name")
            .values_list("pairing__village_id", "name")
        )
        signed = Agreement.objects.filter(pairing__in=pairings, year=scope.year, status__in=SIGNED)
        signed_by_village = figures.counts_by(signed, "pairing__village_id", n=Count("pairing", distinct=True))
        pairs_by_village = figures.counts_by(pairings, "village_id", n=Count("pk"))
        start, end = aware_bounds(*scope.bounds)
        held = JointMeeting.objects.filter(
            pairing__in=pairings, status=MeetingStatus.FINAL, held_at__gte=start, held_at__lt=end
        )
        held_by_village = figures.counts_by(held, "pairing__village_id", n=Count("pairing", distinct=True))
        activities = figures.activities_by_month(scope)
        resolved = Count("pk", filter=Q(status=DemandStatus.RESOLVED))
        demands = figures.counts_by(figures.demands(scope), "village_id", n=Count("pk"), done=resolved)
        projects = figures.counts_by(figures.projects(scope), "agreement__pairing__village_id", n=Count("pk"))
        count, months = 0, scope.months
        for village in figures.villages(scope).select_related("township").order_by("code").iterator(CHUNK):
            due = pairs_by_village.get(village.pk, {}).get("n", 0)
            sheet.row(
                (
                    village.township.name,
                    village.name,
                    units.get(village.pk, ""),
                    heads.get(village.pk, ""),
                    f"已签 {signed_by_village.get(village.pk, {}).get('n', 0)}/{due}" if due else "无结对",
                    *(activities.get((village.pk, m), 0) for m in months),
                    demands.get(village.pk, {}).get("n", 0),
                    demands.get(village.pk, {}).get("done", 0),
                    projects.get(village.pk, {}).get("n", 0),
                    f"已开 {held_by_village.get(village.pk, {}).get('n', 0)}/{due}" if due else "",
                )
            )
            count += 1
        return count

    # -- 单位明细 ------------------------------------------------------------------------------

    def units(self) -> int:
        scope = self.scope
        columns = [
            Column("县直单位", width=20),
            Column("结对村（社区）", width=14),
            Column("乡镇（街道）", width=12),
            *_months(scope, "联系"),
            Column("项目（个）", "int"),
            Column("已完成项目", "int"),
            Column("投入资源（项）", "int"),
        ]
        sheet = self.sheet("单位明细", columns, freeze=2)
        pairings = figures.pairings(scope)
        contacts = {
            (c["unit_id"], c["village_id"], c["month"]): c["activities"]
            for c in UnitContactMonth.objects.filter(
                village_id__in=figures.villages(scope).values("pk"),
                month__gte=scope.months[0],
                month__lte=scope.months[-1],
            ).values("unit_id", "village_id", "month", "activities")
        }
        done = Count("pk", filter=Q(status=ProjectStatus.COMPLETED))
        projects = figures.counts_by(figures.projects(scope), "agreement__pairing_id", n=Count("pk"), done=done)
        resources = figures.counts_by(
            AgreementResourceItem.objects.filter(agreement__pairing__in=pairings, agreement__year=scope.year),
            "agreement__pairing_id",
            n=Count("pk"),
        )
        count, months = 0, scope.months
        rows = pairings.select_related("unit", "village__township").order_by("unit__name", "village__code")
        for p in rows.iterator(CHUNK):
            sheet.row(
                (
                    p.unit.name,
                    p.village.name,
                    p.village.township.name,
                    *(contacts.get((p.unit_id, p.village_id, m), 0) for m in months),
                    projects.get(p.pk, {}).get("n", 0),
                    projects.get(p.pk, {}).get("done", 0),
                    resources.get(p.pk, {}).get("n", 0),
                )
            )
            count += 1
        return count

    # -- 人才明细 ------------------------------------------------------------------------------

    def talents(self) -> int:
        scope = self.scope
        columns = [
            Column("城市人才", width=10),
            Column("所在单位", width=20),
            Column("服务村（社区）", width=14),
            Column("乡镇（街道）", width=12),
            *_months(scope, "活动"),
            Column("服务时长（小时）", "hours", 10),
            Column("未参加月数", "int"),
            Column("积分", width=8),
            Column("村评定", width=24),  # "1季度优秀、2季度良好" on one line
        ]
        sheet = self.sheet("人才明细", columns, freeze=1)
        assignments = scope.narrow(
            TalentAssignment.objects.visible_to(scope.user).filter(year=scope.year), "village__township_id"
        )
        talents = assignments.order_by().values("talent_id")
        points = figures.talent_points(scope)
        months = scope.months  # a property: computed once, not per row
        index = {m: i for i, m in enumerate(months)}
        begun = [index[m] for m in scope.period.months(scope.today) if m in index]
        # Streamed and kept compact (a city has 50,000 talents × six months): one list per talent,
        # (activities, hours) per month or None without service. Grouped rows as dicts held at once
        # were most of a city workbook's memory.
        served: dict[int, list] = {}
        for talent_id, month, n, h in (
            TalentServiceMonth.objects.filter(talent_id__in=talents, month__gte=months[0], month__lte=months[-1])
            .order_by()
            .values_list("talent_id", "month")
            .annotate(n=Sum("activities"), h=Sum("hours"))
            .iterator(CHUNK)
        ):
            served.setdefault(talent_id, [None] * len(months))[index[month]] = (n, h or Decimal("0"))
        quarters = (1, 2) if scope.half == 1 else (3, 4)
        rating_labels = _labels(TalentEvaluation, "rating")
        ratings = figures.joined(
            (talent_id, f"{quarter}季度{rating_labels.get(rating) or score or ''}")
            for talent_id, quarter, rating, score in TalentEvaluation.objects.filter(
                talent_id__in=talents, year=scope.year, quarter__in=quarters
            )
            .order_by("quarter", "pk")
            .values_list("talent_id", "quarter", "rating", "score")
            .iterator(CHUNK)
        )
        count, nothing, none = 0, (0, Decimal("0")), [None] * len(months)
        # Plain tuples, not model instances: the county's 5,000 rows cost a third less.
        rows = assignments.order_by("village__code", "talent__name").values_list(
            "talent_id", "talent__name", "talent__unit__name", "village__name", "village__township__name"
        )
        for talent_id, name, unit, village, township in rows.iterator(CHUNK):
            per_month = served.get(talent_id, none)
            sheet.row(
                (
                    name,
                    unit or "",
                    village,
                    township,
                    *((m or nothing)[0] for m in per_month),
                    sum(((m or nothing)[1] for m in per_month), start=Decimal("0")),
                    sum(1 for i in begun if per_month[i] is None),
                    points.get(talent_id, ""),
                    ratings.get(talent_id, ""),
                )
            )
            count += 1
        return count

    # -- 需求清单 / 项目清单 / 联席会议 ----------------------------------------------------------

    def demands(self) -> int:
        columns = [
            Column("乡镇（街道）", width=12),
            Column("村（社区）", width=12),
            Column("类型", width=10),
            Column("类别", width=12),
            Column("需求标题", width=28, wrap_left=True),
            Column("发布时间", width=12),
            Column("状态", width=10),
            Column("办理结果", width=36, wrap_left=True),
        ]
        sheet = self.sheet("需求清单", columns, freeze=2)
        types, categories, statuses = (_labels(Demand, name) for name in ("type", "category", "status"))
        rows = (
            figures.demands(self.scope)
            .order_by("village__code", "published_at")
            .values_list(
                "village__township__name",
                "village__name",
                "type",
                "category",
                "title",
                "published_at",
                "status",
                "outcome",
                "close_reason",
            )
        )
        count = 0
        for township, village, type_, category, title_, published, status, outcome, reason in rows.iterator(CHUNK):
            sheet.row(
                (
                    township,
                    village,
                    types.get(type_, type_),
                    categories.get(category, category),
                    title_,
                    local_text(published, "%Y-%m-%d"),
                    statuses.get(status, status),
                    outcome or reason,
                )
            )
            count += 1
        return count

    def projects(self) -> int:
        columns = [
            Column("乡镇（街道）", width=12),
            Column("村（社区）", width=12),
            Column("县直单位", width=20),
            Column("项目名称", width=28, wrap_left=True),
            Column("计划投入（万元）", "wan"),
            Column("开始日期", "date"),
            Column("完成日期", "date"),
            Column("进度", "percent"),
            Column("状态", width=10),
        ]
        sheet = self.sheet("项目清单", columns, freeze=2)
        statuses = _labels(AgreementProjectItem, "status")
        rows = (
            figures.projects(self.scope)
            .order_by("agreement__pairing__village__code", "start_date", "pk")
            .values_list(
                "agreement__pairing__village__township__name",
                "agreement__pairing__village__name",
                "agreement__pairing__unit__name",
                "name",
                "planned_investment",
                "start_date",
                "end_date",
                "progress",
                "status",
            )
        )
        count = 0
        for township, village, unit, name, investment, start, end, progress, status in rows.iterator(CHUNK):
            sheet.row(
                (township, village, unit, name, investment, start, end, (progress or 0) / 100, statuses.get(status))
            )
            count += 1
        return count

    def meetings(self) -> int:
        scope = self.scope
        columns = [
            Column("乡镇（街道）", width=12),
            Column("村（社区）", width=12),
            Column("县直单位", width=20),
            Column("召开时间", width=16),
            Column("会议地点", width=16),
            Column("参会人数", "int"),
            Column("会议议题", width=32, wrap_left=True),
            Column("议定事项（项）", "int"),
        ]
        sheet = self.sheet("联席会议", columns, freeze=2)
        start, end = aware_bounds(*scope.bounds)
        rows = (
            scope.narrow(JointMeeting.objects.visible_to(scope.user), "pairing__village__township_id")
            .filter(status=MeetingStatus.FINAL, held_at__gte=start, held_at__lt=end)
            .annotate(resolution_count=Count("resolutions"))
            .order_by("pairing__village__code", "held_at")
            .values_list(
                "pairing__village__township__name",
                "pairing__village__name",
                "pairing__unit__name",
                "held_at",
                "place",
                "attendee_count",
                "agenda",
                "resolution_count",
            )
        )
        count = 0
        for township, village, unit, held_at, place, attendees, agenda, resolutions in rows.iterator(CHUNK):
            sheet.row(
                (township, village, unit, local_text(held_at, "%Y-%m-%d %H:%M"), place, attendees, agenda, resolutions)
            )
            count += 1
        return count


def half_year_workbook(scope: Scope, progress=None) -> tuple[bytes, int]:
    """(.xlsx bytes, rows written) of the half-year report for `scope`."""
    report = Report(scope, progress)
    content = report.build()
    return content, report.rows


def frozen_workbook(actor, report) -> tuple[str, bytes]:
    """The workbook stored with a township's report when it is submitted (ledgers.services.reports)."""
    scope = Scope(actor, report.year, report.half, report.township_id)
    content, _rows = half_year_workbook(scope)
    return filename(scope), content
