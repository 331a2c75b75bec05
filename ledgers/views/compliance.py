"""The compliance board: figures per rule and township for a period, drill-down lists, Excel."""

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone

from pairing.choices import Role
from pairing.core import audit
from pairing.core.filtering import parse_id
from pairing.core.workbooks import scope_name, xlsx_response
from pairing.roles import has_role, sees_many_counties
from pairing.views.home import Panel, PanelItem, panel_provider

from .. import compliance
from ..exports import compliance_filename, compliance_workbook
from ..services.urge import may_urge
from ..services.urge import urged as reminded

PAGE_SIZE = 50


def _period(request):
    try:
        return compliance.parse_period(request.GET.get("period", ""), timezone.localdate())
    except ValidationError:
        raise Http404 from None


def _period_or_error(request):
    """The period asked for, or this month with the reason beside what was typed: a person who typed
    a period that does not exist gets the board back with a message at the field, not a 404."""
    try:
        return compliance.parse_period(request.GET.get("period", ""), timezone.localdate()), None
    except ValidationError as refusal:
        return compliance.parse_period("", timezone.localdate()), refusal.messages[0]


def _rule(request, code):
    rule = compliance.rule_for(request.user, code)
    if rule is None:
        raise Http404
    return rule


def _township(request) -> int | None:
    return parse_id(request.GET.get("township"))


def _require_board(user) -> None:
    # Roles that answer for no rule (talents, the auditor, system roles) have no board at all.
    if not compliance.rules_for(user):
        raise Http404


def _quick_periods(today):
    return [
        ("本月", compliance.current_period("month", today)),
        ("本季度", compliance.current_period("quarter", today)),
        ("本半年", compliance.current_period("half", today)),
    ]


def _county(request) -> int | None:
    return parse_id(request.GET.get("county"))


def board(request):
    _require_board(request.user)
    today = timezone.localdate()
    period, period_error = _period_or_error(request)
    county = _county(request)
    # A city-wide user sees the counties first (150 townships × 6 rules was 600 KB), then one county.
    by = "county" if county is None and sees_many_counties(request.user) else "township"
    figures = compliance.board(request.user, period, today, county_id=county, by=by)
    return render(
        request,
        "ledgers/compliance/board.html",
        {
            "period": period,
            "period_error": period_error,
            "period_typed": request.GET.get("period", "") if period_error else period.param,
            "figures": figures,
            "matrix": compliance.by_township(figures),
            "by": by,
            "county": county,
            "cell_rules": {rf.rule.code: rf.rule for rf in figures},
            "quick": _quick_periods(today),
            "meeting_deadline": compliance.meeting_deadline(period),
            "meeting_overdue": compliance.meeting_overdue(period, today),
            "section": "compliance",
        },
    )


def rule_list(request, code):
    _require_board(request.user)
    rule = _rule(request, code)
    period, period_error = _period_or_error(request)
    township = _township(request)
    still_open = request.GET.get("open") == "1"  # the rows not met yet, before the deadline (待完成)
    queryset, months = compliance.behind_queryset(
        request.user, rule, period, timezone.localdate(), township, still_open=still_open, county_id=_county(request)
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = compliance.to_rows(rule, page.object_list, months)
    urged = reminded(rule, period, [row.pk for row in rows])
    headers = compliance.headers(rule, months)
    if still_open and months:
        headers = (*headers[:-1], "进行中的月份")
    return render(
        request,
        "ledgers/compliance/rule.html",
        {
            "rule": rule,
            "period": period,
            "page_obj": page,
            "rows": rows,
            "entries": [(row, urged.get(row.pk)) for row in rows],
            "may_urge": may_urge(request.user),
            "is_county": has_role(request.user, Role.COUNTY_ADMIN),
            "headers": headers,
            "period_error": period_error,
            "period_typed": request.GET.get("period", "") if period_error else period.param,
            "has_months": bool(months),
            "still_open": still_open,
            "township": township,
            "county": _county(request),
            "section": "compliance",
        },
    )


def rule_export(request, code):
    _require_board(request.user)
    rule = _rule(request, code)
    period = _period(request)
    township = _township(request)
    queryset, months = compliance.behind_queryset(
        request.user, rule, period, timezone.localdate(), township, county_id=_county(request)
    )
    rows = compliance.to_rows(rule, queryset, months)
    unit = scope_name(request.user)
    content = compliance_workbook(rule, period, rows, compliance.headers(rule, months), unit=unit)
    audit.record(
        action="export",
        actor=request.user,
        object_type="ledgers.compliance",
        message=f"导出{period.label}“{rule.title}”未达标名单（{len(rows)} 条，Excel）",
    )
    return xlsx_response(content, compliance_filename(rule, period, unit))


@panel_provider
def compliance_panel(request) -> Panel | None:
    """Home page: how many items are behind right now, per rule the user answers for."""
    user = request.user
    if not user.is_authenticated or not compliance.rules_for(user):
        return None
    items = []
    for count in compliance.open_counts(user, timezone.localdate()):
        url = f"{reverse('ledgers:compliance_rule', args=[count.rule.code])}?period={count.period.param}"
        if count.behind:
            items.append(
                PanelItem(count.rule.title, f"未达标 {count.behind}", url, note=f"{count.period.label}，已过期限")
            )
        if count.open:
            note = f"{count.period.label}，{count.rule.subject}尚未完成，期限未到"
            items.append(PanelItem(count.rule.title, f"待完成 {count.open}", f"{url}&open=1", note=note))
    return Panel("结对工作待办", items, order=20, empty_text="各项结对工作都已完成。")


urlpatterns = [
    path("compliance/", board, name="compliance_board"),
    path("compliance/<slug:code>/", rule_list, name="compliance_rule"),
    path("compliance/<slug:code>/export.xlsx", rule_export, name="compliance_export"),
]
