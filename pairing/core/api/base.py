"""The base of every API resource: scoped queryset, default permissions, writes via services.

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
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.permissions import SAFE_METHODS
from rest_framework.settings import api_settings

from pairing.core.api.permissions import CanCreateModel, CanEditModel
from pairing.services.directory import delete_object, save_object


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


@extend_schema_field(serializers.ListField(child=serializers.CharField()))
class ActionsField(serializers.Field):
    """`actions`: what the requesting user may do to the row now, from the workflow's declaration:
    the same list the page turns into buttons (the service decides again on every request)."""

    def __init__(self, workflow, **kwargs):
        self.workflow = workflow
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, obj):
        return self.workflow.allowed(obj, self.context["request"].user)


class ScopedQuerysetMixin:
    """Row scope, once for every API view: the rows are `visible_to(request.user)` (SECURITY.md 7).

    Permissions are the project defaults (settings.REST_FRAMEWORK: signed in, no password change
    due); who may change what is the business of the service each write calls, which refuses with
    403 and audits the refusal. A view needing another permission names it in one line."""

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # Scope before content: a write to a row out of scope is 404 whatever its body says, rather
        # than a validation error from an action that reads its payload before looking the row up.
        if request.method not in SAFE_METHODS and self.kwargs.get(self.lookup_url_kwarg or self.lookup_field):
            self.get_object()


class ScopedReadOnlyViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ScopedWorkflowViewSet(ScopedQuerysetMixin, viewsets.ModelViewSet):
    """Scoped rows of a workflow: every write calls the workflow's service (perform_* and actions),
    which declares who may do what. Only creating is gated up front, by the model's creator roles."""

    permission_classes = [*api_settings.DEFAULT_PERMISSION_CLASSES, CanCreateModel]
    read_actions: tuple[str, ...] = ()
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]


class ScopedModelViewSet(ScopedQuerysetMixin, viewsets.ModelViewSet):
    """Directory rows: writes are the directory service's save_object and delete_object (role,
    field and scope rules), and the role is checked up front (CanEditModel)."""

    permission_classes = [*api_settings.DEFAULT_PERMISSION_CLASSES, CanEditModel]
    read_actions: tuple[str, ...] = ()
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

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
