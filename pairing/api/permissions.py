"""Permissions named in settings.REST_FRAMEWORK. Kept apart from base.py: DRF imports the default
permission classes while `rest_framework.viewsets` is still loading, so this module must not
import viewsets."""

from rest_framework import permissions

from ..middleware import password_change_due


class PasswordChangeNotDue(permissions.BasePermission):
    """The API honours the forced password change as the pages do (SECURITY.md 1): until the
    password is changed (POST auth/password/), only me/, auth/password/ and auth/logout/ answer."""

    message = "密码为初始密码或已过期，请先修改密码。"

    def has_permission(self, request, view):
        user = request.user
        return not (user and user.is_authenticated) or not password_change_due(user)
