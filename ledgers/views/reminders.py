"""催办 from a rule's list, and the reminder log (who was reminded, by which channel, who complied)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from pairing.choices import Role
from pairing.core.filtering import parse_id
from pairing.roles import has_role

from ..choices import NotificationKind
from ..services.notifications import CHANNEL_LABELS
from ..services.urge import may_urge, reminder_log_rows, urge
from .compliance import _period, _require_board, _rule


@require_POST
def urge_view(request, code):
    _require_board(request.user)
    rule = _rule(request, code)
    if not may_urge(request.user):
        raise Http404
    period = _period(request)
    still_open = request.GET.get("open") == "1"  # urging the rows still open before the deadline
    township, county = parse_id(request.GET.get("township")), parse_id(request.GET.get("county"))
    back = f"{reverse('ledgers:compliance_rule', args=[code])}?period={period.param}"
    if still_open:
        back += "&open=1"
    back += f"&township={township}" if township else ""
    back += f"&county={county}" if county else ""
    if request.POST.get("all") == "1":
        ids = None
    else:
        ids = [i for i in (parse_id(v) for v in request.POST.getlist("row")) if i is not None]
        if not ids:
            messages.error(request, "请先勾选要催办的对象，或选择“全部催办”。")
            return redirect(back)
    outcome = urge(
        actor=request.user,
        rule=rule,
        period=period,
        today=timezone.localdate(),
        row_ids=ids,
        still_open=still_open,
        township_id=township,
        county_id=county,
    )
    if outcome.sent:
        messages.success(request, f"已催办，发送 {outcome.sent} 条提醒。")
    else:
        messages.info(request, "所选对象本期已催办过，没有重复发送。")
    return redirect(back)


def reminder_log(request, code):
    """County admins: per rule and period, every reminder and 催办 sent about rows in their scope,
    with the channels, the sender, and whether the row has since complied."""
    if not has_role(request.user, Role.COUNTY_ADMIN):
        raise Http404
    rule = _rule(request, code)
    period = _period(request)
    today = timezone.localdate()
    rows, behind = reminder_log_rows(request.user, rule, period, today)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    entries = [
        {
            "row": n,
            "who": n.recipient.display_name if n.recipient else f"{n.talent.name}（未开通账号）",
            "how": "、".join(CHANNEL_LABELS.get(c, c) for c in n.channel_list),
            "by": n.sent_by.display_name if n.sent_by else "系统定时提醒",
            "kind": "催办" if n.kind == NotificationKind.URGE else "提醒",
            "complied": n.subject_id not in behind,
        }
        for n in page.object_list
    ]
    reminded = set(rows.values_list("subject_id", flat=True))
    return render(
        request,
        "ledgers/compliance/log.html",
        {
            "rule": rule,
            "period": period,
            "page_obj": page,
            "entries": entries,
            "reminded": len(reminded),
            "complied": len(reminded - behind),
            "still_behind": len(reminded & behind),
            "never_reminded": len(behind - reminded),
            "section": "compliance",
        },
    )


urlpatterns = [
    path("compliance/<slug:code>/urge/", urge_view, name="compliance_urge"),
    path("compliance/<slug:code>/log/", reminder_log, name="reminder_log"),
]
