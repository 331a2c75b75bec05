"""Channels, preferences, editable templates, the dedupe constraint, and the queue being down."""

import datetime

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse

from ledgers import sms
from ledgers.choices import NotificationKind
from ledgers.models import LedgerMonth, Notification, NotificationPreference, NotificationTemplate
from ledgers.services.notifications import Message, Target, send
from pairing.core import jobs

pytestmark = pytest.mark.django_db


def test_the_database_refuses_a_second_row_for_the_same_recipient_kind_and_key(cast):
    Notification.objects.create(recipient=cast.frank, kind="reminder", dedupe_key="k", title="一")
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(recipient=cast.frank, kind="reminder", dedupe_key="k", title="二")
    Notification.objects.create(talent=cast.talent_t2, kind="reminder", dedupe_key="k", title="一")
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(talent=cast.talent_t2, kind="reminder", dedupe_key="k", title="二")
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(kind="reminder", dedupe_key="x", title="无人")


def test_preferences_add_email_and_sms_after_commit(client, cast, django_capture_on_commit_callbacks):
    cast.frank.email, cast.frank.phone = "frank@example.cn", "13900139000"
    cast.frank.save()
    client.force_login(cast.frank)
    client.post(reverse("ledgers:notification_preferences"), {"email": "on", "sms": "on"})
    assert NotificationPreference.objects.filter(user=cast.frank, email=True, sms=True).exists()
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        send(template="urge", kind=NotificationKind.URGE, key="t", messages=[Message(Target(user_id=cast.frank.pk))])
        assert mail.outbox == [] and not sms.outbox  # nothing leaves before commit
    row = Notification.objects.get()
    assert row.channels == "inbox,email,sms" and row.delivered_at is not None
    assert [m.to for m in mail.outbox] == [["frank@example.cn"]] and [p for p, _ in sms.outbox] == ["13900139000"]
    # Without preferences: the inbox only.
    with django_capture_on_commit_callbacks(execute=True):
        send(template="urge", kind=NotificationKind.URGE, key="t", messages=[Message(Target(user_id=cast.dave.pk))])
    assert Notification.objects.get(recipient=cast.dave).channels == "inbox" and len(mail.outbox) == 1


def test_a_county_admin_edits_the_wording(cast):
    NotificationTemplate.objects.update_or_create(
        code="talent_monthly_service", defaults={"title": "【{{ month }}】请参加服务", "body": "{{ name }}，请参加。"}
    )
    jobs.get("talent_monthly_service").run(on=datetime.date(2026, 11, 20), dry_run=False)
    row = Notification.objects.get(recipient=cast.frank)
    assert (row.title, row.body) == ("【2026年11月】请参加服务", "张三，请参加。")


def test_a_broken_template_is_refused_in_the_admin_and_ignored_when_sending(cast):
    from ledgers.admin import NotificationTemplateForm

    form = NotificationTemplateForm(data={"code": "urge", "title": "{% if %}", "body": "x"})
    assert not form.is_valid() and "模板格式有误" in str(form.errors["title"])
    NotificationTemplate.objects.filter(code="urge").update(title="{% if %}")
    send(template="urge", kind=NotificationKind.URGE, key="t", messages=[Message(Target(user_id=cast.frank.pk))])
    assert Notification.objects.get().title.startswith("催办：")


def test_shipped_templates_are_in_the_admin_after_migrate():
    from ledgers.notify_templates import DEFAULTS

    assert set(NotificationTemplate.objects.values_list("code", flat=True)) == set(DEFAULTS)


def test_the_inbox_lists_only_ones_own_rows_and_opens_the_link(client, cast, django_capture_on_commit_callbacks):
    from ledgers.services import confirm_month, submit_month
    from tests.ledgers.helpers import last_month_day, record

    record(cast.dave, cast.village_a1, day=last_month_day(), talents=[cast.talent_t])
    row = LedgerMonth.objects.get(village=cast.village_a1)
    with django_capture_on_commit_callbacks(execute=True):
        row = submit_month(actor=cast.dave, ledger_month=row, version=row.version)
        row = confirm_month(actor=cast.bob, ledger_month=row, version=row.version)
    client.force_login(cast.dave)
    page = client.get(reverse("ledgers:notifications"))
    assert [n.title for n in page.context["page_obj"]] == [f"{row.month.year}年{row.month.month}月工作台账已确认"]
    notification = Notification.objects.get(recipient=cast.dave)
    response = client.post(reverse("ledgers:notification_read", args=[notification.pk]))
    assert response.status_code == 302 and response["Location"] == row.get_absolute_url()
    bobs = Notification.objects.get(recipient=cast.bob)
    assert client.post(reverse("ledgers:notification_read", args=[bobs.pk])).status_code == 404


def test_the_system_administrator_edits_the_wording_in_the_admin(client, cast):
    """The wording is configuration, the system administrator's (三员分立): their role opens the
    template in the admin; a county admin is not staff and does not get in."""
    from django.urls import reverse

    from pairing.choices import Role
    from tests.factories import make_user
    from tests.otp import verify_session

    template = NotificationTemplate.objects.get(code="urge")
    url = reverse("admin:ledgers_notificationtemplate_change", args=[template.pk])
    client.force_login(cast.alice)
    assert client.get(url).status_code == 302  # to the admin's login: not staff
    sysadmin = make_user("sys_words", Role.SYSTEM_ADMIN)
    sysadmin.is_staff = True
    sysadmin.save(update_fields=["is_staff"])
    verify_session(client, sysadmin)
    assert client.get(url).status_code == 200
    response = client.post(url, {"code": "urge", "title": "请尽快办理：{{ rule }}", "body": "谢谢。"})
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.title == "请尽快办理：{{ rule }}"
