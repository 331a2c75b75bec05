from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from pairing.core import audit

from .choices import AuditAction
from .models import (
    AuditEvent,
    County,
    CountyUnit,
    Export,
    HonoraryVillageHead,
    Pairing,
    Specialty,
    TalentAssignment,
    Township,
    UrbanTalent,
    User,
    Village,
)
from .models.agreements import (
    Agreement,
    AgreementDemandItem,
    AgreementProjectItem,
    AgreementResourceItem,
    AgreementRevision,
    AgreementTransition,
)
from .services.otp import requires_otp


class AuditedModelAdmin(admin.ModelAdmin):
    """A change made in the admin is an audit event like any other: who, when, before and after
    (personal numbers masked). The admin saves inside one transaction, so the record commits with
    the change or not at all."""

    def save_model(self, request, obj, form, change):
        before = audit.snapshot(type(obj)._base_manager.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)
        audit.record(
            action=AuditAction.UPDATE if change else AuditAction.CREATE,
            actor=request.user,
            obj=obj,
            changes=audit.diff(before, audit.snapshot(obj)),
            message="系统管理后台",
        )

    def delete_model(self, request, obj):
        before, pk = audit.snapshot(obj), obj.pk
        super().delete_model(request, obj)
        obj.pk = pk
        audit.record(
            action=AuditAction.DELETE,
            actor=request.user,
            obj=obj,
            changes=audit.diff(before, None),
            message="系统管理后台",
        )

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(County)
class CountyAdmin(AuditedModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(Township)
class TownshipAdmin(AuditedModelAdmin):
    list_display = ["name", "code", "county", "party_committee"]
    list_filter = ["county"]
    search_fields = ["name", "code"]


@admin.register(Village)
class VillageAdmin(AuditedModelAdmin):
    list_display = ["name", "code", "township", "kind", "secretary_name"]
    list_filter = ["kind", "township__county", "township"]
    search_fields = ["name", "code", "secretary_name"]
    list_select_related = ["township"]


@admin.register(CountyUnit)
class CountyUnitAdmin(AuditedModelAdmin):
    list_display = ["name", "kind", "party_org_kind", "county"]
    list_filter = ["kind", "county"]
    search_fields = ["name"]


@admin.register(Specialty)
class SpecialtyAdmin(admin.ModelAdmin):
    list_display = ["name", "sort_order"]
    list_editable = ["sort_order"]


@admin.register(UrbanTalent)
class UrbanTalentAdmin(AuditedModelAdmin):
    list_display = ["name", "unit", "gender", "political_status", "masked_phone", "status"]
    list_filter = ["status", "political_status", "county"]
    search_fields = ["name", "unit__name"]
    autocomplete_fields = ["unit"]
    filter_horizontal = ["specialties"]
    list_select_related = ["unit"]

    @admin.display(description="手机号码")
    def masked_phone(self, obj):
        return obj.masked_phone


@admin.register(TalentAssignment)
class TalentAssignmentAdmin(AuditedModelAdmin):
    list_display = ["year", "talent", "village"]
    list_filter = ["year"]
    search_fields = ["talent__name", "village__name"]
    autocomplete_fields = ["talent", "village"]
    list_select_related = ["talent", "village"]


@admin.register(Pairing)
class PairingAdmin(AuditedModelAdmin):
    list_display = ["unit", "village", "start_year", "end_year"]
    search_fields = ["unit__name", "village__name"]
    autocomplete_fields = ["unit", "village"]
    list_select_related = ["unit", "village"]


@admin.register(HonoraryVillageHead)
class HonoraryVillageHeadAdmin(AuditedModelAdmin):
    list_display = ["name", "pairing", "position", "start_date", "end_date"]
    search_fields = ["name", "pairing__village__name", "pairing__unit__name"]
    autocomplete_fields = ["pairing", "talent"]


@admin.register(User)
class UserAdmin(AuditedModelAdmin, BaseUserAdmin):
    """Accounts in the Django admin: every change audited with before/after (role, scope, superuser
    and staff flags), and a password set here is a reset: changed at the next login (SECURITY.md 1)."""

    list_display = ["username", "full_name", "role", "is_active", "is_demo", "last_login"]
    list_filter = ["role", "is_active", "is_demo"]
    search_fields = ["username", "full_name"]
    autocomplete_fields = ["county", "township", "village", "unit", "talent"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        ("个人信息", {"fields": ["full_name", "phone", "email"]}),
        ("角色与范围", {"fields": ["role", "county", "township", "village", "unit", "talent"]}),
        ("状态", {"fields": ["is_active", "is_staff", "is_superuser", "must_change_password", "is_demo"]}),
        ("时间", {"fields": ["last_login", "date_joined", "password_changed_at"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["username", "password1", "password2"]}),
        ("角色与范围", {"fields": ["full_name", "role", "county", "township", "village", "unit", "talent"]}),
    ]

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = User._base_manager.get(pk=id)
            user.must_change_password = True
            user.save(update_fields=["must_change_password"])
            audit.record(
                action=AuditAction.PASSWORD_RESET, actor=request.user, obj=user, message="系统管理后台重置密码"
            )
        return response


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is append-only (SECURITY.md 13)."""

    list_display = ["created_at", "username", "ip", "action", "object_type", "object_repr", "result"]
    list_filter = ["action", "result"]
    search_fields = ["username", "object_repr", "object_id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- Three lists and one agreement: read-only here. Every change goes through the workflow
# services (role, scope, state and version checks, transition log, audit), never the admin.


class ReadOnlyAdminMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ResourceItemInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = AgreementResourceItem
    fields = ["kind", "description", "amount", "unit_of_measure"]


class DemandItemInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = AgreementDemandItem
    fields = ["category", "description", "priority", "expected_by", "status"]


class ProjectItemInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = AgreementProjectItem
    fields = ["name", "planned_investment", "unit_owner", "village_owner", "start_date", "end_date", "progress"]
    fields += ["status"]


class TransitionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = AgreementTransition
    fields = ["created_at", "action", "from_status", "to_status", "actor_name", "amendment_no", "reason"]


@admin.register(Agreement)
class AgreementAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["year", "pairing", "status", "amendment_no", "signed_on", "version", "updated_at"]
    list_filter = ["year", "status", "pairing__village__township"]
    search_fields = ["pairing__unit__name", "pairing__village__name"]
    list_select_related = ["pairing__unit", "pairing__village"]
    inlines = [ResourceItemInline, DemandItemInline, ProjectItemInline, TransitionInline]


@admin.register(AgreementRevision)
class AgreementRevisionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["agreement", "amendment_no", "created_at", "created_by"]
    search_fields = ["agreement__pairing__unit__name", "agreement__pairing__village__name"]
    list_select_related = ["agreement__pairing__unit", "agreement__pairing__village", "created_by"]


# -- scheduled jobs: django-celery-beat's PeriodicTask with a "run now" action ------------------

from django_celery_beat.admin import PeriodicTaskAdmin as BeatPeriodicTaskAdmin  # noqa: E402
from django_celery_beat.models import PeriodicTask  # noqa: E402


@admin.action(description="立即运行所选任务（按今天）")
def run_now(modeladmin, request, queryset):
    """Queue each chosen job's run for today (in-process when the broker is down), after commit."""
    import json

    from django.contrib import messages
    from django.db import transaction
    from django.utils import timezone

    from .core import audit, jobs
    from .core.queueing import enqueue
    from .roles import has_role
    from .tasks import run_job

    # The system administrator keeps the job schedules (三员分立: configuration is theirs, and a job
    # runs for every county, so no county's staff may start one for all).
    if not has_role(request.user, "system_admin"):
        messages.error(request, "只有系统管理员可以手动运行任务。")
        return
    today = timezone.localdate().isoformat()
    for task in queryset.filter(task=jobs.TASK):
        name = json.loads(task.kwargs or "{}").get("name", "")
        if name not in jobs.discover():
            continue
        audit.record(action="run_job", actor=request.user, object_type="pairing.job", message=f"{name}（{today}）")
        transaction.on_commit(lambda name=name: enqueue(run_job, name, today))
        messages.success(request, f"已提交运行：{jobs.get(name).label}。结果见提醒记录和站内通知。")


admin.site.unregister(PeriodicTask)


class SystemConfigurationMixin:
    """Configuration the system administrator keeps (三员分立: job schedules, notification wording):
    theirs to view and change in the admin by their role, whatever Django's model permissions say."""

    def _keeper(self, request) -> bool:
        from .roles import has_role

        return has_role(request.user, "system_admin")

    def has_module_permission(self, request):
        return self._keeper(request) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._keeper(request) or super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._keeper(request) or super().has_change_permission(request, obj)


@admin.register(PeriodicTask)
class PeriodicTaskAdmin(SystemConfigurationMixin, BeatPeriodicTaskAdmin):
    """The schedules of the portal's jobs (Asia/Shanghai), editable; the system administrator can run one now."""

    actions = [*BeatPeriodicTaskAdmin.actions, run_now]


@admin.register(Export)
class ExportAdmin(admin.ModelAdmin):
    """Read-only: exports are made by their owners on the pages; files expire on their own."""

    list_display = ("created_at", "owner", "kind", "status", "rows", "expires_at")
    list_filter = ("status", "kind")
    readonly_fields = [f.name for f in Export._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# The admin site requires a verified second factor from every account that needs one (SECURITY.md 4),
# and has no login form of its own: the portal's login page takes the code.
_admin_has_permission = admin.site.has_permission


def _has_verified_permission(request) -> bool:
    user = request.user
    return _admin_has_permission(request) and (not requires_otp(user) or user.is_verified())


def _admin_login(request, extra_context=None):
    if request.user.is_authenticated:
        raise PermissionDenied("请退出后使用动态验证码重新登录。")
    return redirect_to_login(request.GET.get("next") or reverse("admin:index"), login_url=reverse("pairing:login"))


admin.site.has_permission = _has_verified_permission
admin.site.login = _admin_login
