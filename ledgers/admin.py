from django import forms
from django.contrib import admin
from django.template import TemplateSyntaxError

from pairing.admin import ReadOnlyAdminMixin, SystemConfigurationMixin

from .models import (
    ActivityParticipant,
    ActivityPhoto,
    Demand,
    DemandClaim,
    JointMeeting,
    LedgerMonth,
    MeetingResolution,
    Notification,
    NotificationPreference,
    NotificationTemplate,
    ServiceActivity,
    TalentEvaluation,
    TalentServiceMonth,
    TalentServiceYear,
    TownshipHalfYearReport,
    UnitContactMonth,
)
from .notify_templates import DEFAULTS, check_syntax


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Ledger rows change only through the portal's services (month locks, claim limits, audit)."""


class ParticipantInline(admin.TabularInline):
    model = ActivityParticipant
    extra = 0
    raw_id_fields = ["talent", "unit"]


class PhotoInline(admin.TabularInline):
    model = ActivityPhoto
    extra = 0
    readonly_fields = ["image", "thumbnail", "uploaded_by", "uploaded_at"]


@admin.register(ServiceActivity)
class ServiceActivityAdmin(ReadOnlyAdmin):
    """Read-mostly: changes go through the portal's services so month locks and audit apply."""

    list_display = ["date", "village", "kind", "title", "status", "recorded_by"]
    list_filter = ["status", "kind", "village__township"]
    search_fields = ["title", "content", "village__name"]
    date_hierarchy = "date"
    list_select_related = ["village", "recorded_by"]
    raw_id_fields = ["village", "recorded_by", "reviewed_by"]
    inlines = [ParticipantInline, PhotoInline]


@admin.register(LedgerMonth)
class LedgerMonthAdmin(ReadOnlyAdmin):
    list_display = ["village", "month", "status", "version", "submitted_at", "confirmed_at"]
    list_filter = ["status", "village__township"]
    search_fields = ["village__name"]
    list_select_related = ["village"]


class DemandClaimInline(admin.TabularInline):
    model = DemandClaim
    extra = 0
    can_delete = False
    readonly_fields = ["talent", "unit", "claimed_by", "status", "claimed_at", "withdrawn_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Demand)
class DemandAdmin(ReadOnlyAdmin):
    list_display = ["title", "village", "type", "status", "claimed_count", "people_wanted", "published_at"]
    list_filter = ["status", "type", "category", "village__township"]
    search_fields = ["title", "description", "village__name"]
    list_select_related = ["village"]
    raw_id_fields = ["village", "served_by", "published_by", "finished_by", "agreement_item"]
    inlines = [DemandClaimInline]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["title", "recipient", "talent", "kind", "rule", "period", "channels", "created_at", "read_at"]
    list_filter = ["kind", "rule"]
    raw_id_fields = ["recipient", "talent", "sent_by"]


class NotificationTemplateForm(forms.ModelForm):
    class Meta:
        model = NotificationTemplate
        fields = ["code", "title", "body"]

    def clean_code(self):
        code = self.cleaned_data["code"]
        if code not in DEFAULTS:
            raise forms.ValidationError("没有这个模板代码。")
        return code

    def _check(self, name):
        value = self.cleaned_data[name]
        try:
            check_syntax(value)
        except TemplateSyntaxError:
            raise forms.ValidationError("模板格式有误：请检查 {{ 和 }} 是否成对。") from None
        return value

    def clean_title(self):
        return self._check("title")

    def clean_body(self):
        return self._check("body")


@admin.register(NotificationTemplate)
class NotificationTemplateAdmin(SystemConfigurationMixin, admin.ModelAdmin):
    """The system administrator edits the wording of every notification; {{ name }} fills in a value."""

    form = NotificationTemplateForm
    list_display = ["code", "label", "title", "updated_at"]
    search_fields = ["code", "title", "body"]

    @admin.display(description="用途")
    def label(self, obj):
        default = DEFAULTS.get(obj.code)
        return default.label if default else ""

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        default = DEFAULTS.get(obj.code) if obj else None
        if default:
            form.base_fields["body"].help_text = f"可用的值：{default.fields}"
        return form


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "email", "sms"]
    raw_id_fields = ["user"]


class ResolutionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = MeetingResolution
    extra = 0


@admin.register(JointMeeting)
class JointMeetingAdmin(ReadOnlyAdmin):
    list_display = ["pairing", "held_at", "place", "status", "attendee_count"]
    list_filter = ["status", "pairing__village__township"]
    search_fields = ["pairing__village__name", "pairing__unit__name", "agenda"]
    list_select_related = ["pairing__village", "pairing__unit"]
    inlines = [ResolutionInline]


@admin.register(TalentEvaluation)
class TalentEvaluationAdmin(ReadOnlyAdmin):
    list_display = ["talent", "village", "year", "quarter", "rating", "score", "forwarded_at"]
    list_filter = ["year", "quarter", "rating"]
    search_fields = ["talent__name", "village__name"]
    list_select_related = ["talent", "village"]


@admin.register(TownshipHalfYearReport)
class TownshipHalfYearReportAdmin(ReadOnlyAdmin):
    list_display = ["township", "year", "half", "status", "submitted_at"]
    list_filter = ["year", "half", "status"]
    list_select_related = ["township"]


@admin.register(TalentServiceMonth)
class TalentServiceMonthAdmin(ReadOnlyAdmin):
    # Derived from the confirmed activities (ledgers.services.service_months); read-only here.
    list_display = ["talent", "village", "month", "activities", "hours"]
    list_filter = ["month"]
    search_fields = ["talent__name", "village__name"]
    list_select_related = ["talent", "village"]


@admin.register(TalentServiceYear)
class TalentServiceYearAdmin(ReadOnlyAdmin):
    # Derived from the month rows above (ledgers.services.service_months); read-only here.
    list_display = ["talent", "year", "months_served"]
    list_filter = ["year"]
    search_fields = ["talent__name"]
    list_select_related = ["talent"]

    @admin.display(description="有服务的月份")
    def months_served(self, obj):
        return "、".join(f"{m}月" for m in range(1, 13) if obj.months & 1 << (m - 1)) or "—"


@admin.register(UnitContactMonth)
class UnitContactMonthAdmin(ReadOnlyAdmin):
    list_display = ["unit", "village", "month", "activities"]
    list_filter = ["month"]
    search_fields = ["unit__name", "village__name"]
    list_select_related = ["unit", "village"]
