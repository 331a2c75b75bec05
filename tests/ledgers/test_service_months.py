"""The monthly rollup (who served a village in a month) follows every change the activity services
make, and always equals a rebuild from the activities themselves."""

import datetime

import pytest

from ledgers.choices import ActivityKind
from ledgers.models import LedgerMonth, ServiceActivity, TalentServiceMonth, TalentServiceYear, UnitContactMonth
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


def year_rows():
    return sorted(TalentServiceYear.objects.values_list("talent__name", "year", "months"))


def years_from_month_rows():
    """Each talent's months of service per year, as bits (bit 0 January), from the month rows."""
    masks = {}
    for name, month in TalentServiceMonth.objects.values_list("talent__name", "month"):
        masks[(name, month.year)] = masks.get((name, month.year), 0) | 1 << (month.month - 1)
    return sorted((name, year, bits) for (name, year), bits in masks.items())


def month_counts():
    return sorted(LedgerMonth.objects.values_list("village__name", "month", "confirmed_activities"))


def counted_activities():
    """Each month row's confirmed activities, counted from the activities themselves."""
    return sorted(
        (month.village.name, month.month, confirmed_in(month))
        for month in LedgerMonth.objects.select_related("village")
    )


def confirmed_in(month):
    return ServiceActivity.objects.filter(
        village=month.village, status="confirmed", date__year=month.month.year, date__month=month.month.month
    ).count()


def assert_equals_a_rebuild():
    kept = (talent_rows(), unit_rows(), year_rows(), month_counts())
    assert year_rows() == years_from_month_rows()
    assert month_counts() == counted_activities()
    rebuild_service_months(Village.objects.values_list("pk", flat=True))
    assert (talent_rows(), unit_rows(), year_rows(), month_counts()) == kept


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

    assert [n for _, _, n in month_counts()] == [0]
    confirm_activity(actor=cast.dave, activity=first)
    reject_activity(actor=cast.dave, activity=second, reason="请补充照片")

    assert [row[3] for row in talent_rows()] == [1]
    assert [n for _, _, n in month_counts()] == [1]
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


def test_a_talents_months_of_the_year_follow_their_service(cast):
    """The year row holds one bit per month served, and a month's bit goes when its last confirmed
    activity goes."""
    first = record(cast.dave, cast.village_a1, talents=[cast.talent_t], day=last_month_day())
    record(cast.dave, cast.village_a1, talents=[cast.talent_t])
    both = last_month_day().replace(day=1), this_month()
    if both[0].year == both[1].year:  # (in January the two months fall in two years: one bit each)
        assert year_rows() == [("张三", both[1].year, (1 << (both[0].month - 1)) | (1 << (both[1].month - 1)))]
    assert_equals_a_rebuild()

    delete_activity(actor=cast.dave, activity=first)
    assert year_rows() == [("张三", this_month().year, 1 << (this_month().month - 1))]
    assert_equals_a_rebuild()
