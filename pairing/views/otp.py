"""Enrolling the second factor (SECURITY.md 4): QR code, key, confirmation, recovery codes."""

from django import forms
from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.utils.safestring import mark_safe
from django_otp import login as otp_login

from ..services import otp

OTP_ENROL_SESSION_KEY = "portal_otp_enrol_required"


class ConfirmForm(forms.Form):
    code = forms.CharField(
        label="动态验证码",
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
        help_text="用身份验证器扫描二维码（或手动输入密钥）后，填写它显示的 6 位数字。",
    )


def enrol(request):
    user = request.user
    if not otp.requires_otp(user):
        raise Http404
    enrolling = request.session.get(OTP_ENROL_SESSION_KEY) or otp.confirmed_device(user) is None
    if not enrolling:
        return render(request, "registration/otp_enrol.html", {"enrolled": True})
    device = otp.pending_device(user)
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = otp.confirm_enrolment(actor=user, device=device, token=form.cleaned_data["code"])
        if codes is not None:
            otp_login(request, device)
            request.session.pop(OTP_ENROL_SESSION_KEY, None)
            return render(request, "registration/otp_recovery_codes.html", {"codes": codes})
        form.add_error("code", "动态验证码不正确，请核对手机时间后重新输入。")
    context = {
        "form": form,
        "qr_svg": mark_safe(otp.qr_svg(device)),  # noqa: S308 - segno's own SVG markup, no user input in it
        "key": otp.base32_key(device),
    }
    return render(request, "registration/otp_enrol.html", context)


urlpatterns = [path("accounts/otp/", enrol, name="otp_enrol")]
