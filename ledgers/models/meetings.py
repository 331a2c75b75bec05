"""Joint meetings (联席会议, 000 §四(一)3): each pairing meets every half year, co-chaired by the
unit's honorary village head and the village party leader, and follows up its resolutions."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from pairing.choices import Role
from pairing.core.local_time import local_text
from pairing.core.scoping import ScopedModel
from pairing.models import Pairing, UrbanTalent

from ..choices import MeetingStatus, ResolutionStatus

# The two parties of a pairing record its meetings (DOMAIN.md: the unit records joint meetings;
# the village co-chairs them).
MEETING_EDITORS = frozenset({Role.VILLAGE_SECRETARY, Role.UNIT_LIAISON})


class JointMeeting(ScopedModel):
    """One joint meeting of a pairing: when and where, who chaired and attended, agenda and minutes."""

    pairing = models.ForeignKey(Pairing, models.PROTECT, related_name="joint_meetings", verbose_name="结对关系")
    held_at = models.DateTimeField("召开时间")
    place = models.CharField("会议地点", max_length=100)
    unit_chair = models.CharField("主持人（名誉村长）", max_length=30)
    village_chair = models.CharField("主持人（村党组织负责人）", max_length=30)
    attendees = models.TextField("参会人员", max_length=2000, blank=True, help_text="每行一人，可写单位和职务")
    attendee_talents = models.ManyToManyField(
        UrbanTalent, blank=True, related_name="joint_meetings", verbose_name="参会城市人才"
    )
    attendee_count = models.PositiveSmallIntegerField("参会人数", validators=[MaxValueValidator(500)])
    agenda = models.TextField("会议议题", max_length=2000)
    minutes = models.TextField("会议纪要", max_length=10000, blank=True)
    status = models.CharField("纪要状态", max_length=16, choices=MeetingStatus.choices, default=MeetingStatus.DRAFT)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="记录人"
    )
    created_at = models.DateTimeField("登记时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", default=timezone.now)
    finalized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="定稿人"
    )
    finalized_at = models.DateTimeField("定稿时间", null=True, blank=True)

    scope = Pairing.scope.through("pairing")
    editor_roles = MEETING_EDITORS

    class Meta:
        verbose_name = verbose_name_plural = "联席会议"
        ordering = ["-held_at", "-pk"]
        indexes = [
            models.Index(fields=["pairing", "status", "held_at"], name="meeting_pairing_held_idx"),
            # The list's order: the newest meetings are an index scan (the city's 11,545 were sorted whole).
            models.Index(fields=["-held_at", "-id"], name="meeting_newest_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=MeetingStatus.FINAL) | Q(finalized_at__isnull=False),
                name="meeting_final_has_time",
                violation_error_message="定稿的会议必须记录定稿时间。",
            )
        ]

    def __str__(self):
        return f"{local_text(self.held_at, '%Y-%m-%d')} {self.pairing} 联席会议"

    def get_absolute_url(self) -> str:
        return reverse("ledgers:meeting_detail", args=[self.pk])

    @property
    def is_final(self) -> bool:
        return self.status == MeetingStatus.FINAL


class MeetingResolution(ScopedModel):
    """A decision of a joint meeting, with who carries it out, by when, and how far it has got."""

    meeting = models.ForeignKey(JointMeeting, models.CASCADE, related_name="resolutions", verbose_name="联席会议")
    content = models.TextField("议定事项", max_length=1000)
    responsible = models.CharField("责任人", max_length=60)
    due_date = models.DateField("完成时限", null=True, blank=True)
    follow_up_status = models.CharField(
        "落实情况", max_length=16, choices=ResolutionStatus.choices, default=ResolutionStatus.NOT_STARTED
    )
    follow_up_note = models.CharField("落实说明", max_length=500, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="更新人"
    )
    updated_at = models.DateTimeField("更新时间", default=timezone.now)

    scope = JointMeeting.scope.through("meeting")
    editor_roles = MEETING_EDITORS

    class Meta:
        verbose_name = verbose_name_plural = "会议议定事项"
        ordering = ["meeting", "pk"]

    def __str__(self):
        return self.content[:40]

    def get_absolute_url(self) -> str:
        return reverse("ledgers:meeting_detail", args=[self.meeting_id])
