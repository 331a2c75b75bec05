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
