"""The cross-app "work" menu. It lives in config because it spans every app; each entry names the
roles that use the page, so the menu costs no query on pages whose query counts are pinned.
"""

from django.urls import reverse

from pairing.choices import Role

COUNTY, TOWNSHIP, VILLAGE, UNIT, TALENT = (
    Role.COUNTY_ADMIN,
    Role.TOWNSHIP_OFFICER,
    Role.VILLAGE_SECRETARY,
    Role.UNIT_LIAISON,
    Role.TALENT,
)
PARTIES = {COUNTY, TOWNSHIP, VILLAGE, UNIT}

# (label, URL name, roles that see the entry); superusers see every entry.
WORK_MENU = (
    ("三清单一协议", "pairing:agreement_overview", PARTIES),
    ("工作台账", "ledgers:home", PARTIES | {TALENT}),
    ("需求认领", "ledgers:demand_list", PARTIES),
    ("可认领需求", "ledgers:demand_claimable", {TALENT, UNIT}),
    ("需求日汇总", "ledgers:demand_daily", PARTIES),
    ("联席会议", "ledgers:meeting_list", PARTIES),
    ("在村工作表现", "ledgers:evaluation_list", PARTIES),
    ("乡镇半年报告", "ledgers:report_list", {COUNTY, TOWNSHIP}),
    ("合规看板", "ledgers:compliance_board", PARTIES),
    ("账号管理", "pairing:console_accounts", {Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN}),
    ("登录锁定", "pairing:console_lockouts", {Role.SECURITY_ADMIN}),
)


def work_menu(user) -> list[dict]:
    return [
        {"label": label, "url": reverse(url_name)}
        for label, url_name, roles in WORK_MENU
        if user.is_superuser or user.role in roles
    ]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav_work": work_menu(user), "nav_inbox": user.role in PARTIES | {TALENT} or user.is_superuser}
