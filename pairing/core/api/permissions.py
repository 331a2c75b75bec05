"""Permissions named in settings.REST_FRAMEWORK. Kept apart from base.py: DRF imports the default
permission classes while `rest_framework.viewsets` is still loading, so this module must not
import viewsets."""

from rest_framework import permissions

from pairing.choices import AuditResult
from pairing.core import audit
from pairing.core.scoping import can_edit
from pairing.middleware import password_change_due


class PasswordChangeNotDue(permissions.BasePermission):
    """The API honours the forced password change as the pages do (SECURITY.md 1): until the
    password is changed (POST auth/password/), only me/, auth/password/ and auth/logout/ answer."""

    message = "密码为初始密码或已过期，请先修改密码。"

    def has_permission(self, request, view):
        user = request.user
        return not (user and user.is_authenticated) or not password_change_due(user)


class CanEditModel(permissions.BasePermission):
    """Directory writes need a role that edits the model (its `editor_roles`, asked through
    `can_edit`, the rule the directory service enforces too). Checked before any row is looked up,
    so a role that edits nothing here gets 403 whether or not the row exists. Actions that only
    read, though sent as POST (a reveal), are listed in the viewset's `read_actions`."""

    message = "您的角色无权修改此类数据。"

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS or getattr(view, "action", None) in view.read_actions:
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


class CanCreateModel(CanEditModel):
    """A workflow's rows are created only by the roles the model names (`editor_roles`), checked
    up front as for the directory; everything after creation is the workflow service's to decide."""

    def has_permission(self, request, view):
        return getattr(view, "action", None) != "create" or super().has_permission(request, view)
