"""The monthly rollup (who served a village in a month) follows every change the activity services
make, and always equals a rebuild from the activities themselves."""

import datetime

import pytest

from ledgers.choices import ActivityKind
from ledgers.models import TalentServiceMonth, UnitContactMonth
from ledgers.services import confirm_activity, delete_activity, reject_activity, update_activity
from ledgers.services.service_months import rebuild_service_months
from pairing.models import Village

from .helpers import activity_input, last_month_day, record, today

pytestmark = pytest.mark.django_db


def talent_rows():
    return sorted(
        TalentServiceMonth.objects.values_list("talent__name", "village__name", "month", "activities", "hours")
    )


def unit_rows():
    return sorted(UnitContactMonth.objects.values_list("unit__name", "village__name", "month", "activities"))


def assert_equals_a_rebuild():
    kept = (talent_rows(), unit_rows())
    rebuild_service_months(Village.objects.values_list("pk", flat=True))
    assert (talent_rows(), unit_rows()) == kept


def this_month():
    return today().replace(day=1)


def test_an_activity_the_village_records_counts_at_once(cast):
    record(cast.dave, cast.village_a1, talents=[cast.talent_t], hours="2.5")
    record(cast.dave, cast.village_a1, talents=[cast.talent_t], hours="1")

    assert talent_rows() == [("张三", "甲一村", this_month(), 2, 3.5)]
    assert_equals_a_rebuild()


def test_a_talents_own_record_counts_once_confirmed_and_never_when_rejected(cast):
    first = record(cast.frank, cast.village_a1, talents=[cast.talent_t])
    second = record(cast.frank, cast.village_a1, talents=[cast.talent_t], title="第二次")
    assert talent_rows() == []

    confirm_activity(actor=cast.dave, activity=first)
    reject_activity(actor=cast.dave, activity=second, reason="请补充照片")

    assert [row[3] for row in talent_rows()] == [1]
    assert_equals_a_rebuild()


def test_moving_an_activity_to_another_month_moves_its_count(cast):
    activity = record(cast.dave, cast.village_a1, talents=[cast.talent_t], day=last_month_day())
    before = last_month_day().replace(day=1)
    assert [row[2] for row in talent_rows()] == [before]

    update_activity(actor=cast.dave, activity=activity, data=activity_input(talents=[cast.talent_t], day=today()))

    assert [row[2] for row in talent_rows()] == [this_month()]
    assert_equals_a_rebuild()


def test_removing_a_participant_or_the_activity_removes_the_count(cast):
    activity = record(cast.dave, cast.village_a1, talents=[cast.talent_t], units=[cast.unit_u])
    assert talent_rows() and unit_rows()

    update_activity(actor=cast.dave, activity=activity, data=activity_input(units=[cast.unit_u]))
    assert talent_rows() == [] and unit_rows()

    delete_activity(actor=cast.dave, activity=activity)
    assert unit_rows() == []
    assert_equals_a_rebuild()


def test_a_unit_contacts_a_village_as_a_whole_or_through_a_talent_in_a_unit_contact(cast):
    record(cast.dave, cast.village_a1, units=[cast.unit_u], kind=ActivityKind.THEME)
    record(cast.dave, cast.village_a1, talents=[cast.talent_t], kind=ActivityKind.UNIT_CONTACT)
    record(cast.dave, cast.village_a1, talents=[cast.talent_t], kind=ActivityKind.VISIT)  # a talent's visit is not

    assert unit_rows() == [("县农业农村局", "甲一村", this_month(), 2)]
    assert_equals_a_rebuild()


def test_the_rebuild_replaces_whatever_the_rows_held(cast):
    record(cast.dave, cast.village_a1, talents=[cast.talent_t])
    TalentServiceMonth.objects.update(activities=99)
    UnitContactMonth.objects.create(
        unit=cast.unit_v, village=cast.village_a1, month=datetime.date(2020, 1, 1), activities=1
    )

    rebuild_service_months([cast.village_a1.pk])

    assert [row[3] for row in talent_rows()] == [1]
    assert unit_rows() == []
