"""The audit log page, for the auditor role only (三员分立); everyone else gets 404."""

import django_filters
from django.db.models import Case, CharField, F, Value, When
from django.http import Http404
from django.urls import path

from ..choices import AuditResult
from ..context_processors import can_read_audit_log
from ..filtering import PortalFilterSet
from ..generic_views import Column, ObjectListView
from ..models import AuditEvent
from ..widgets import DateInput

# Labels for every action code the services write; an unknown code is shown as it is.
_VERBS = {
    "submit": "提交",
    "confirm": "确认",
    "reject": "退回",
    "sign": "签署",
    "amend": "变更",
    "close": "关闭",
    "carry_over": "结转",
    "track": "更新进度",
    "create": "新建",
    "update": "修改",
    "edit": "编辑",
}
ACTION_LABELS = {
    "login": "登录",
    "logout": "退出",
    "login_failed": "登录失败",
    "lockout": "账号锁定",
    "token_login": "接口登录",
    "password_change": "修改密码",
    "create": "新增",
    "update": "修改",
    "delete": "删除",
    "denied": "拒绝操作",
    "reveal": "查看完整号码",
    "export": "导出",
    "seed_demo": "生成演示数据",
    "submit": "提交",
    "confirm": "确认",
    "reject": "退回",
    "lock": "锁定",
    "reopen": "重新打开",
    "add_photo": "上传照片",
    "delete_photo": "删除照片",
    "claim": "认领需求",
    "withdraw_claim": "撤回认领",
    "start": "开始办理",
    "resolve": "办结需求",
    "close": "关闭",
    "invite": "邀请认领",
    "finalize": "定稿纪要",
    "follow_up": "跟进决议",
    "forward": "转送评价",
    **{f"agreement_{code}": f"协议{verb}" for code, verb in _VERBS.items()},
}


class AuditEventFilterSet(PortalFilterSet):
    search_fields = ("username", "object_repr", "message", "ip")
    action = django_filters.ChoiceFilter(choices=sorted(ACTION_LABELS.items(), key=lambda kv: kv[1]), label="操作")
    result = django_filters.ChoiceFilter(choices=AuditResult.choices, label="结果")
    user = django_filters.CharFilter(field_name="username", lookup_expr="icontains", label="用户名")
    date_from = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__gte", label="起始日期", widget=DateInput
    )
    date_to = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__lte", label="截止日期", widget=DateInput
    )

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
        Column("对象", "object_repr"),
        Column("结果", "result", "result"),
        Column("说明", "message"),
    )
    default_ordering = ("-created_at", "-id")

    def dispatch(self, request, *args, **kwargs):
        if not can_read_audit_log(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        labels = [When(action=code, then=Value(label)) for code, label in ACTION_LABELS.items()]
        return (
            super().get_queryset().annotate(action_label=Case(*labels, default=F("action"), output_field=CharField()))
        )


urlpatterns = [path("audit-log/", AuditLogView.as_view(), name="audit_log")]
