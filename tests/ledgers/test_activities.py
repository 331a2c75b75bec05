"""Recording and confirming activities: who records, what is confirmed, what counts."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ledgers.choices import ActivityStatus
from ledgers.ledger import totals
from ledgers.models import ServiceActivity
from ledgers.services import confirm_activity, reject_activity, update_activity
from pairing.models import AuditEvent

from .helpers import activity_input, record, today

pytestmark = pytest.mark.django_db


def test_an_activity_the_village_secretary_records_is_confirmed_on_save(cast):
    activity = record(cast.dave, cast.village_a1, talents=[cast.talent_t])
    assert activity.status == ActivityStatus.CONFIRMED
    assert activity.reviewed_by == cast.dave
    assert AuditEvent.objects.filter(action="create", object_type="ledgers.serviceactivity").count() == 1


def test_a_talents_own_record_is_pending_until_the_village_confirms_it(cast):
    activity = record(cast.frank, cast.village_a1, talents=[cast.talent_t])
    assert activity.status == ActivityStatus.PENDING
    confirm_activity(actor=cast.dave, activity=activity)
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.CONFIRMED
    assert activity.reviewed_by == cast.dave


def test_the_unit_liaisons_record_is_pending_too(cast):
    activity = record(cast.erin, cast.village_a1, units=[cast.unit_u])
    assert activity.status == ActivityStatus.PENDING


def test_a_talent_must_list_themselves_as_a_participant(cast):
    with pytest.raises(ValidationError) as exc:
        record(cast.frank, cast.village_a1, units=[cast.unit_u])
    assert "本人" in str(exc.value)
    assert not ServiceActivity.objects.exists()


def test_a_talent_cannot_record_for_a_village_they_do_not_serve(cast):
    with pytest.raises(PermissionDenied):
        record(cast.frank, cast.village_b1, talents=[cast.talent_t])
    assert not ServiceActivity.objects.exists()


def test_participants_must_be_assigned_to_the_village_and_units_paired_with_it(cast):
    with pytest.raises(ValidationError) as exc:
        record(cast.dave, cast.village_a1, talents=[cast.talent_t2], units=[cast.unit_v])
    messages = " ".join(exc.value.messages)
    assert "未分配到甲一村" in messages and "未与甲一村结对" in messages
    assert not ServiceActivity.objects.exists()


def test_an_activity_needs_at_least_one_participant(cast):
    with pytest.raises(ValidationError):
        record(cast.dave, cast.village_a1)


def test_a_future_date_is_refused_with_a_chinese_message(cast):
    with pytest.raises(ValidationError) as exc:
        record(cast.dave, cast.village_a1, talents=[cast.talent_t], day=today() + datetime.timedelta(days=1))
    assert "不能晚于今天" in str(exc.value)


def test_county_and_township_do_not_record_activities(cast):
    for user in (cast.alice, cast.bob, cast.grace):
        with pytest.raises(PermissionDenied):
            record(user, cast.village_a1, talents=[cast.talent_t])
    assert AuditEvent.objects.filter(action="denied").count() == 3


def test_rejecting_needs_a_reason_and_only_the_village_reviews(cast):
    activity = record(cast.frank, cast.village_a1, talents=[cast.talent_t])
    with pytest.raises(ValidationError):
        reject_activity(actor=cast.dave, activity=activity, reason="  ")
    for outsider in (cast.bob, cast.erin, cast.frank):
        with pytest.raises(PermissionDenied):
            confirm_activity(actor=outsider, activity=activity)
    reject_activity(actor=cast.dave, activity=activity, reason="时间填写有误")
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.REJECTED
    assert activity.reject_reason == "时间填写有误"


def test_a_confirmed_activity_cannot_be_confirmed_twice(cast):
    activity = record(cast.frank, cast.village_a1, talents=[cast.talent_t])
    confirm_activity(actor=cast.dave, activity=activity)
    with pytest.raises(ValidationError):
        confirm_activity(actor=cast.dave, activity=activity)


def test_a_corrected_rejected_record_goes_back_to_pending(cast):
    activity = record(cast.frank, cast.village_a1, talents=[cast.talent_t])
    reject_activity(actor=cast.dave, activity=activity, reason="请补充内容")
    update_activity(
        actor=cast.frank, activity=activity, data=activity_input(talents=[cast.talent_t], content="补充后的内容")
    )
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.PENDING
    assert activity.reject_reason == ""


def test_a_talent_cannot_edit_a_confirmed_record(cast):
    activity = record(cast.frank, cast.village_a1, talents=[cast.talent_t])
    confirm_activity(actor=cast.dave, activity=activity)
    with pytest.raises(PermissionDenied):
        update_activity(actor=cast.frank, activity=activity, data=activity_input(talents=[cast.talent_t]))


def test_only_confirmed_activities_count(cast):
    record(cast.dave, cast.village_a1, talents=[cast.talent_t], hours="3", beneficiaries=10)
    pending = record(cast.frank, cast.village_a1, talents=[cast.talent_t], hours="5", beneficiaries=99)
    confirmed = totals(ServiceActivity.objects.filter(status=ActivityStatus.CONFIRMED))
    assert (confirmed.activities, confirmed.hours, confirmed.beneficiaries) == (1, 3, 10)
    assert pending.status == ActivityStatus.PENDING
