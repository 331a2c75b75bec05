"""Template context every page needs: the portal title and the role-aware menu.

The menu is worked out from the user's role and each model's `Scope` alone, with no query, so it
costs nothing on pages whose query counts are pinned.
"""

from django.conf import settings
from django.urls import reverse

from pairing.core.views import role_sees

from .choices import Role
from .models import CountyUnit, HonoraryVillageHead, Pairing, TalentAssignment, Township, UrbanTalent, Village

# (model, list URL name, menu label), in menu order
DIRECTORY_MENU = (
    (Township, "pairing:township_list", "乡镇（街道）"),
    (Village, "pairing:village_list", "村（社区）"),
    (CountyUnit, "pairing:countyunit_list", "县直单位"),
    (UrbanTalent, "pairing:urbantalent_list", "城市人才"),
    (TalentAssignment, "pairing:talentassignment_list", "人才分配"),
    (Pairing, "pairing:pairing_list", "结对关系"),
    (HonoraryVillageHead, "pairing:honoraryvillagehead_list", "名誉村长"),
)


def can_read_audit_log(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role == Role.AUDITOR)


def directory_menu(user) -> list[dict]:
    return [
        {"label": label, "url": reverse(url_name), "url_name": url_name}
        for model, url_name, label in DIRECTORY_MENU
        if role_sees(user, model)
    ]


def portal(request):
    user = getattr(request, "user", None)
    context = {"DEMO_MODE": settings.DEMO_MODE, "PORTAL_TITLE": "党建结对共建平台"}
    if user is not None and user.is_authenticated:
        # A secretary's and a talent's directory is their own village or record, linked from the home
        # page; a menu of directories holding one or two rows each would only be in the way.
        own_work = not user.is_superuser and user.role in (Role.VILLAGE_SECRETARY, Role.TALENT)
        context["nav_directory"] = [] if own_work else directory_menu(user)
        context["nav_audit_log"] = can_read_audit_log(user)
    return context
