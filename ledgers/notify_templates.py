"""The shipped wording of every notification; county admins override it in the admin
(NotificationTemplate rows). Templates use Django's template syntax: {{ name }} fills in a value.
"""

from dataclasses import dataclass
from functools import cached_property

from django.template import Context, Engine, TemplateSyntaxError

# Plain text (SMS, email, the inbox escapes on display): no HTML autoescaping while rendering.
ENGINE = Engine(autoescape=False)


@dataclass(frozen=True)
class Default:
    label: str
    title: str
    body: str
    fields: str  # the values a template may use, for the admin's help text


DEFAULTS: dict[str, Default] = {
    # -- events --------------------------------------------------------------------------------
    "demand_claimed": Default(
        "需求被认领",
        "{{ claimant }}认领了需求：{{ demand }}",
        "{{ village }}发布的“{{ demand }}”已由{{ claimant }}认领（{{ claimed }}/{{ wanted }}）。",
        "village, demand, claimant, claimed, wanted",
    ),
    "demand_resolved": Default(
        "需求已解决",
        "需求已解决：{{ demand }}",
        "{{ village }}的“{{ demand }}”已标记为已解决。办理结果：{{ outcome }}",
        "village, demand, outcome",
    ),
    "demand_closed": Default(
        "需求已关闭",
        "需求已关闭：{{ demand }}",
        "{{ village }}关闭了“{{ demand }}”。原因：{{ reason }}",
        "village, demand, reason",
    ),
    "invitation": Default(
        "认领邀请",
        "{{ village }}邀请您认领：{{ demand }}",
        "{{ village }}发布的{{ type }}“{{ demand }}”需要您的帮助，还差 {{ places }} 人。请打开查看并认领。",
        "village, demand, type, places",
    ),
    "activity_confirmed": Default(
        "服务活动已确认",
        "您登记的服务活动已确认：{{ activity }}",
        "{{ village }}已确认您于{{ date }}登记的服务活动“{{ activity }}”。",
        "village, activity, date",
    ),
    "activity_rejected": Default(
        "服务活动被退回",
        "您登记的服务活动被退回：{{ activity }}",
        "{{ village }}退回了您于{{ date }}登记的服务活动“{{ activity }}”。原因：{{ reason }}",
        "village, activity, date, reason",
    ),
    "month_submitted": Default(
        "月度台账已报送",
        "{{ village }}报送了{{ month }}工作台账",
        "{{ village }}已报送{{ month }}工作台账，请审核确认。",
        "village, month",
    ),
    "month_confirmed": Default(
        "月度台账已确认",
        "{{ month }}工作台账已确认",
        "{{ township }}已确认{{ village }}{{ month }}工作台账。",
        "village, township, month",
    ),
    "month_reopened": Default(
        "月度台账被退回",
        "{{ month }}工作台账被退回",
        "{{ village }}{{ month }}工作台账被退回，请修改后重新报送。原因：{{ reason }}",
        "village, month, reason",
    ),
    "month_locked": Default(
        "月度台账已归档",
        "{{ month }}工作台账已归档",
        "{{ village }}{{ month }}工作台账已由县委组织部归档。",
        "village, month",
    ),
    "agreement_submitted": Default(
        "共建协议待确认",
        "{{ village }}提交了{{ year }}年结对共建协议",
        "{{ village }}与{{ unit }}的{{ year }}年三清单一协议已提交，请确认。",
        "village, unit, year",
    ),
    "agreement_confirmed": Default(
        "共建协议已确认",
        "{{ year }}年结对共建协议已确认",
        "{{ village }}与{{ unit }}的{{ year }}年三清单一协议已确认，可以签订。",
        "village, unit, year",
    ),
    "agreement_rejected": Default(
        "共建协议被退回",
        "{{ year }}年结对共建协议被退回",
        "{{ village }}与{{ unit }}的{{ year }}年三清单一协议被退回。原因：{{ reason }}",
        "village, unit, year, reason",
    ),
    "agreement_signed": Default(
        "共建协议已签订",
        "{{ year }}年结对共建协议已签订",
        "{{ village }}与{{ unit }}的{{ year }}年三清单一协议已签订。",
        "village, unit, year",
    ),
    "resolution_due": Default(
        "议定事项即将到期",
        "联席会议议定事项将于{{ due }}到期",
        "{{ village }}与{{ unit }}联席会议议定的“{{ content }}”（责任人：{{ responsible }}）"
        "将于{{ due }}到期，请抓紧落实。",
        "village, unit, content, responsible, due",
    ),
    "evaluation_forwarded": Default(
        "人才评价已转送",
        "{{ talent }}的{{ quarter }}评价已转送",
        "{{ township }}已将{{ village }}对{{ talent }}的{{ quarter }}评价转送本单位。",
        "talent, village, township, quarter",
    ),
    "grades_confirmed": Default(
        "年度等次已确定",
        "您的{{ year }}年度考核等次已确定",
        "您的{{ year }}年度考核等次为“{{ grade }}”。",
        "year, grade",
    ),
    # -- rule reminders ------------------------------------------------------------------------
    "demand_daily_digest": Default(
        "需求日汇总",
        "{{ date }}需求日汇总：新增{{ new }}条，待认领{{ unclaimed }}条，逾期{{ overdue }}条",
        "{{ scope }}：新增需求 {{ new }} 条，尚未认领 {{ unclaimed }} 条，"
        "超过期望完成日期 {{ overdue }} 条。请及时研判、认领和办理。",
        "date, scope, new, unclaimed, overdue",
    ),
    "talent_monthly_service": Default(
        "人才月度服务提醒",
        "{{ month }}您还没有参加服务活动",
        "{{ name }}您好：{{ month }}您在{{ village }}还没有已确认或待确认的服务活动。"
        "每名城市人才每月至少参加1次服务活动，请在月底前参加并登记。",
        "name, month, village",
    ),
    "unit_monthly_contact": Default(
        "单位月度联系提醒",
        "{{ month }}本单位尚未联系{{ count }}个结对村",
        "{{ unit }}{{ month }}尚未联系的结对村（社区）：{{ villages }}。县直单位每月应联系结对村，请在月底前安排。",
        "unit, month, count, villages",
    ),
    "village_month_submit": Default(
        "月度台账报送提醒",
        "请报送{{ month }}工作台账",
        "{{ village }}{{ month }}工作台账尚未报送，请核对活动后报送乡镇。",
        "village, month",
    ),
    "township_month_confirm": Default(
        "月度台账确认提醒",
        "有{{ count }}个村的{{ month }}台账待确认",
        "{{ township }}有 {{ count }} 个村（社区）已报送{{ month }}工作台账，等待确认：{{ villages }}。",
        "township, month, count, villages",
    ),
    "county_month_escalation": Default(
        "月度台账督办",
        "{{ month }}仍有{{ count }}个村的台账未完成",
        "截至{{ date }}，{{ month }}仍有 {{ count }} 个村（社区）的工作台账未报送或未确认：{{ villages }}。",
        "month, date, count, villages",
    ),
    "agreement_signing": Default(
        "协议签订提醒",
        "请签订{{ year }}年三清单一协议",
        "{{ village }}与{{ unit }}的{{ year }}年三清单一协议尚未签订，请在3月31日前完成。",
        "village, unit, year",
    ),
    "agreement_escalation": Default(
        "协议签订督办",
        "{{ count }}个结对关系未签订{{ year }}年协议",
        "{{ township }}有 {{ count }} 个结对关系逾期未签订{{ year }}年三清单一协议：{{ pairings }}。",
        "township, year, count, pairings",
    ),
    "meeting_half_year": Default(
        "联席会议提醒",
        "{{ half }}联席会议尚未召开",
        "{{ village }}与{{ unit }}{{ half }}尚未召开联席会议，请在{{ deadline }}前召开并登记。",
        "village, unit, half, deadline",
    ),
    "resolution_overdue": Default(
        "议定事项逾期",
        "联席会议议定事项已逾期",
        "{{ village }}与{{ unit }}联席会议议定的“{{ content }}”（责任人：{{ responsible }}）"
        "已于{{ due }}到期，尚未落实。",
        "village, unit, content, responsible, due",
    ),
    "township_half_year_report": Default(
        "半年工作报告提醒",
        "请报送{{ half }}工作报告",
        "{{ township }}{{ half }}工作报告尚未报送，请整理后报送县委组织部。",
        "township, half",
    ),
    "demand_unclaimed_escalation": Default(
        "需求久未认领",
        "需求{{ days }}天无人认领：{{ demand }}",
        "{{ village }}于{{ published }}发布的“{{ demand }}”已{{ days }}天无人认领，请结对单位和乡镇协调。",
        "village, demand, published, days",
    ),
    "demand_overdue_claimers": Default(
        "认领需求已逾期",
        "您认领的需求已过期望完成日期：{{ demand }}",
        "您认领的{{ village }}“{{ demand }}”期望在{{ due }}前完成，现已逾期，请尽快办理。",
        "village, demand, due",
    ),
    "urge": Default(
        "催办",
        "催办：{{ rule }}",
        "{{ sender }}提醒您：{{ period }}“{{ rule }}”尚未完成（{{ subject }}），请尽快办理。",
        "sender, rule, period, subject",
    ),
}


@dataclass(frozen=True)
class Compiled:
    code: str
    title_source: str
    body_source: str

    @cached_property
    def _title(self):
        return ENGINE.from_string(self.title_source)

    @cached_property
    def _body(self):
        return ENGINE.from_string(self.body_source)

    def render(self, context: dict) -> tuple[str, str]:
        ctx = Context(context, autoescape=False)
        return self._title.render(ctx).strip()[:100], self._body.render(ctx).strip()[:2000]


def compiled(code: str) -> Compiled:
    """The admin's wording for `code` if it has one (and it compiles), else the shipped default."""
    from .models import NotificationTemplate

    default = DEFAULTS[code]
    row = NotificationTemplate.objects.filter(code=code).first()
    if row is not None:
        candidate = Compiled(code, row.title, row.body)
        try:
            candidate._title, candidate._body  # noqa: B018 - compile now, fall back if broken
            return candidate
        except TemplateSyntaxError:
            pass
    return Compiled(code, default.title, default.body)


def check_syntax(source: str) -> None:
    """Raise TemplateSyntaxError for a template that does not compile (the admin form's check)."""
    ENGINE.from_string(source)
