"""Who served a village in a month: the month-by-month rules' rollup of the confirmed activities.

DOMAIN.md's monthly rules ("every active talent takes part in at least one activity each month",
"every unit contacts each paired village every month") ask, for every talent or pairing in scope
and every month of a period, whether a confirmed activity exists. Asked of the activities
themselves, a county's half year meant joining a city's 1.4 million activities with their 2.1
million participants month by month (seconds). These rows hold the answer, one per talent (or
unit), village and month; `ledgers.services.service_months` rebuilds a village-month's rows from
its activities inside every change to them, under the month's row lock, so they are never stale.
"""

from decimal import Decimal

from django.db import models

from pairing.core.scoping import Scope, ScopedManager
from pairing.models import CountyUnit, UrbanTalent, Village

_SCOPE = dict(county="village__township__county", township="village__township", village="village")


class TalentServiceMonth(models.Model):
    """A talent's confirmed service in one village in one month: how many activities, how many hours."""

    talent = models.ForeignKey(UrbanTalent, models.CASCADE, related_name="service_months", verbose_name="城市人才")
    village = models.ForeignKey(
        Village, models.CASCADE, related_name="talent_service_months", verbose_name="村（社区）"
    )
    month = models.DateField("月份", help_text="该月第一天")
    activities = models.PositiveIntegerField("参加活动（次）")
    hours = models.DecimalField("服务时长（小时）", max_digits=7, decimal_places=1, default=Decimal("0"))

    scope = Scope(**_SCOPE, unit="talent__unit", talent="talent")
    objects = ScopedManager()

    class Meta:
        verbose_name = verbose_name_plural = "城市人才月度服务"
        constraints = [
            # (talent, month) leads: "did this talent serve in these months" is one index range.
            models.UniqueConstraint(fields=["talent", "month", "village"], name="uniq_talent_service_month")
        ]
        indexes = [
            models.Index(fields=["village", "month"], name="talent_service_village_month"),
            # (month, talent): "which talents served this month" (the compliance board's open-month
            # test) scanned all 1.3 M city rows for one month (55 ms); with it a range (4 ms).
            models.Index(fields=["month", "talent"], name="talent_service_month_talent"),
        ]

    def __str__(self):
        return f"{self.talent_id} {self.month:%Y-%m} {self.activities}次"


def month_bit(month) -> int:
    """A month's bit in TalentServiceYear.months: bit 0 for January … bit 11 for December."""
    return 1 << (month.month - 1)


class TalentServiceYear(models.Model):
    """A talent's months with confirmed service in one year as a set of bits (month_bit), kept with
    the talent's TalentServiceMonth rows. "Did each talent serve in every month of the period" is
    then one row per talent: a city's half year read 200,000 month rows for 47,000 talents (0.4 s)."""

    talent = models.ForeignKey(UrbanTalent, models.CASCADE, related_name="service_years", verbose_name="城市人才")
    year = models.PositiveSmallIntegerField("年度")
    months = models.PositiveIntegerField("有服务的月份", help_text="按位记录：第 m 位表示 m+1 月有经确认的服务")

    scope = Scope(county="talent__county", unit="talent__unit", talent="talent")
    objects = ScopedManager()

    class Meta:
        verbose_name = verbose_name_plural = "城市人才年度服务月份"
        constraints = [models.UniqueConstraint(fields=["talent", "year"], name="uniq_talent_service_year")]

    def __str__(self):
        return f"{self.talent_id} {self.year} {self.months:012b}"


class UnitContactMonth(models.Model):
    """A unit's contact with a village in one month (000 §四(一)1): the confirmed activities there in
    which the unit took part as a whole, or 单位联系 activities with one of its talents."""

    unit = models.ForeignKey(CountyUnit, models.CASCADE, related_name="contact_months", verbose_name="县直单位")
    village = models.ForeignKey(Village, models.CASCADE, related_name="unit_contact_months", verbose_name="村（社区）")
    month = models.DateField("月份", help_text="该月第一天")
    activities = models.PositiveIntegerField("联系活动（次）")

    scope = Scope(**_SCOPE, unit="unit")
    objects = ScopedManager()

    class Meta:
        verbose_name = verbose_name_plural = "县直单位月度联系"
        constraints = [models.UniqueConstraint(fields=["unit", "village", "month"], name="uniq_unit_contact_month")]
        indexes = [models.Index(fields=["village", "month"], name="unit_contact_village_month")]

    def __str__(self):
        return f"{self.unit_id}→{self.village_id} {self.month:%Y-%m} {self.activities}次"
