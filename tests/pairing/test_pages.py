"""The server-rendered pages: scope on every list and detail, role checks on edits, masking and
reveal, the forced password change, the audit log, and pinned query counts."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from pairing.models import (
    AuditEvent,
    CountyUnit,
    HonoraryVillageHead,
    Pairing,
    TalentAssignment,
    Township,
    UrbanTalent,
    Village,
)
from tests.factories import PASSWORD
from tests.otp import login_code

# For each list page: how a row is named, and the names each cast member must see (and no other).
LISTS = {
    "pairing:township_list": (
        lambda o: o.name,
        {
            "alice": {"甲镇", "乙镇"},
            "bob": {"甲镇"},
            "carol": {"乙镇"},
            "dave": {"甲镇"},
            "erin": {"甲镇"},
            "frank": {"甲镇"},
            "grace": set(),
            "zoe": {"丙镇"},
        },
    ),
    "pairing:village_list": (
        lambda o: o.name,
        {
            "alice": {"甲一村", "甲二村", "乙一村"},
            "bob": {"甲一村", "甲二村"},
            "carol": {"乙一村"},
            "dave": {"甲一村"},
            "erin": {"甲一村"},
            "frank": {"甲一村"},
            "grace": set(),
            "zoe": {"丙一村"},
        },
    ),
    "pairing:countyunit_list": (
        lambda o: o.name,
        {
            "alice": {"县农业农村局", "县卫生健康委"},
            "bob": {"县农业农村局"},
            "carol": {"县卫生健康委"},
            "dave": {"县农业农村局"},
            "erin": {"县农业农村局"},
            "frank": {"县农业农村局"},
            "grace": set(),
            "zoe": {"邻县教育局"},
        },
    ),
    "pairing:urbantalent_list": (
        lambda o: o.name,
        {
            "alice": {"张三", "李四"},
            "bob": {"张三"},
            "carol": {"李四"},
            "dave": {"张三"},
            "erin": {"张三"},
            "frank": {"张三"},
            "grace": set(),
            "zoe": {"王五"},
        },
    ),
    "pairing:talentassignment_list": (
        lambda o: o.talent.name,
        {
            "alice": {"张三", "李四"},
            "bob": {"张三"},
            "carol": {"李四"},
            "dave": {"张三"},
            "erin": {"张三"},
            "frank": {"张三"},
            "grace": set(),
            "zoe": {"王五"},
        },
    ),
    "pairing:pairing_list": (
        lambda o: o.village.name,
        {
            "alice": {"甲一村", "乙一村"},
            "bob": {"甲一村"},
            "carol": {"乙一村"},
            "dave": {"甲一村"},
            "erin": {"甲一村"},
            "frank": {"甲一村"},
            "grace": set(),
            "zoe": {"丙一村"},
        },
    ),
    "pairing:honoraryvillagehead_list": (
        lambda o: o.name,
        {
            "alice": {"王局长"},
            "bob": {"王局长"},
            "carol": set(),
            "dave": {"王局长"},
            "erin": {"王局长"},
            "frank": {"王局长"},
            "grace": set(),
            "zoe": set(),
        },
    ),
}


def login(client, user):
    client.force_login(user)
    return client


# Lists -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url_name", LISTS)
def test_each_list_page_shows_exactly_the_rows_in_scope(client, cast, url_name):
    name_of, expected = LISTS[url_name]
    every_name = set().union(*expected.values())
    for username, names in expected.items():
        if username == "grace":
            continue  # the auditor has no directory pages (test below)
        login(client, cast.users[username])
        response = client.get(reverse(url_name))
        assert response.status_code == 200, username
        shown = {name_of(row) for row in response.context["object_list"]}
        assert shown == names, username
        assert response.context["page_obj"].paginator.count == len(names), username
        html = response.content.decode()
        for name in names:
            assert name in html, (username, name)
        # Not in the rows, and not in a filter's choices either.
        for name in every_name - names:
            assert name not in html, (username, name)


@pytest.mark.parametrize("url_name", LISTS)
def test_the_auditor_has_no_directory_pages(client, cast, url_name):
    login(client, cast.grace)
    assert client.get(reverse(url_name)).status_code == 404


def test_list_search_filters_and_sorting_work_together(client, cast):
    login(client, cast.alice)
    url = reverse("pairing:village_list")
    assert {v.name for v in client.get(url, {"q": "甲"}).context["object_list"]} == {"甲一村", "甲二村"}
    by_township = client.get(url, {"township": cast.township_b.pk}).context["object_list"]
    assert [v.name for v in by_township] == ["乙一村"]
    descending = client.get(url, {"ordering": "-code"}).context["object_list"]
    assert [v.name for v in descending] == ["乙一村", "甲二村", "甲一村"]


def test_a_filter_naming_an_out_of_scope_row_shows_nothing(client, cast):
    login(client, cast.bob)
    response = client.get(reverse("pairing:village_list"), {"township": cast.township_b.pk})
    assert list(response.context["object_list"]) == []
    assert "乙一村" not in response.content.decode()


def test_list_pages_paginate(client, cast):
    for i in range(30):
        Village.objects.create(township=cast.township_a, name=f"新村{i:02d}", code=f"3411221003{i:02d}")
    login(client, cast.bob)
    first = client.get(reverse("pairing:village_list"))
    assert first.context["page_obj"].paginator.count == 32
    assert len(first.context["object_list"]) == 25
    second = client.get(reverse("pairing:village_list"), {"page": 2})
    assert len(second.context["object_list"]) == 7


# Detail and edit: 404 out of scope, 403 for a role that may not edit ------------------------------


@pytest.mark.parametrize(
    ("username", "obj_name", "suffix"),
    [
        ("carol", "village_a1", ""),
        ("carol", "village_a1", "edit/"),
        ("zoe", "village_a1", ""),
        ("dave", "village_a2", ""),
        ("bob", "talent_t2", ""),
        ("carol", "talent_t", "edit/"),
        ("erin", "pairing_v_b1", ""),
        ("carol", "head_u_a1", ""),
        ("grace", "township_a", ""),
        ("zoe", "assignment_t", "delete/"),
    ],
)
def test_out_of_scope_detail_and_edit_are_404(client, cast, username, obj_name, suffix):
    obj = getattr(cast, obj_name)
    login(client, cast.users[username])
    assert client.get(obj.get_absolute_url() + suffix).status_code == 404


@pytest.mark.parametrize(
    ("username", "obj_name", "suffix"),
    [
        ("dave", "village_a1", "edit/"),
        ("frank", "talent_t", "edit/"),
        ("erin", "pairing_u_a1", "edit/"),
        ("bob", "township_a", "edit/"),
        ("dave", "assignment_t", "delete/"),
    ],
)
def test_in_scope_edit_by_a_role_that_may_not_edit_is_403(client, cast, username, obj_name, suffix):
    obj = getattr(cast, obj_name)
    login(client, cast.users[username])
    assert client.get(obj.get_absolute_url()).status_code == 200
    assert client.get(obj.get_absolute_url() + suffix).status_code == 403
    assert client.post(obj.get_absolute_url() + suffix, {"name": "改名"}).status_code == 403


def test_detail_pages_show_related_rows_in_scope(client, cast):
    login(client, cast.alice)
    village = client.get(cast.village_a1.get_absolute_url()).content.decode()
    assert "县农业农村局" in village  # its pairing
    assert "王局长" in village  # its honorary head
    assert "张三" in village  # talent assigned this year
    unit = client.get(cast.unit_u.get_absolute_url()).content.decode()
    assert "甲一村" in unit and "张三" in unit
    assert "乙一村" not in unit and "李四" not in unit
    talent = client.get(cast.talent_t.get_absolute_url()).content.decode()
    assert str(timezone.localdate().year) in talent and "甲一村" in talent


# Create and edit -----------------------------------------------------------------------------------


def test_a_create_naming_an_out_of_scope_village_is_refused_and_writes_nothing(client, cast):
    talent = UrbanTalent.objects.create(
        county=cast.county, unit=cast.unit_u, name="新人", gender="male", phone="13511112222"
    )
    TalentAssignment.objects.filter(talent=cast.talent_t).delete()
    login(client, cast.bob)
    assignments, events = TalentAssignment.objects.count(), AuditEvent.objects.count()
    response = client.post(
        reverse("pairing:talentassignment_create"),
        {"talent": cast.talent_t.pk, "village": cast.village_b1.pk, "year": timezone.localdate().year},
    )
    assert response.status_code == 200
    assert "所选服务村（社区）不存在或不在您的管理范围内。" in response.content.decode()
    assert TalentAssignment.objects.count() == assignments
    assert AuditEvent.objects.count() == events
    assert talent.pk  # the unassigned talent exists but is outside bob's scope: not offered either
    assert "新人" not in response.content.decode()


def test_a_create_naming_an_out_of_scope_unit_is_refused_and_writes_nothing(client, cast):
    login(client, cast.erin)
    before = UrbanTalent.objects.count()
    response = client.post(
        reverse("pairing:urbantalent_create"),
        {
            "county": cast.county.pk,
            "unit": cast.unit_v.pk,
            "name": "越权",
            "gender": "male",
            "political_status": "member",
            "phone": "13522223333",
            "status": "active",
        },
    )
    assert response.status_code == 200
    assert "所选所在单位不存在或不在您的管理范围内。" in response.content.decode()
    assert UrbanTalent.objects.count() == before


def test_a_pairing_with_another_countys_village_is_refused(client, cast):
    login(client, cast.alice)
    response = client.post(
        reverse("pairing:pairing_create"),
        {"unit": cast.unit_u.pk, "village": cast.other_village.pk, "start_year": 2026},
    )
    assert "不存在或不在您的管理范围内" in response.content.decode()
    assert not Pairing.objects.filter(unit=cast.unit_u, village=cast.other_village).exists()


def test_a_successful_edit_writes_an_audit_record_with_before_and_after(client, cast):
    Village.objects.filter(pk=cast.village_a1.pk).update(secretary_phone="13812345678")
    login(client, cast.bob)
    url = reverse("pairing:village_edit", args=[cast.village_a1.pk])
    form_page = client.get(url).content.decode()
    assert "13812345678" not in form_page  # the edit form does not reveal the number either
    assert "138****5678" in form_page
    response = client.post(
        url,
        {
            "township": cast.township_a.pk,
            "name": "甲一村",
            "code": "341122100201",
            "kind": "village",
            "party_org_kind": "branch",
            "secretary_name": "王书记",
            "secretary_phone": "",
        },
    )
    assert response.status_code == 302
    village = Village.objects.get(pk=cast.village_a1.pk)
    assert village.secretary_name == "王书记"
    assert village.secretary_phone == "13812345678"  # left blank: kept
    event = AuditEvent.objects.get(action="update", object_id=str(village.pk), object_type="pairing.village")
    assert event.username == "bob"
    assert event.changes == {"secretary_name": ["李书记", "王书记"]}


def test_a_township_officer_cannot_move_a_village_to_another_township(client, cast):
    login(client, cast.bob)
    response = client.post(
        reverse("pairing:village_edit", args=[cast.village_a2.pk]),
        {"township": cast.township_b.pk, "name": "甲二村", "code": "341122200202", "kind": "village",
         "party_org_kind": "branch"},
    )  # fmt: skip
    assert response.status_code == 200
    assert Village.objects.get(pk=cast.village_a2.pk).township_id == cast.township_a.pk


def test_a_county_admin_creates_a_township_in_their_county(client, cast):
    login(client, cast.alice)
    response = client.post(
        reverse("pairing:township_create"), {"county": cast.county.pk, "name": "丁镇", "code": "341122400"}
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="create", object_type="pairing.township", username="alice").exists()


def test_appointing_a_new_honorary_head_ends_the_current_one(client, cast):
    login(client, cast.erin)
    start = timezone.localdate()
    HonoraryVillageHead.objects.filter(pk=cast.head_u_a1.pk).update(start_date=start - timedelta(days=400))
    response = client.post(
        reverse("pairing:honoraryvillagehead_create"),
        {"pairing": cast.pairing_u_a1.pk, "name": "赵局长", "position": "副局长", "start_date": start.isoformat()},
    )
    assert response.status_code == 302
    old = HonoraryVillageHead.objects.get(pk=cast.head_u_a1.pk)
    assert old.end_date == start - timedelta(days=1)
    assert HonoraryVillageHead.objects.get(pairing=cast.pairing_u_a1, end_date__isnull=True).name == "赵局长"


def test_appointing_a_head_for_an_out_of_scope_pairing_is_refused(client, cast):
    login(client, cast.erin)
    response = client.post(
        reverse("pairing:honoraryvillagehead_create"),
        {"pairing": cast.pairing_v_b1.pk, "name": "越权", "start_date": timezone.localdate().isoformat()},
    )
    assert "所选结对关系不存在或不在您的管理范围内。" in response.content.decode()
    assert not HonoraryVillageHead.objects.filter(name="越权").exists()


def test_deleting_a_referenced_village_is_refused_with_a_message(client, cast):
    login(client, cast.alice)
    response = client.post(reverse("pairing:village_delete", args=[cast.village_a1.pk]), follow=True)
    assert Village.objects.filter(pk=cast.village_a1.pk).exists()
    assert "已被其他数据引用，不能删除" in response.content.decode()


def test_deleting_an_assignment_is_audited(client, cast):
    login(client, cast.bob)
    response = client.post(reverse("pairing:talentassignment_delete", args=[cast.assignment_t.pk]))
    assert response.status_code == 302
    assert not TalentAssignment.objects.filter(pk=cast.assignment_t.pk).exists()
    assert AuditEvent.objects.filter(action="delete", object_id=str(cast.assignment_t.pk)).exists()


# Masking and reveal ------------------------------------------------------------------------------------


def test_phone_and_id_numbers_are_masked_on_pages(client, cast):
    login(client, cast.alice)
    for url in (
        reverse("pairing:urbantalent_list"),
        cast.talent_t.get_absolute_url(),
        cast.unit_u.get_absolute_url(),
        reverse("pairing:urbantalent_edit", args=[cast.talent_t.pk]),
    ):
        html = client.get(url).content.decode()
        assert "139****9000" in html, url
        assert "13900139000" not in html, url
        assert "11010519491231002X" not in html, url
    heads = client.get(reverse("pairing:honoraryvillagehead_list")).content.decode()
    assert "138****8000" in heads and "13800138000" not in heads


def test_reveal_shows_the_full_number_and_writes_an_audit_record(client, cast):
    login(client, cast.alice)
    url = cast.talent_t.get_absolute_url()
    response = client.post(url, {"reveal": "id_number"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "11010519491231002X" in html
    assert "13900139000" not in html  # only the field asked for
    event = AuditEvent.objects.get(action="reveal", object_id=str(cast.talent_t.pk))
    assert event.username == "alice" and event.result == "success"
    assert "11010519491231002X" not in str(event.changes) + event.message


def test_a_township_officer_may_reveal_a_phone_but_not_an_id_number(client, cast):
    login(client, cast.bob)
    url = cast.talent_t.get_absolute_url()
    assert "13900139000" in client.post(url, {"reveal": "phone"}).content.decode()
    denied = client.post(url, {"reveal": "id_number"})
    assert denied.status_code == 403
    assert "11010519491231002X" not in denied.content.decode()
    assert list(AuditEvent.objects.filter(action="reveal").values_list("result", flat=True).order_by("id")) == [
        "success",
        "denied",
    ]


def test_an_out_of_scope_user_cannot_reveal(client, cast):
    login(client, cast.carol)
    assert client.post(cast.talent_t.get_absolute_url(), {"reveal": "phone"}).status_code == 404
    assert not AuditEvent.objects.filter(action="reveal", result="success").exists()


def test_a_talent_reveals_their_own_numbers_on_the_page_as_in_the_api(client, cast):
    # One reveal rule (the model's may_reveal): the page used to refuse what the API allowed.
    login(client, cast.frank)
    for name, value in (("phone", "13900139000"), ("id_number", "11010519491231002X")):
        response = client.post(cast.talent_t.get_absolute_url(), {"reveal": name})
        assert response.status_code == 200 and value in response.content.decode()


def test_the_reveal_button_shows_only_to_roles_that_may_use_it(client, cast):
    login(client, cast.bob)
    html = client.get(cast.talent_t.get_absolute_url()).content.decode()
    assert 'value="phone"' in html and 'value="id_number"' not in html
    login(client, cast.erin)  # the unit's liaison: the phone, not the ID number
    html = client.get(cast.talent_t.get_absolute_url()).content.decode()
    assert 'value="phone"' in html and 'value="id_number"' not in html


# Accounts ------------------------------------------------------------------------------------------------


def test_login_gives_one_generic_error_for_a_wrong_user_or_password(client, cast):
    wrong_user = client.post(reverse("pairing:login"), {"username": "nobody", "password": PASSWORD})
    wrong_password = client.post(reverse("pairing:login"), {"username": "alice", "password": "Wrong-Passw0rd"})
    assert wrong_user.status_code == wrong_password.status_code == 200
    assert wrong_user.context["form"].non_field_errors() == wrong_password.context["form"].non_field_errors()
    assert "用户名或密码错误" in wrong_user.content.decode()


def test_login_and_logout(client, cast):
    credentials = {"username": "alice", "password": PASSWORD, "otp": login_code(cast.alice)}
    response = client.post(reverse("pairing:login"), credentials)
    assert response.status_code == 302 and response["Location"] == reverse("pairing:home")
    assert client.get(reverse("pairing:home")).status_code == 200
    assert client.get(reverse("pairing:logout")).status_code == 405  # logout is POST only
    client.post(reverse("pairing:logout"))
    assert client.get(reverse("pairing:home")).status_code == 302
    assert set(AuditEvent.objects.values_list("action", flat=True)) >= {"login", "logout"}


def test_the_lockout_page_is_in_chinese(client, cast, settings):
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        client.post(reverse("pairing:login"), {"username": "alice", "password": "Wrong-Passw0rd"})
    response = client.post(reverse("pairing:login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 429
    assert "账号已被暂时锁定" in response.content.decode()


def test_a_user_who_must_change_their_password_is_sent_to_the_change_page(client, cast):
    cast.dave.must_change_password = True
    cast.dave.save()
    Token.objects.create(user=cast.dave)
    login(client, cast.dave)
    for url in (reverse("pairing:home"), reverse("pairing:village_list"), cast.village_a1.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == reverse("pairing:password_change"), url
    assert client.get(reverse("pairing:password_change")).status_code == 200
    response = client.post(
        reverse("pairing:password_change"),
        {"old_password": PASSWORD, "new_password1": "Brand-New-Pass9", "new_password2": "Brand-New-Pass9"},
    )
    assert response.status_code == 302
    cast.dave.refresh_from_db()
    assert cast.dave.must_change_password is False
    assert timezone.now() - cast.dave.password_changed_at < timedelta(minutes=1)
    assert not Token.objects.filter(user=cast.dave).exists()  # API sessions end too
    assert AuditEvent.objects.filter(action="password_change", username="dave").exists()
    assert client.get(reverse("pairing:home")).status_code == 200


def test_an_expired_password_must_be_changed(client, cast, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    cast.erin.password_changed_at = timezone.now() - timedelta(days=91)
    cast.erin.save()
    login(client, cast.erin)
    assert client.get(reverse("pairing:home"))["Location"] == reverse("pairing:password_change")
    cast.erin.password_changed_at = timezone.now() - timedelta(days=89)
    cast.erin.save()
    assert client.get(reverse("pairing:home")).status_code == 200


def test_a_weak_new_password_is_refused_in_chinese(client, cast):
    login(client, cast.dave)
    response = client.post(
        reverse("pairing:password_change"),
        {"old_password": PASSWORD, "new_password1": "abcdefgh", "new_password2": "abcdefgh"},
    )
    assert response.status_code == 200
    assert "至少三类" in response.content.decode()


# Home and audit log ---------------------------------------------------------------------------------------


def test_home_shows_each_role_its_own_attention_panels(client, cast):
    login(client, cast.bob)
    counts = {item.label: item.value for item in client.get("/").context["panels"][0].items}
    assert counts == {"乡镇（街道）": 1, "村（社区）": 2, "县直单位": 1, "城市人才": 1, "结对关系": 1}
    login(client, cast.frank)
    html = client.get("/").content.decode()
    assert "甲一村" in html and "县农业农村局" in html
    login(client, cast.grace)
    AuditEvent.objects.create(username="someone", action="login_failed", result="failure", county_id=cast.county.pk)
    assert "someone" in client.get("/").content.decode()


def test_the_navbar_menu_follows_the_role(client, cast):
    login(client, cast.grace)
    html = client.get("/").content.decode()
    assert reverse("pairing:audit_log") in html and reverse("pairing:village_list") not in html
    login(client, cast.dave)
    html = client.get("/").content.decode()
    assert reverse("pairing:village_list") in html and reverse("pairing:audit_log") not in html


def test_the_audit_log_is_for_the_auditor_only(client, cast):
    AuditEvent.objects.create(username="bob", action="update", county_id=cast.county.pk, object_repr="甲一村")
    AuditEvent.objects.create(username="zoe", action="update", county_id=cast.other_county.pk, object_repr="丙一村")
    for username in ("alice", "bob", "dave", "frank", "zoe"):
        login(client, cast.users[username])
        assert client.get(reverse("pairing:audit_log")).status_code == 404, username
    login(client, cast.grace)
    response = client.get(reverse("pairing:audit_log"))
    html = response.content.decode()
    assert "甲一村" in html and "丙一村" not in html
    shown = timezone.localtime(AuditEvent.objects.get(object_repr="甲一村").created_at)
    assert shown.strftime("%Y-%m-%d %H:%M:%S") in html  # local time (Asia/Shanghai), not UTC


def test_the_audit_log_filters(client, cast):
    county = cast.county.pk
    AuditEvent.objects.create(username="bob", action="update", county_id=county, object_repr="甲一村")
    AuditEvent.objects.create(username="dave", action="login_failed", result="failure", county_id=county)
    AuditEvent.objects.create(username="erin", action="login", county_id=county)
    login(client, cast.grace)
    url = reverse("pairing:audit_log")

    def users(**params):
        return {e.username for e in client.get(url, params).context["object_list"]}

    assert users(action="update") == {"bob"}
    assert users(q="甲一村") == {"bob"}
    assert users(result="failure") == {"dave"}
    assert users(user="ERI") == {"erin"}
    today = timezone.localdate()
    assert users(date_from=(today + timedelta(days=1)).isoformat()) == set()
    assert users(date_to=today.isoformat()) >= {"bob", "dave", "erin"}


# Query counts ------------------------------------------------------------------------------------------------

# Per list page as the county admin: 6 fixed (session read, user, savepoint + session save +
# release, since the idle timeout saves the session on every request, the navbar's unread count), the count, the page of
# rows (relations joined), and one query per rendered scoped filter select. Pinned so that a
# column that loads a relation per row (N+1) or an unscoped select fails here.
LIST_QUERIES = {
    "pairing:township_list": 6 + 2 + 0,  # (the county filter: the admin's own county only, not shown)
    "pairing:village_list": 6 + 2 + 1,  # township
    "pairing:countyunit_list": 6 + 2 + 0,
    "pairing:urbantalent_list": 6 + 2 + 4,  # unit, specialty, village, township
    "pairing:talentassignment_list": 6 + 2 + 3,  # township, unit, village (talent hidden)
    "pairing:pairing_list": 6 + 2 + 3,  # unit, village, township
    "pairing:honoraryvillagehead_list": 6 + 2 + 2,  # village, unit (pairing hidden)
}


def _add_rows(cast, n: int, start: int) -> None:
    year = timezone.localdate().year
    for i in range(start, start + n):
        township = Township.objects.create(county=cast.county, name=f"加镇{i}", code=f"341122{i + 300:03d}")
        village = Village.objects.create(township=township, name=f"加村{i}", code=f"{township.code}{i:03d}")
        unit = CountyUnit.objects.create(county=cast.county, name=f"加单位{i}")
        pairing = Pairing.objects.create(unit=unit, village=village, start_year=year)
        HonoraryVillageHead.objects.create(pairing=pairing, name=f"加村长{i}", phone="13800138000")
        talent = UrbanTalent.objects.create(
            county=cast.county, unit=unit, name=f"加人才{i}", gender="male", phone=f"1380000{i:04d}"
        )
        TalentAssignment.objects.create(talent=talent, village=village, year=year)


@pytest.mark.parametrize("url_name", LIST_QUERIES)
def test_list_page_query_count_is_pinned_and_does_not_grow(client, cast, url_name, django_assert_num_queries):
    login(client, cast.alice)
    url = reverse(url_name)
    with django_assert_num_queries(LIST_QUERIES[url_name]):
        assert client.get(url).status_code == 200
    _add_rows(cast, 5, start=1)
    with django_assert_num_queries(LIST_QUERIES[url_name]):
        response = client.get(url)
    assert len(response.context["object_list"]) >= 5


# Assets: county intranets are often offline, so nothing may load from another host --------------------------


def test_pages_and_api_docs_load_assets_only_from_this_site(client, cast):
    login(client, cast.alice)
    for url in (reverse("pairing:home"), reverse("pairing:village_list"), reverse("api-docs")):
        html = client.get(url).content.decode()
        assert re.findall(r'(?:src|href)="(?:https?:)?//', html) == [], url
    docs = client.get(reverse("api-docs")).content.decode()
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in docs
    # Swagger UI's start-up script is a file of its own (the CSP allows no inline script).
    script = client.get(reverse("api-docs") + "?script").content.decode()
    assert '"validatorUrl": null' in script  # otherwise Swagger UI fetches a badge from the internet
    assert (settings.BASE_DIR / "static" / "favicon.ico").is_file()


def test_no_template_or_own_asset_names_a_cdn():
    roots = [settings.BASE_DIR / "templates", settings.BASE_DIR / "static" / "portal", settings.BASE_DIR / "tools"]
    # A URL with a host other than this machine (the CI probes in tools/ talk to 127.0.0.1).
    remote = re.compile(r"https?://(?!127\.0\.0\.1[:/]|localhost[:/])[\w.-]+")
    offenders = [
        str(path)
        for root in roots
        for path in root.rglob("*")
        if path.is_file() and remote.search(path.read_text(encoding="utf-8", errors="ignore"))
    ]
    assert offenders == []


REVEAL_EXPECTED = {  # who sees which full number of talent T, on the page and in the API alike
    "alice": {"phone", "id_number"},
    "bob": {"phone"},
    "dave": {"phone"},
    "erin": {"phone"},
    "frank": {"phone", "id_number"},
    "grace": set(),
}


@pytest.mark.parametrize("username", sorted(REVEAL_EXPECTED))
def test_the_reveal_rule_is_the_same_for_page_and_api_for_every_role(client, cast, username):
    from rest_framework.test import APIClient

    user = getattr(cast, username)
    api = APIClient()
    api.force_authenticate(user)
    response = api.post(f"/api/v1/talents/{cast.talent_t.pk}/reveal/")
    api_fields = set(response.json()) if response.status_code == 200 else set()
    client.force_login(user)
    page_fields = {
        name
        for name in ("phone", "id_number")
        if client.post(cast.talent_t.get_absolute_url(), {"reveal": name}).status_code == 200
    }
    assert api_fields == page_fields == REVEAL_EXPECTED[username]
