from django.db import models


class ActivityKind(models.TextChoices):
    """Kinds of village service activity (DOMAIN.md "The monthly ledger")."""

    THEME = "theme", "主题活动"
    MICRO_SERVICE = "micro_service", "小微服务"
    PROJECT = "project", "结对共建项目"
    POLICY_TALK = "policy_talk", "政策宣讲"
    VISIT = "visit", "走访调研"
    JOINT_MEETING = "joint_meeting", "联席会议"
    UNIT_CONTACT = "unit_contact", "单位联系"
    RESOURCE = "resource", "资源投入"
    OTHER = "other", "其他"


class ActivityStatus(models.TextChoices):
    PENDING = "pending", "待村确认"
    CONFIRMED = "confirmed", "已确认"
    REJECTED = "rejected", "已退回"


class MonthStatus(models.TextChoices):
    """Month close: open → submitted (village) → confirmed (township) → locked (county archive).

    Only an open month accepts changes to its activities; see ledgers/models/months.py.
    """

    OPEN = "open", "填报中"
    SUBMITTED = "submitted", "已报送乡镇"
    CONFIRMED = "confirmed", "乡镇已确认"
    LOCKED = "locked", "已归档锁定"


# Joint meetings (联席会议, 000 §四(一)3), talent evaluations (000 §四(三)5), township reports (000 §四(二)3).
class MeetingStatus(models.TextChoices):
    """Minutes go draft → final; final minutes are read-only except resolution follow-ups."""

    DRAFT = "draft", "纪要草稿"
    FINAL = "final", "纪要已定稿"


class ResolutionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "未开始"
    IN_PROGRESS = "in_progress", "进行中"
    DONE = "done", "已完成"


class EvaluationRating(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    GOOD = "good", "良好"
    FAIR = "fair", "一般"
    POOR = "poor", "差"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "草拟中"
    SUBMITTED = "submitted", "已报送县委组织部"


class DemandType(models.TextChoices):
    """What a village publishes (000 §四(三)2–3): needs, problems, theme activities, micro-services, tasks."""

    NEED = "need", "群众需求"
    PROBLEM = "problem", "问题"
    THEME = "theme", "主题活动"
    MICRO_SERVICE = "micro_service", "小微服务"
    TASK = "task", "共建任务"


class DemandStatus(models.TextChoices):
    """published → claimed → in progress → resolved, or closed unresolved (ledgers/models/demands.py)."""

    PUBLISHED = "published", "待认领"
    CLAIMED = "claimed", "已认领"
    IN_PROGRESS = "in_progress", "办理中"
    RESOLVED = "resolved", "已解决"
    CLOSED = "closed", "未解决关闭"


class ClaimStatus(models.TextChoices):
    ACTIVE = "active", "已认领"
    WITHDRAWN = "withdrawn", "已撤回"
    COMPLETED = "completed", "已完成"
    CLOSED = "closed", "已关闭"


class NotificationKind(models.TextChoices):
    INVITATION = "invitation", "认领邀请"
    DAILY_SUMMARY = "daily_summary", "日汇总"
    REMINDER = "reminder", "提醒"
    NOTICE = "notice", "通知"
    ESCALATION = "escalation", "督办"
    URGE = "urge", "催办"
