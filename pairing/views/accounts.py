"""Login, logout and password change pages (SECURITY.md 1-3)."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.contrib.auth.signals import user_login_failed
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import path, reverse_lazy
from django_otp import login as otp_login

from ..auth import lockout_policy
from ..redirects import is_local_path
from ..services import otp
from ..services.accounts import change_password
from .otp import OTP_ENROL_SESSION_KEY
from .otp import urlpatterns as otp_urlpatterns


class PortalAuthenticationForm(AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # One message for a wrong username and a wrong password, so neither confirms that an account exists.
        failed = f"用户名或密码错误，或动态验证码不正确，请重新输入。{lockout_policy()}"
        self.error_messages = {**self.error_messages, "invalid_login": failed, "inactive": failed}
        self.fields["username"].label = "用户名"
        self.fields["password"].label = "密码"
        self.fields["username"].widget.attrs.update(autocomplete="username", autofocus=True)
        self.otp_device = None

    otp = forms.CharField(
        label="动态验证码",
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text="县委组织部及管理员账号填写身份验证器上的 6 位数字（或一个恢复码），其他账号不填。",
    )

    def clean(self):
        cleaned = super().clean()
        user = self.get_user()
        if user is not None and otp.requires_otp(user) and otp.confirmed_device(user) is not None:
            self.otp_device = otp.verify(user, cleaned.get("otp", ""))
            if self.otp_device is None:
                # A wrong code counts as a failed login: audited, and django-axes locks out after five.
                user_login_failed.send(
                    sender=__name__, credentials={"username": user.get_username()}, request=self.request
                )
                self.user_cache = None
                raise forms.ValidationError(self.error_messages["invalid_login"], code="invalid_login")
        return cleaned


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

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.get_user()
        if form.otp_device is not None:
            otp_login(self.request, form.otp_device)
        elif otp.requires_otp(user):
            # No device yet: this session may do nothing but enrol one (pairing.middleware).
            self.request.session[OTP_ENROL_SESSION_KEY] = True
            return redirect("pairing:otp_enrol")
        return response

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
    *otp_urlpatterns,
]
