"""Joint meetings API: meetings (finalize/) and their resolutions (meeting-resolutions/, follow-up/).

Scoping comes from the base viewsets; every change calls a service in ledgers/services/meetings.py.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from pairing.core.api.base import ActionsField, ScopedModelSerializer, ScopedRelatedField, ScopedWorkflowViewSet
from pairing.models import Pairing, UrbanTalent

from ..choices import ResolutionStatus
from ..filtersets import JointMeetingFilterSet, MeetingResolutionFilterSet
from ..models import JointMeeting, MeetingResolution
from ..services import meetings as meeting_service


class ResolutionSerializer(ScopedModelSerializer):
    meeting = ScopedRelatedField(queryset=JointMeeting.objects.all())
    updated_by = serializers.CharField(source="updated_by.display_name", read_only=True, allow_null=True)

    class Meta:
        model = MeetingResolution
        fields = [
            "id",
            "meeting",
            "content",
            "responsible",
            "due_date",
            "follow_up_status",
            "follow_up_note",
            "updated_by",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.instance is not None and "meeting" in attrs and attrs["meeting"].pk != self.instance.meeting_id:
            raise serializers.ValidationError({"meeting": "议定事项不能移到另一次会议。"})
        return attrs

    def resolution_input(self) -> meeting_service.ResolutionInput:
        data, current = self.validated_data, self.instance

        def pick(name, default):
            return data[name] if name in data else getattr(current, name, default)

        return meeting_service.ResolutionInput(
            content=pick("content", ""),
            responsible=pick("responsible", ""),
            due_date=pick("due_date", None),
            follow_up_status=pick("follow_up_status", ResolutionStatus.NOT_STARTED),
            follow_up_note=pick("follow_up_note", ""),
        )


class JointMeetingSerializer(ScopedModelSerializer):
    """Status and finalization fields are read-only: only finalize/ changes them (SECURITY.md 9)."""

    pairing = ScopedRelatedField(queryset=Pairing.objects.all())
    attendee_talents = ScopedRelatedField(queryset=UrbanTalent.objects.all(), many=True, required=False)
    village = serializers.IntegerField(source="pairing.village_id", read_only=True)
    village_name = serializers.CharField(source="pairing.village.name", read_only=True)
    unit = serializers.IntegerField(source="pairing.unit_id", read_only=True)
    unit_name = serializers.CharField(source="pairing.unit.name", read_only=True)
    unit_chair = serializers.CharField(max_length=30, required=False, help_text="默认为结对关系的现任名誉村长")
    village_chair = serializers.CharField(max_length=30, required=False, help_text="默认为村党组织书记")
    resolutions = ResolutionSerializer(many=True, read_only=True)
    recorded_by = serializers.CharField(source="recorded_by.display_name", read_only=True, allow_null=True)
    finalized_by = serializers.CharField(source="finalized_by.display_name", read_only=True, allow_null=True)
    actions = ActionsField(meeting_service.WORKFLOW)

    class Meta:
        model = JointMeeting
        fields = [
            "id",
            "pairing",
            "village",
            "village_name",
            "unit",
            "unit_name",
            "held_at",
            "place",
            "unit_chair",
            "village_chair",
            "attendees",
            "attendee_talents",
            "attendee_count",
            "agenda",
            "minutes",
            "status",
            "resolutions",
            "recorded_by",
            "created_at",
            "updated_at",
            "finalized_by",
            "finalized_at",
            "actions",
        ]
        read_only_fields = ["status", "created_at", "updated_at", "finalized_at"]

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.instance is not None and "pairing" in attrs and attrs["pairing"].pk != self.instance.pairing_id:
            raise serializers.ValidationError({"pairing": "会议登记后不能更换结对关系。"})
        return attrs

    def meeting_input(self) -> meeting_service.MeetingInput:
        data, current = self.validated_data, self.instance
        pairing = current.pairing if current is not None else data["pairing"]
        unit_chair, village_chair = meeting_service.default_chairs(pairing) if current is None else ("", "")

        def pick(name, default=""):
            return data[name] if name in data else getattr(current, name, default)

        talents = data.get("attendee_talents")
        if talents is None:
            talents = list(current.attendee_talents.all()) if current is not None else []
        return meeting_service.MeetingInput(
            held_at=pick("held_at", None),
            place=pick("place"),
            unit_chair=pick("unit_chair", unit_chair) or unit_chair,
            village_chair=pick("village_chair", village_chair) or village_chair,
            attendees=pick("attendees"),
            attendee_count=pick("attendee_count", None),
            agenda=pick("agenda"),
            minutes=pick("minutes"),
            attendee_talents=tuple(talents),
        )


class JointMeetingViewSet(ScopedWorkflowViewSet):
    queryset = JointMeeting.objects.select_related(
        "pairing__village", "pairing__unit", "recorded_by", "finalized_by"
    ).prefetch_related("attendee_talents", "resolutions__updated_by")
    serializer_class = JointMeetingSerializer
    filterset_class = JointMeetingFilterSet
    ordering_fields = ["held_at", "status", "created_at"]
    ordering = ["-held_at", "-id"]

    def perform_create(self, serializer):
        serializer.instance = meeting_service.create_meeting(
            actor=self.request.user, pairing=serializer.validated_data["pairing"], data=serializer.meeting_input()
        )

    def perform_update(self, serializer):
        serializer.instance = meeting_service.update_meeting(
            actor=self.request.user, meeting=serializer.instance, data=serializer.meeting_input()
        )

    def perform_destroy(self, instance):
        meeting_service.delete_meeting(actor=self.request.user, meeting=instance)

    @extend_schema(request=None, responses=JointMeetingSerializer)
    @action(detail=True, methods=["post"])
    def finalize(self, request, pk=None):
        """Draft → final: the minutes become read-only (resolution follow-ups still change)."""
        meeting = meeting_service.finalize_meeting(actor=request.user, meeting=self.get_object())
        return Response(self.get_serializer(self.get_queryset().get(pk=meeting.pk)).data)


class FollowUpSerializer(serializers.Serializer):
    follow_up_status = serializers.ChoiceField(choices=ResolutionStatus.choices)
    follow_up_note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class MeetingResolutionViewSet(ScopedWorkflowViewSet):
    queryset = MeetingResolution.objects.select_related("meeting", "updated_by")
    serializer_class = ResolutionSerializer
    filterset_class = MeetingResolutionFilterSet
    ordering_fields = ["due_date", "updated_at", "follow_up_status"]
    ordering = ["meeting", "id"]

    def perform_create(self, serializer):
        serializer.instance = meeting_service.add_resolution(
            actor=self.request.user, meeting=serializer.validated_data["meeting"], data=serializer.resolution_input()
        )

    def perform_update(self, serializer):
        serializer.instance = meeting_service.update_resolution(
            actor=self.request.user, resolution=serializer.instance, data=serializer.resolution_input()
        )

    def perform_destroy(self, instance):
        meeting_service.delete_resolution(actor=self.request.user, resolution=instance)

    @extend_schema(request=FollowUpSerializer, responses=ResolutionSerializer)
    @action(detail=True, methods=["post"], url_path="follow-up")
    def follow_up(self, request, pk=None):
        """Record how a resolution is being carried out (also on final minutes)."""
        form = FollowUpSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        resolution = meeting_service.follow_up_resolution(
            actor=request.user,
            resolution=self.get_object(),
            status=form.validated_data["follow_up_status"],
            note=form.validated_data["follow_up_note"],
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=resolution.pk)).data)
