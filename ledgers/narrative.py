"""The generated draft of a township's half-year work report, which the officer then edits.

It states the half year's figures and, for each rule the compliance board checks, how many met it
and which villages and units are behind: the board's own queries (ledgers.compliance), so the
draft says what the board says.
"""

import datetime

from django.db.models import Count, Q, Sum

from pairing.models import Pairing, TalentAssignment, Township, Village

from . import compliance
from .choices import ActivityStatus, DemandStatus
from .models import ActivityParticipant, Demand, ServiceActivity
from .periods import aware_bounds, half_label, half_year_range

NARRATIVE_RULES = ("talents", "units", "agreements", "meetings", "months")
NAMED = 10  # rows named per rule before "等 N 个"
NUMERALS = "一二三四五六七八九十"


def _percent(done: int, total: int) -> str:
    return f"{100 * done / total:.1f}%" if total else "—"


def _basics(user, township: Township, year: int, half: int) -> str:
    start, end = half_year_range(year, half)
    activities = ServiceActivity.objects.visible_to(user).filter(
        village__township=township, date__gte=start, date__lt=end, status=ActivityStatus.CONFIRMED
    )
    hours = ActivityParticipant.objects.filter(activity__in=activities.values("pk")).aggregate(h=Sum("hours"))["h"]
    aware = aware_bounds(start, end)
    demands = (
        Demand.objects.visible_to(user)
        .filter(village__township=township, published_at__gte=aware[0], published_at__lt=aware[1])
        .aggregate(n=Count("pk"), done=Count("pk", filter=Q(status=DemandStatus.RESOLVED)))
    )
    villages = Village.objects.visible_to(user).filter(township=township).count()
    pairings = Pairing.objects.active_in(year).visible_to(user).filter(village__township=township).count()
    talents = TalentAssignment.objects.visible_to(user).filter(year=year, village__township=township).count()
    return (
        f"本乡镇共有村（社区）{villages} 个，结对关系 {pairings} 对，选派城市人才 {talents} 人。"
        f"{half_label(year, half)}共开展经确认的服务活动 {activities.count()} 次，服务时长 {hours or 0} 小时；"
        f"收集群众需求 {demands['n']} 件，已解决 {demands['done']} 件，"
        f"解决率 {_percent(demands['done'], demands['n'])}。"
    )


def _rule_paragraph(user, rule, period, today, township: Township) -> str:
    figures = compliance.rule_figures(user, rule, period, today)
    figure = next((t for t in figures.townships if t.township_id == township.pk), None)
    total, behind = (figure.total, figure.behind) if figure else (0, 0)
    done = total - behind
    text = f"{rule.title}：应达标 {total} 个（{rule.subject}），已达标 {done} 个，达标率 {_percent(done, total)}。"
    if not behind:
        return text
    rows = compliance.behind_rows(user, rule, period, today, township.pk)
    named = []
    for row in rows[:NAMED]:
        cells = "·".join(c for c in row.cells[1:] if c)  # the township's own name is implied
        named.append(f"{cells}（{row.missed_label}）" if row.missed else cells)
    more = f"等 {len(rows)} 个" if len(rows) > NAMED else ""
    return f"{text}尚未达标：{'；'.join(named)}{more}。"


def draft(user, township: Township, year: int, half: int, today: datetime.date) -> str:
    """The draft text; every figure is read within `user`'s scope."""
    period = compliance.Period("half", year, half)
    lines = [
        f"{township.name}{half_label(year, half)}“双结对双帮扶”工作报告",
        "",
        "一、基本情况",
        _basics(user, township, year, half),
    ]
    lines += ["", "二、各项要求落实情况"]
    for index, code in enumerate(NARRATIVE_RULES):
        lines.append(f"（{NUMERALS[index]}）" + _rule_paragraph(user, compliance.RULES[code], period, today, township))
    lines += ["", "三、存在的问题和下一步打算", "（请填写）"]
    return "\n".join(lines)
