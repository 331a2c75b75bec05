from django.contrib import admin

from .models import ActivityParticipant, ActivityPhoto, Demand, DemandClaim, LedgerMonth, Notification, ServiceActivity


class ParticipantInline(admin.TabularInline):
    model = ActivityParticipant
    extra = 0
    raw_id_fields = ["talent", "unit"]


class PhotoInline(admin.TabularInline):
    model = ActivityPhoto
    extra = 0
    readonly_fields = ["image", "thumbnail", "uploaded_by", "uploaded_at"]


@admin.register(ServiceActivity)
class ServiceActivityAdmin(admin.ModelAdmin):
    """Read-mostly: changes go through the portal's services so month locks and audit apply."""

    list_display = ["date", "village", "kind", "title", "status", "recorded_by"]
    list_filter = ["status", "kind", "village__township"]
    search_fields = ["title", "content", "village__name"]
    date_hierarchy = "date"
    list_select_related = ["village", "recorded_by"]
    raw_id_fields = ["village", "recorded_by", "reviewed_by"]
    inlines = [ParticipantInline, PhotoInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(LedgerMonth)
class LedgerMonthAdmin(admin.ModelAdmin):
    list_display = ["village", "month", "status", "version", "submitted_at", "confirmed_at"]
    list_filter = ["status", "village__township"]
    search_fields = ["village__name"]
    list_select_related = ["village"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


class DemandClaimInline(admin.TabularInline):
    model = DemandClaim
    extra = 0
    can_delete = False
    readonly_fields = ["talent", "unit", "claimed_by", "status", "claimed_at", "withdrawn_at"]

    def has_add_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Demands and notifications change only through the portal's services (claim limits, audit)."""

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
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
    list_display = ["title", "recipient", "kind", "created_at", "read_at"]
    list_filter = ["kind"]
    raw_id_fields = ["recipient"]
