"""The administrators' pages (三员分立): accounts for the system and security administrators,
lockouts for the security administrator. Everyone else gets 404."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse_lazy
from django.views.decorators.http import require_POST

from ..choices import Role
from ..core.filtering import ScopedChoiceWidget
from ..models import County, CountyUnit, Township, UrbanTalent, User, Village
from ..services import console
from .choices import search

BUSINESS_ROLES = [(r.value, r.label) for r in Role if r not in console.ADMIN_ROLES]


def _allow(request, *roles):
    user = request.user
    if not (user.is_superuser or user.role in roles):
        raise Http404


# How an anchor row is named in the account form: a city repeats names (villages, talents) across
# townships and counties, so each row says where it is. (what the label reads, the label)
ANCHOR_LABELS = {
    County: ((), lambda c: c.name),
    Township: (("county",), lambda t: f"{t.name}（{t.county.name}）"),
    Village: (("township__county",), lambda v: f"{v.name}（{v.township.county.name}{v.township.name}）"),
    CountyUnit: (("county",), lambda u: f"{u.name}（{u.county.name}）"),
    UrbanTalent: (("county", "unit"), lambda t: f"{t.name}（{t.county.name}{'·' + t.unit.name if t.unit else ''}）"),
}


class AnchorField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return ANCHOR_LABELS[type(obj)][1](obj)


def _anchor(model, ordering: str, label: str) -> forms.ModelChoiceField:
    """An account's anchor row, from the whole directory (the administrators assign any row): a
    city's 50,000 talents are searched remotely (console_choices), not listed as options."""
    widget = ScopedChoiceWidget(reverse_lazy("pairing:console_choices", args=[model._meta.model_name]))
    related, _ = ANCHOR_LABELS[model]
    rows = model._default_manager.select_related(*related).order_by(ordering)
    return AnchorField(rows, label=label, required=False, widget=widget)


class ScopeForm(forms.Form):
    role = forms.ChoiceField(label="角色", choices=Role.choices)
    county = _anchor(County, "code", "县（区）")
    township = _anchor(Township, "code", "乡镇")
    village = _anchor(Village, "code", "村（社区）")
    unit = _anchor(CountyUnit, "name", "县直单位")
    talent = _anchor(UrbanTalent, "name", "城市人才")

    def anchors(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in ("county", "township", "village", "unit", "talent")}


class NewAccountForm(ScopeForm):
    username = forms.CharField(label="用户名", max_length=150)
    full_name = forms.CharField(label="姓名", max_length=30)
    field_order = ["username", "full_name", "role"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = BUSINESS_ROLES

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if User._base_manager.filter(username=username).exists():
            raise ValidationError("该用户名已被使用。")
        return username


def _apply(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def accounts(request):
    _allow(request, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN)
    query = request.GET.get("q", "").strip()
    rows = User.objects.order_by("username")
    if query:
        rows = rows.filter(Q(username__icontains=query) | Q(full_name__icontains=query))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "pairing/console/accounts.html", {"page_obj": page, "q": query, "title": "账号管理"})


def account_new(request):
    _allow(request, Role.SYSTEM_ADMIN)
    form = NewAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user, password = console.create_account(
                actor=request.user,
                username=form.cleaned_data["username"],
                full_name=form.cleaned_data["full_name"],
                role=form.cleaned_data["role"],
                anchors=form.anchors(),
            )
        except ValidationError as exc:
            _apply(form, exc)
        else:
            return render(request, "pairing/console/password.html", {"account": user, "password": password})
    return render(request, "pairing/console/form.html", {"form": form, "title": "新建账号"})


@require_POST
def account_action(request, pk, action):
    _allow(request, Role.SYSTEM_ADMIN)
    account = get_object_or_404(User, pk=pk)
    try:
        if action == "reset":
            password = console.reset_password(actor=request.user, user=account)
            return render(request, "pairing/console/password.html", {"account": account, "password": password})
        if action == "deactivate":
            console.deactivate_account(actor=request.user, user=account)
            messages.success(request, f"账号 {account.username} 已停用，其所有登录已失效。")
        else:
            raise Http404
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
    return redirect("pairing:console_accounts")


def account_role(request, pk):
    _allow(request, Role.SECURITY_ADMIN)
    account = get_object_or_404(User, pk=pk)
    initial = {
        "role": account.role,
        **{n: getattr(account, f"{n}_id") for n in ("county", "township", "village", "unit", "talent")},
    }
    form = ScopeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            console.assign_role(
                actor=request.user, user=account, role=form.cleaned_data["role"], anchors=form.anchors()
            )
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, f"账号 {account.username} 的角色与范围已更新，其所有登录已失效。")
            return redirect("pairing:console_accounts")
    return render(request, "pairing/console/form.html", {"form": form, "title": f"分配角色与范围：{account.username}"})


def anchor_choices(request, model_name):
    """The anchor selects' remote search: any directory row, for the two account administrators."""
    _allow(request, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN)
    model = next((m for m in ANCHOR_LABELS if m._meta.model_name == model_name), None)
    if model is None:
        raise Http404
    related, label = ANCHOR_LABELS[model]
    return search(request, model_name, lambda model: model._default_manager.select_related(*related), label)


def lockouts(request):
    _allow(request, Role.SECURITY_ADMIN)
    if request.method == "POST":
        username = request.POST.get("username", "")
        console.unlock(actor=request.user, username=username)
        messages.success(request, f"已解除 {username} 的登录锁定。")
        return redirect("pairing:console_lockouts")
    rows = console.lockouts()[:200]
    return render(request, "pairing/console/lockouts.html", {"rows": rows, "title": "登录锁定"})


urlpatterns = [
    path("console/accounts/", accounts, name="console_accounts"),
    path("console/accounts/new/", account_new, name="console_account_new"),
    path("console/accounts/<int:pk>/role/", account_role, name="console_account_role"),
    path("console/accounts/<int:pk>/<str:action>/", account_action, name="console_account_action"),
    path("console/lockouts/", lockouts, name="console_lockouts"),
    path("console/choices/<slug:model_name>/", anchor_choices, name="console_choices"),
]
