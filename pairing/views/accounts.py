"""Login, logout and password change pages (SECURITY.md 1-3)."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.http import HttpResponseRedirect
from django.urls import path, reverse_lazy

from ..auth import lockout_policy
from ..redirects import is_local_path
from ..services.accounts import change_password


class PortalAuthenticationForm(AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # One message for a wrong username and a wrong password, so neither confirms that an account exists.
        failed = f"用户名或密码错误，请重新输入。{lockout_policy()}"
        self.error_messages = {**self.error_messages, "invalid_login": failed, "inactive": failed}
        self.fields["username"].label = "用户名"
        self.fields["password"].label = "密码"
        self.fields["username"].widget.attrs.update(autocomplete="username", autofocus=True)


class PortalPasswordChangeForm(PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "当前密码"
        self.fields["new_password1"].label = "新密码"
        self.fields["new_password2"].label = "确认新密码"
        # 64-character passphrases must fit (SECURITY.md 1); paste is never blocked.
        for name in ("new_password1", "new_password2"):
            self.fields[name].widget = forms.PasswordInput(attrs={"autocomplete": "new-password", "maxlength": 128})
            self.fields[name].help_text = ""  # the page lists the rules once, in Chinese, under the form

    def clean_new_password1(self):
        password = self.cleaned_data.get("new_password1")
        if password and password == self.cleaned_data.get("old_password"):
            raise forms.ValidationError("新密码不能与当前密码相同。")
        return password


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = PortalAuthenticationForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return super().get_context_data(lockout_policy=lockout_policy(), **kwargs)

    def get_redirect_url(self):
        # The portal's one rule for `next` (pairing/redirects.py): a path on this site, nothing else.
        candidate = self.request.POST.get(self.redirect_field_name) or self.request.GET.get(self.redirect_field_name)
        return candidate if is_local_path(candidate or "", self.request) else ""


class LogoutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change_form.html"
    form_class = PortalPasswordChangeForm
    success_url = reverse_lazy("pairing:home")

    def get_context_data(self, **kwargs):
        return super().get_context_data(PASSWORD_MAX_AGE_DAYS=settings.PASSWORD_MAX_AGE_DAYS, **kwargs)

    def form_valid(self, form):
        change_password(actor=form.user, new_password=form.cleaned_data["new_password1"])
        # Keep this browser signed in; the new password hash ends every other session.
        update_session_auth_hash(self.request, form.user)
        messages.success(self.request, "密码已修改。")
        return HttpResponseRedirect(self.get_success_url())


urlpatterns = [
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", LogoutView.as_view(), name="logout"),
    path("accounts/password/", PasswordChangeView.as_view(), name="password_change"),
]
