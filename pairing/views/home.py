"""The home page: "what needs my attention", as a list of panels.

Each panel comes from a provider function that takes the request and returns a Panel or None.
Later features (agreements, ledgers, demands) add their attention items with `@panel_provider`
in their own module, which must be imported at startup (e.g. from their views module).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone

from pairing.core.local_time import local_text

from .. import queries
from ..choices import AuditAction, Role
from ..context_processors import can_read_audit_log, role_sees
from ..models import AuditEvent, CountyUnit, Pairing, TalentAssignment, Township, UrbanTalent, Village


@dataclass
class PanelItem:
    label: str
    value: object = ""
    url: str = ""
    note: str = ""


@dataclass
class Panel:
    title: str
    items: list[PanelItem] = field(default_factory=list)
    order: int = 100  # lower comes first
    empty_text: str = "暂无需要处理的事项"
    style: str = "list"  # "counts" shows the values as big numbers


PANEL_PROVIDERS: list[Callable] = []


def panel_provider(func: Callable) -> Callable:
    PANEL_PROVIDERS.append(func)
    return func


def post_name(user) -> str:
    """The user's own place in the county, named on the home page ("甲一村（东岳镇）", "县农业农村局")."""
    if user.role == Role.VILLAGE_SECRETARY and user.village_id:
        return f"{user.village.name}（{user.village.township.name}）"
    if user.role == Role.TOWNSHIP_OFFICER and user.township_id:
        return user.township.name
    if user.role == Role.UNIT_LIAISON and user.unit_id:
        return user.unit.name
    if user.role == Role.TALENT and user.talent_id and user.talent.unit_id:
        return user.talent.unit.name
    if user.county_id:
        return user.county.name
    return ""


# What the two administrators of 三员分立 look after (their pages come with the security work).
ADMINISTERS = {
    Role.SYSTEM_ADMIN: ("账号和角色", "系统设置", "定时任务"),
    Role.SECURITY_ADMIN: ("安全策略", "登录锁定", "会话和密码规则"),
}


@panel_provider
def administers(request) -> Panel | None:
    duties = ADMINISTERS.get(request.user.role)
    if duties is None:
        return None
    url = reverse("admin:index") if request.user.is_staff else ""
    note = "" if url else "三员分立：不接触业务数据；管理页面随安全加固提供"
    items = [PanelItem(duty, "进入" if url else "", url, note=note) for duty in duties]
    return Panel("我管理的内容", items, order=10)


@panel_provider
def agreements_to_act(request) -> Panel | None:
    """The secretary's and the liaison's agreements waiting for their step, each linked."""
    user = request.user
    if user.role not in queries.NEXT_STEP_BY_ROLE:
        return None
    year = timezone.localdate().year
    items = [
        PanelItem(
            f"{agreement.pairing.village.name} · {agreement.pairing.unit.name}", step, agreement.get_absolute_url()
        )
        for agreement, step in queries.agreements_awaiting(user, year)
    ]
    return Panel(f"{year}年三清单一协议待办", items, order=15, empty_text="没有等您办理的协议。")


@panel_provider
def scope_counts(request) -> Panel | None:
    user = request.user
    sections = (
        (Township, "乡镇（街道）", "pairing:township_list"),
        (Village, "村（社区）", "pairing:village_list"),
        (CountyUnit, "县直单位", "pairing:countyunit_list"),
        (UrbanTalent, "城市人才", "pairing:urbantalent_list"),
        (Pairing, "结对关系", "pairing:pairing_list"),
    )
    items = [
        PanelItem(label, model.objects.visible_to(user).count(), reverse(url_name))
        for model, label, url_name in sections
        if role_sees(user, model)
    ]
    if not items or user.role == Role.TALENT:
        return None
    # A secretary's scope is one village: its to-dos come first, the directory counts after them.
    return Panel("我的管理范围", items, order=90 if user.role == Role.VILLAGE_SECRETARY else 10, style="counts")


@panel_provider
def talent_service(request) -> Panel | None:
    user = request.user
    if user.role != Role.TALENT or user.talent_id is None:
        return None
    year = timezone.localdate().year
    talent = UrbanTalent.objects.visible_to(user).select_related("unit").filter(pk=user.talent_id).first()
    if talent is None:
        return None
    assignment = (
        TalentAssignment.objects.visible_to(user).filter(talent=talent, year=year).select_related("village").first()
    )
    unit = talent.unit
    items = [
        PanelItem("我的信息", talent.name, talent.get_absolute_url()),
        PanelItem("所在单位", unit.name if unit else "—", unit.get_absolute_url() if unit else ""),
    ]
    if assignment is not None:
        items.append(
            PanelItem(f"{year}年服务村（社区）", assignment.village.name, assignment.village.get_absolute_url())
        )
    else:
        items.append(PanelItem(f"{year}年服务村（社区）", "尚未分配", note="请联系所在乡镇党委"))
    return Panel("我的服务", items, order=10)


@panel_provider
def recent_audit_events(request) -> Panel | None:
    user = request.user
    if not can_read_audit_log(user):
        return None
    events = AuditEvent.objects.visible_to(user)[:10]
    items = [
        PanelItem(
            f"{local_text(e.created_at, '%m-%d %H:%M')} {e.username or '匿名'}",
            e.get_result_display(),
            note=f"{action_label(e.action)} {e.object_repr}".strip(),
        )
        for e in events
    ]
    return Panel("最近的审计记录", items, order=10, empty_text="暂无审计记录")


def action_label(action: str) -> str:
    return AuditAction(action).label if action in AuditAction.values else action


def home(request):
    panels = [panel for provider in PANEL_PROVIDERS if (panel := provider(request)) is not None]
    panels.sort(key=lambda p: p.order)
    return render(request, "pairing/home.html", {"panels": panels, "post_name": post_name(request.user)})


urlpatterns = [path("", home, name="home")]
