"""The audit log page, for the auditor role only (三员分立); everyone else gets 404."""

import django_filters
from django.db.models import Case, CharField, F, Value, When
from django.http import Http404
from django.urls import path

from pairing.core.audit_search import related_q
from pairing.core.filtering import PortalFilterSet
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


urlpatterns = [
    path("audit-log/", AuditLogView.as_view(), name="audit_log"),
]
