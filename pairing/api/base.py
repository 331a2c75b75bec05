"""The base of every API resource: scoped queryset, role check on writes, writes via services.

A concrete viewset declares queryset, serializer_class and filterset_class; scoping happens here
once (SECURITY.md 7). Related-object fields only accept rows the user can see, so naming a village
or unit outside one's scope is a field error and nothing is written (SECURITY.md 8). Fields that
only one role decides (a talent's status, its county) are listed in the model's `role_fields`;
the directory service refuses another role's change to them (SECURITY.md 9).

The schema is the mini-program's contract (it is generated from /api/schema/), so serializers say
what responses hold. A read-only field over a relation that may be empty (`recorded_by.display_name`,
`unit.name`) says `allow_null=True`, never `default=`: the schema then declares it nullable, and DRF
leaves defaults out of partial updates, so a `default=` field vanished from PATCH responses. An
action that answers a plain list says `pagination_class=None, filter_backends=[]`, or the schema
declares the viewset's paginated list with its filters.
"""

from django.db import models
from rest_framework import permissions, serializers, viewsets

from .. import audit
from ..choices import AuditResult
from ..scoping import can_edit
from ..services.directory import delete_object, save_object
from .permissions import PasswordChangeNotDue


class ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """A primary-key field limited to rows visible to the requesting user."""

    default_error_messages = {
        "does_not_exist": "编号为 {pk_value} 的对象不存在或不在您的管理范围内。",
        "incorrect_type": "应为整数编号，收到的是 {data_type}。",
        "required": "该字段为必填项。",
    }

    def get_queryset(self):
        queryset = super().get_queryset()
        request = self.context.get("request")
        return queryset.visible_to(request.user if request else None)


class ScopedModelSerializer(serializers.ModelSerializer):
    serializer_related_field = ScopedRelatedField


class CanEditModel(permissions.BasePermission):
    """Reading is governed by row scope; writing also needs a role that edits this model."""

    message = "您的角色无权修改此类数据。"

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        model = view.get_queryset().model
        if can_edit(request.user, model):
            return True
        # Denied access is an audit event (SECURITY.md 12); this runs before any row is touched.
        audit.record(
            action="denied",
            actor=request.user,
            object_type=model._meta.label_lower,
            result=AuditResult.DENIED,
            message=f"{request.method} {request.path}",
        )
        return False


class ScopedReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [permissions.IsAuthenticated, PasswordChangeNotDue]

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)


class ScopedModelViewSet(viewsets.ModelViewSet):
    permission_classes = [permissions.IsAuthenticated, PasswordChangeNotDue, CanEditModel]
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)

    def _split_m2m(self, model, data: dict) -> tuple[dict, dict]:
        m2m_names = {f.name for f in model._meta.many_to_many}
        plain = {k: v for k, v in data.items() if k not in m2m_names}
        m2m = {k: v for k, v in data.items() if k in m2m_names}
        return plain, m2m

    def perform_create(self, serializer):
        model = self.get_queryset().model
        plain, m2m = self._split_m2m(model, dict(serializer.validated_data))
        serializer.instance = save_object(actor=self.request.user, obj=model(**plain), m2m=m2m)

    def perform_update(self, serializer):
        instance: models.Model = serializer.instance
        plain, m2m = self._split_m2m(type(instance), dict(serializer.validated_data))
        for name, value in plain.items():
            setattr(instance, name, value)
        serializer.instance = save_object(actor=self.request.user, obj=instance, m2m=m2m)

    def perform_destroy(self, instance):
        delete_object(actor=self.request.user, obj=instance)
