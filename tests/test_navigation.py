"""The work menu: each role reaches its pages from the navbar, and every entry resolves."""

import pytest
from django.urls import reverse

from config.navigation import TASK_MENUS, WORK_MENU
from pairing.choices import Role
from tests.factories import make_user


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("username", "expected", "absent"),
    [
        ("alice", ["三清单一协议", "乡镇半年报告", "合规看板"], ["可认领需求"]),
        ("bob", ["三清单一协议", "乡镇半年报告"], ["可认领需求"]),
        ("dave", ["登记活动", "本月台账", "发布需求", "三清单一协议", "联席会议"], ["乡镇半年报告", "城市人才"]),
        ("erin", ["三清单一协议", "可认领需求"], ["乡镇半年报告"]),
        ("frank", ["认领需求", "登记服务", "我的服务记录"], ["三清单一协议", "合规看板", "县直单位"]),
        ("grace", [], ["工作台账", "三清单一协议"]),
    ],
)
def test_each_role_sees_its_work_entries(client, cast, username, expected, absent):
    client.force_login(getattr(cast, username))
    page = client.get(reverse("pairing:home")).content.decode()
    for label in expected:
        assert f">{label}</a>" in page
    for label in absent:
        assert f">{label}</a>" not in page


@pytest.mark.django_db
def test_every_work_entry_opens_for_a_role_it_is_shown_to(client, cast):
    by_role = {}
    for user in cast.users.values():
        by_role.setdefault(user.role, user)
    # The cast holds no administrator; their console entries need one each.
    for role in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN):
        by_role.setdefault(role, make_user(f"nav_{role}", role))
    for label, url_name, roles in WORK_MENU:
        user = by_role[sorted(roles)[0]]
        client.force_login(user)
        response = client.get(reverse(url_name), follow=True)
        assert response.status_code == 200, (label, user.username, response.status_code)
        assert response.request["PATH_INFO"] != reverse("pairing:login"), label


@pytest.mark.django_db
def test_a_secretary_and_a_talent_get_their_tasks_as_verbs_and_no_directory_menus(client, cast):
    for user in (cast.dave, cast.frank):
        client.force_login(user)
        page = client.get(reverse("pairing:home")).content.decode()
        assert "结对名录" not in page and "接口文档" not in page
        for label, url_name in TASK_MENUS[user.role]:
            assert f'href="{reverse(url_name)}">{label}</a>' in page
            response = client.get(reverse(url_name), follow=True)
            assert response.status_code == 200, (label, user.username)


@pytest.mark.django_db
def test_the_api_docs_are_in_the_menu_for_staff_only(client, cast):
    client.force_login(cast.alice)
    assert "接口文档" not in client.get(reverse("pairing:home")).content.decode()
    # Staff are the system and security administrators (三员分立), who keep the integrations.
    sysadmin = make_user("sys_docs", Role.SYSTEM_ADMIN)
    sysadmin.is_staff = True
    sysadmin.save(update_fields=["is_staff"])
    client.force_login(sysadmin)
    assert "接口文档" in client.get(reverse("pairing:home")).content.decode()


@pytest.mark.django_db
def test_every_business_model_is_in_the_admin_read_only_or_as_an_inline():
    from django.apps import apps
    from django.contrib import admin

    inlined = {
        inline.model for model_admin in admin.site._registry.values() for inline in getattr(model_admin, "inlines", ())
    }
    missing = [
        model._meta.label
        for app in ("pairing", "ledgers", "assessment")
        for model in apps.get_app_config(app).get_models()
        if not model.__name__.startswith("Historical") and model not in admin.site._registry and model not in inlined
    ]
    assert missing == []
