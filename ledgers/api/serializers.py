from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from pairing.core.api.base import ActionsField, ScopedModelSerializer, ScopedRelatedField
from pairing.models import CountyUnit, UrbanTalent

from ..models import ActivityParticipant, ActivityPhoto, LedgerMonth, ServiceActivity
from ..periods import format_month, parse_month
from ..services import activities, months
from ..services.activities import ActivityInput, ParticipantInput


class ParticipantSerializer(serializers.ModelSerializer):
    talent = ScopedRelatedField(queryset=UrbanTalent.objects.all(), required=False, allow_null=True)
    unit = ScopedRelatedField(queryset=CountyUnit.objects.all(), required=False, allow_null=True)
    talent_name = serializers.CharField(source="talent.name", read_only=True, allow_null=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True, allow_null=True)
    hours = serializers.DecimalField(max_digits=4, decimal_places=1, min_value=Decimal("0.5"), max_value=Decimal("24"))

    class Meta:
        model = ActivityParticipant
        fields = ["talent", "talent_name", "unit", "unit_name", "hours"]


class PhotoSerializer(serializers.ModelSerializer):
    url = serializers.CharField(source="get_absolute_url", read_only=True)
    thumbnail_url = serializers.CharField(read_only=True)

    class Meta:
        model = ActivityPhoto
        fields = ["id", "url", "thumbnail_url", "uploaded_at"]


class ServiceActivitySerializer(ScopedModelSerializer):
    """Status and review fields are read-only: only confirm/ and reject/ change them (SECURITY.md 9)."""

    village_name = serializers.CharField(source="village.name", read_only=True)
    month = serializers.SerializerMethodField()
    participants = ParticipantSerializer(many=True)
    photos = PhotoSerializer(many=True, read_only=True)
    recorded_by = serializers.CharField(source="recorded_by.display_name", read_only=True, allow_null=True)
    reviewed_by = serializers.CharField(source="reviewed_by.display_name", read_only=True, allow_null=True)
    actions = ActionsField(activities.WORKFLOW)

    class Meta:
        model = ServiceActivity
        fields = [
            "id",
            "village",
            "village_name",
            "date",
            "month",
            "kind",
            "title",
            "content",
            "location",
            "beneficiaries",
            "project_item",
            "participants",
            "photos",
            "status",
            "reject_reason",
            "recorded_by",
            "recorded_at",
            "reviewed_by",
            "reviewed_at",
            "actions",
        ]
        read_only_fields = ["status", "reject_reason", "recorded_at", "reviewed_at"]

    def get_month(self, obj) -> str:
        return format_month(obj.month)

    def validate(self, attrs):
        if self.instance is not None and "village" in attrs and attrs["village"].pk != self.instance.village_id:
            raise serializers.ValidationError({"village": "活动登记后不能更换村（社区）。"})
        return attrs

    def activity_input(self) -> ActivityInput:
        """The validated payload merged over the current values (so PATCH changes only what it names)."""
        data = self.validated_data
        current = self.instance
        participants = data.get("participants")
        if participants is None and current is not None:
            participants = [{"talent": p.talent, "unit": p.unit, "hours": p.hours} for p in current.participants.all()]

        def pick(name, default=""):
            return data[name] if name in data else getattr(current, name, default)

        return ActivityInput(
            date=pick("date", None),
            kind=pick("kind"),
            title=pick("title"),
            content=pick("content"),
            location=pick("location"),
            beneficiaries=pick("beneficiaries", 0),
            project_item=pick("project_item", None),
            participants=tuple(
                ParticipantInput(talent=p.get("talent"), unit=p.get("unit"), hours=p["hours"])
                for p in participants or ()
            ),
        )


class PhotoUploadSerializer(serializers.Serializer):
    photo = serializers.FileField()


class ActivityRejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class LedgerMonthSerializer(ScopedModelSerializer):
    village_name = serializers.CharField(source="village.name", read_only=True)
    township = serializers.IntegerField(source="village.township_id", read_only=True)
    month = serializers.CharField(help_text="YYYY-MM")
    submitted_by = serializers.CharField(source="submitted_by.display_name", read_only=True, allow_null=True)
    confirmed_by = serializers.CharField(source="confirmed_by.display_name", read_only=True, allow_null=True)
    reopened_by = serializers.CharField(source="reopened_by.display_name", read_only=True, allow_null=True)
    # The month's totals, which the viewset attaches to every row it answers with (ledger.attach_totals).
    activities = serializers.IntegerField(source="total_activities", read_only=True)
    hours = serializers.DecimalField(source="total_hours", max_digits=10, decimal_places=1, read_only=True)
    participants = serializers.IntegerField(source="total_participants", read_only=True)
    beneficiaries = serializers.IntegerField(source="total_beneficiaries", read_only=True)
    actions = ActionsField(months.WORKFLOW)

    class Meta:
        model = LedgerMonth
        fields = [
            "id",
            "village",
            "village_name",
            "township",
            "month",
            "status",
            "version",
            "submitted_by",
            "submitted_at",
            "confirmed_by",
            "confirmed_at",
            "locked_at",
            "reopened_by",
            "reopened_at",
            "reopen_reason",
            "activities",
            "hours",
            "participants",
            "beneficiaries",
            "actions",
        ]
        read_only_fields = [f for f in fields if f not in ("village", "month")]
        # POST is get-or-create (ensure_month): an existing village+month is not an error.
        validators = []

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["month"] = format_month(instance.month)
        return data

    def validate_month(self, value):
        try:
            return parse_month(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None


class MonthVersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, help_text="所依据的版本号；已被他人更新时返回 409")


class MonthReopenSerializer(MonthVersionSerializer):
    reason = serializers.CharField(max_length=200)
