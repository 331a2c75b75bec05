"""Vocabularies of the assessment app: subjects, parts of the score, events, states and grades."""

from django.db import models


class SubjectType(models.TextChoices):
    TALENT = "talent", "城市人才"
    UNIT = "unit", "县直单位"
    VILLAGE = "village", "村（社区）"
    TOWNSHIP = "township", "乡镇（街道）"


class Part(models.TextChoices):
    PROCESS = "process", "过程性考核"
    COMPREHENSIVE = "comprehensive", "综合性评价"


class Event(models.TextChoices):
    """What a rule counts, per subject type (the issue's vocabulary); computed from confirmed data."""

    # talent
    ACTIVITY = "activity", "参加已确认的服务活动（次）"
    HOURS = "hours", "已确认的服务时长（小时）"
    ACTIVE_MONTH = "active_month", "有活动的月份（个）"
    MISSED_MONTH = "missed_month", "无活动的月份（个）"
    DEMAND_RESOLVED = "demand_resolved", "认领/发布的需求已解决（件）"
    EVALUATION_EXCELLENT = "evaluation_excellent", "季度评定为优秀"
    EVALUATION_GOOD = "evaluation_good", "季度评定为良好"
    EVALUATION_FAIR = "evaluation_fair", "季度评定为一般"
    EVALUATION_POOR = "evaluation_poor", "季度评定为差"
    # unit
    CONTACT_MONTH = "contact_month", "按月联系结对村（村·月）"
    MISSED_CONTACT = "missed_contact", "未按月联系结对村（村·月）"
    AGREEMENT_SIGNED = "agreement_signed", "签署结对共建协议（份）"
    MEETING_HELD = "meeting_held", "召开联席会议（次）"
    PROJECT_COMPLETED = "project_completed", "完成共建项目（个）"
    # village
    MONTH_ON_TIME = "month_on_time", "按时报送月度台账（月）"
    MONTH_LATE = "month_late", "逾期报送月度台账（月）"
    EVALUATION_DONE = "evaluation_done", "完成人才季度评定（人）"
    # township
    MONTH_CONFIRMED_ON_TIME = "month_confirmed_on_time", "按时确认村月度台账（村·月）"
    REPORT_SUBMITTED = "report_submitted", "报送半年工作报告（份）"
    TALENT_ACTIVE_SHARE = "talent_active_share", "人才每月均有活动的比例（0–1）"


EVENTS_BY_SUBJECT = {
    SubjectType.TALENT: (
        Event.ACTIVITY,
        Event.HOURS,
        Event.ACTIVE_MONTH,
        Event.MISSED_MONTH,
        Event.DEMAND_RESOLVED,
        Event.EVALUATION_EXCELLENT,
        Event.EVALUATION_GOOD,
        Event.EVALUATION_FAIR,
        Event.EVALUATION_POOR,
    ),
    SubjectType.UNIT: (
        Event.CONTACT_MONTH,
        Event.MISSED_CONTACT,
        Event.AGREEMENT_SIGNED,
        Event.MEETING_HELD,
        Event.PROJECT_COMPLETED,
    ),
    SubjectType.VILLAGE: (
        Event.MONTH_ON_TIME,
        Event.MONTH_LATE,
        Event.DEMAND_RESOLVED,
        Event.MEETING_HELD,
        Event.EVALUATION_DONE,
    ),
    SubjectType.TOWNSHIP: (Event.MONTH_CONFIRMED_ON_TIME, Event.REPORT_SUBMITTED, Event.TALENT_ACTIVE_SHARE),
}


class RollupState(models.TextChoices):
    COMPUTED = "computed", "已计算"
    CONFIRMED = "confirmed", "县委组织部已确认"
    PUBLISHED = "published", "已公示"


class GradeLevel(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    GOOD = "good", "良好"
    POOR = "poor", "差"


class GradingState(models.TextChoices):
    PROPOSED = "proposed", "拟定中"
    CONFIRMED = "confirmed", "已确认备案"
