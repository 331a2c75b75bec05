"""The audit log page, for the auditor role only (三员分立); everyone else gets 404."""

from io import BytesIO

import django_filters
from django.db.models import Case, CharField, F, Value, When
from django.http import Http404, HttpResponse
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET
from openpyxl import Workbook

from pairing.core import audit
from pairing.core.audit_search import related_q
from pairing.core.excel import safe_text
from pairing.core.filtering import PortalFilterSet
from pairing.core.local_time import local_text
from pairing.core.views import Column, ObjectListView
from pairing.core.widgets import DateInput

from ..choices import AuditAction, AuditResult
from ..context_processors import can_read_audit_log
from ..models import AuditEvent


class AuditEventFilterSet(PortalFilterSet):
    search_fields = ("username", "object_repr", "message", "ip")
    action = django_filters.ChoiceFilter(choices=AuditAction.choices, label="操作")
    result = django_filters.ChoiceFilter(choices=AuditResult.choices, label="结果")
    user = django_filters.CharFilter(field_name="username", lookup_expr="icontains", label="用户名")
    date_from = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__gte", label="起始日期", widget=DateInput
    )
    date_to = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__lte", label="截止日期", widget=DateInput
    )
    # Set by the object column's link: the object's records and those of its related rows.
    related_to = django_filters.CharFilter(method="filter_related_to", label="关联对象")

    def filter_related_to(self, queryset, name, value):
        object_type, _, object_id = value.partition(":")
        condition = related_q(object_type.strip(), object_id.strip())
        return queryset.filter(condition) if condition is not None else queryset.none()

    class Meta:
        model = AuditEvent
        fields = []


class AuditLogView(ObjectListView):
    model = AuditEvent
    filterset_class = AuditEventFilterSet
    paginate_by = 50
    title = "审计日志"
    columns = (
        Column("时间", "created_at", "created_at"),
        Column("用户", "username", "username"),
        Column("IP 地址", "ip"),
        Column("操作", "action_label", "action"),
        Column("对象", "object_repr", link=True),
        Column("结果", "result", "result"),
        Column("变更内容", "changes_text"),
        Column("说明", "message"),
    )
    default_ordering = ("-created_at", "-id")
    hidden_filters = ("related_to",)

    def dispatch(self, request, *args, **kwargs):
        if not can_read_audit_log(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        labels = [When(action=code, then=Value(label)) for code, label in AuditAction.choices]
        return (
            super().get_queryset().annotate(action_label=Case(*labels, default=F("action"), output_field=CharField()))
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["export_url"] = f"{reverse('pairing:audit_log_export')}?{self.request.GET.urlencode()}"
        return context


EXPORT_COLUMNS = ("时间", "用户", "IP 地址", "操作", "对象类型", "对象ID", "对象", "结果", "变更内容", "说明")
EXPORT_ROW_CAP = 50_000


@require_GET
def export_audit_log(request):
    """The filtered, in-scope audit log as .xlsx, itself audited (SECURITY.md 13, 18)."""
    if not can_read_audit_log(request.user):
        raise Http404
    rows = AuditEventFilterSet(request.GET, queryset=AuditEvent.objects.visible_to(request.user), request=request)
    events = (
        rows.qs.order_by("-created_at", "-id")[:EXPORT_ROW_CAP]
        if rows.is_valid()
        else AuditEvent.objects.visible_to(request.user).none()
    )
    labels, results = dict(AuditAction.choices), dict(AuditResult.choices)
    book = Workbook()
    sheet = book.active
    sheet.title = "审计日志"
    sheet.append(EXPORT_COLUMNS)
    count = 0
    for event in events.iterator(chunk_size=2000):
        count += 1
        values = (
            local_text(event.created_at, "%Y-%m-%d %H:%M:%S"),
            event.username,
            event.ip or "",
            labels.get(event.action, event.action),
            event.object_type,
            event.object_id,
            event.object_repr,
            results.get(event.result, event.result),
            event.changes_text,
            event.message,
        )
        sheet.append([safe_text(v) for v in values])
    audit.record(
        action="audit_export",
        actor=request.user,
        object_type="pairing.auditevent",
        message=f"导出审计记录 {count} 条；条件：{request.GET.urlencode() or '全部'}",
    )
    buffer = BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = f"audit-log-{local_text(timezone.now(), '%Y%m%d-%H%M')}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


urlpatterns = [
    path("audit-log/", AuditLogView.as_view(), name="audit_log"),
    path("audit-log/export/", export_audit_log, name="audit_log_export"),
]
