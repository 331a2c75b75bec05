"""The cross-app menus. They live in config because they span every app; each entry names the
roles that use the page, so the menu costs no query on pages whose query counts are pinned.

Desk roles (county, township, unit) get one "工作" menu of pages. A village secretary and a talent
work on a phone and do a few things often: their menu is those things, named by the verb
(登记活动, 发布需求, 认领需求…), shown flat in the navbar instead of directories of one or two rows.
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
    ("需求解决率", "ledgers:demand_rates", PARTIES),
    ("联席会议", "ledgers:meeting_list", PARTIES),
    ("在村工作表现", "ledgers:evaluation_list", PARTIES),
    ("乡镇半年报告", "ledgers:report_list", {COUNTY, TOWNSHIP}),
    ("合规看板", "ledgers:compliance_board", PARTIES),
    ("考核积分", "assessment:home", PARTIES | {TALENT}),
    ("年度等次", "assessment:grading_list", PARTIES | {TALENT}),
    ("工作看板", "reports:dashboard", {COUNTY, TOWNSHIP, UNIT}),
    ("导入花名册", "pairing:import_home", {COUNTY}),
    ("我的导出", "pairing:export_list", PARTIES | {TALENT}),
    ("账号管理", "pairing:console_accounts", {Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN}),
    ("登录锁定", "pairing:console_lockouts", {Role.SECURITY_ADMIN}),
)


# (label, URL name): the secretary's and the talent's own menus, in the order of a month's work.
# The first FLAT_TASKS entries stand in the navbar; the rest, less frequent, sit under "更多".
FLAT_TASKS = 5
TASK_MENUS = {
    VILLAGE: (
        ("登记活动", "ledgers:activity_create"),
        ("待确认活动", "ledgers:pending"),
        ("本月台账", "ledgers:home"),
        ("发布需求", "ledgers:demand_create"),
        ("本村需求", "ledgers:demand_list"),
        ("三清单一协议", "pairing:agreement_overview"),
        ("联席会议", "ledgers:meeting_list"),
        ("评定人才", "ledgers:evaluation_list"),
        ("合规看板", "ledgers:compliance_board"),
        ("考核积分", "assessment:home"),
        ("我的导出", "pairing:export_list"),
    ),
    TALENT: (
        ("认领需求", "ledgers:demand_claimable"),
        ("登记服务", "ledgers:activity_create"),
        ("我的服务记录", "ledgers:my_services"),
        ("我的积分", "assessment:home"),
    ),
}


def task_menu(user) -> list[dict]:
    if user.is_superuser:
        return []
    return [
        {"label": label, "url": reverse(url_name), "more": index >= FLAT_TASKS}
        for index, (label, url_name) in enumerate(TASK_MENUS.get(user.role, ()))
    ]


def work_menu(user) -> list[dict]:
    if not user.is_superuser and user.role in TASK_MENUS:
        return []
    return [
        {"label": label, "url": reverse(url_name)}
        for label, url_name, roles in WORK_MENU
        if user.is_superuser or user.role in roles
    ]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    tasks = task_menu(user)
    return {
        "nav_tasks": tasks,
        "nav_more_tasks": any(item["more"] for item in tasks),
        "nav_work": work_menu(user),
        "nav_inbox": user.role in PARTIES | {TALENT} or user.is_superuser,
    }
