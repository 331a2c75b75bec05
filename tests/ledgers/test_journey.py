"""The issue's "done when", through the pages as people use them (phone-sized form included)."""

import pytest
from django.urls import reverse

from ledgers.choices import ActivityStatus, MonthStatus
from ledgers.models import LedgerMonth, ServiceActivity
from ledgers.periods import current_month, format_month

from .helpers import api_payload, png_upload, today

pytestmark = pytest.mark.django_db


def test_record_confirm_submit_confirm_and_the_month_refuses_changes_everywhere(cast, client, api):
    month = format_month(current_month())
    ledger_url = reverse("ledgers:month_ledger", args=[cast.village_a1.pk, month])

    # Dave records an activity on his phone: kind, today's date by default, a talent, hours, a photo.
    client.force_login(cast.dave)
    form_page = client.get(reverse("ledgers:activity_create"))
    assert form_page.status_code == 200
    html = form_page.content.decode()
    assert 'name="viewport"' in html and "张三" in html and today().isoformat() in html
    response = client.post(
        reverse("ledgers:activity_create"),
        {
            "kind": "theme",
            "date": today().isoformat(),
            "title": "主题党日",
            "content": "学习二十届四中全会精神",
            "talents": [cast.talent_t.pk],
            "units": [cast.unit_u.pk],
            "hours": "2",
            "beneficiaries": "30",
            "photos": [png_upload()],
        },
    )
    assert response.status_code == 302
    dave_activity = ServiceActivity.objects.get(title="主题党日")
    assert dave_activity.status == ActivityStatus.CONFIRMED and dave_activity.photos.count() == 1

    # Frank records his own service: pending until the village confirms it.
    client.force_login(cast.frank)
    response = client.post(
        reverse("ledgers:activity_create"),
        {
            "kind": "micro_service",
            "date": today().isoformat(),
            "title": "代办医保",
            "content": "为三户老人代办医保缴费",
            "hours": "1.5",
            "beneficiaries": "3",
        },
    )
    assert response.status_code == 302
    own = ServiceActivity.objects.get(title="代办医保")
    assert own.status == ActivityStatus.PENDING
    assert "代办医保" in client.get(reverse("ledgers:my_services")).content.decode()

    # Dave sees it in his queue and confirms it.
    client.force_login(cast.dave)
    assert "代办医保" in client.get(reverse("ledgers:pending")).content.decode()
    client.post(reverse("ledgers:activity_confirm", args=[own.pk]))
    own.refresh_from_db()
    assert own.status == ActivityStatus.CONFIRMED

    # The month ledger shows both, with totals; Dave submits it.
    page = client.get(ledger_url)
    assert page.context["totals"].activities == 2 and page.context["totals"].beneficiaries == 33
    version = page.context["month"].version
    response = client.post(
        reverse("ledgers:month_action", args=[cast.village_a1.pk, month, "submit"]), {"version": version}
    )
    assert LedgerMonth.objects.get(village=cast.village_a1).status == MonthStatus.SUBMITTED

    # Bob finds it in the township's queue and confirms it.
    client.force_login(cast.bob)
    assert "甲一村" in client.get(reverse("ledgers:month_queue")).content.decode()
    version = client.get(ledger_url).context["month"].version
    client.post(reverse("ledgers:month_action", args=[cast.village_a1.pk, month, "confirm"]), {"version": version})
    row = LedgerMonth.objects.get(village=cast.village_a1)
    assert row.status == MonthStatus.CONFIRMED

    # The month refuses changes everywhere: pages and API, for the village and the talent.
    before = ServiceActivity.objects.count()
    client.force_login(cast.dave)
    page = client.post(
        reverse("ledgers:activity_edit", args=[dave_activity.pk]),
        {
            "kind": "theme",
            "date": today().isoformat(),
            "title": "改",
            "content": "改",
            "talents": [cast.talent_t.pk],
            "hours": "9",
            "beneficiaries": "0",
        },
    )
    assert "不能新增、修改或删除" in page.content.decode()
    client.post(reverse("ledgers:activity_delete", args=[dave_activity.pk]))
    api.force_authenticate(cast.frank)
    response = api.post("/api/v1/activities/", api_payload(cast.village_a1, talents=[cast.talent_t]), format="json")
    assert response.status_code == 400
    api.force_authenticate(cast.dave)
    assert api.delete(f"/api/v1/activities/{own.pk}/").status_code == 400
    assert ServiceActivity.objects.count() == before
    assert ServiceActivity.objects.get(pk=dave_activity.pk).title == "主题党日"
    assert "不能再新增、修改或删除活动" in client.get(ledger_url).content.decode()
