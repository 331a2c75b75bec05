"""Rule reminder jobs at chosen dates: exactly the right recipients, once, in scope, in batches."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ledgers import sms
from ledgers.choices import MeetingStatus, MonthStatus
from ledgers.models import Demand, JointMeeting, LedgerMonth, Notification, UnitContactMonth
from pairing.choices import AgreementStatus, Role, TalentStatus
from pairing.core import jobs
from pairing.models import TalentAssignment, UrbanTalent
from tests.factories import make_user
from tests.ledgers.helpers import record, served_in
from tests.ledgers.test_demands_support import publish
from tests.pairing.test_agreements_support import make_agreement

pytestmark = pytest.mark.django_db

D = datetime.date
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def run(name, on, dry_run=False, capture=None):
    return jobs.get(name).run(on=on, dry_run=dry_run)


def recipients(rule=None):
    rows = Notification.objects.all() if rule is None else Notification.objects.filter(rule=rule)
    return sorted(
        n.recipient.username if n.recipient else n.talent.name for n in rows.select_related("recipient", "talent")
    )


def test_every_job_is_listed_by_its_stable_name():
    names = set(jobs.discover())
    assert {
        "talent_monthly_service", "unit_monthly_contact", "village_month_submit", "township_month_confirm",
        "county_month_escalation", "agreement_signing", "agreement_escalation", "meeting_half_year",
        "resolution_due", "resolution_overdue", "township_half_year_report", "demand_daily_digest",
        "demand_unclaimed_escalation", "demand_overdue_claimers", "deliver_pending_notifications",
        "clear_expired_sessions",
    } <= names  # fmt: skip


def _talent(cast, name, phone, *, account=None, year=2026, status=TalentStatus.ACTIVE, village=None):
    talent = UrbanTalent.objects.create(
        county=cast.county, unit=cast.unit_u, name=name, gender="male", phone=phone, status=status
    )
    TalentAssignment.objects.create(talent=talent, village=village or cast.village_a1, year=year)
    if account:
        make_user(account, Role.TALENT, talent=talent)
    return talent


def test_talent_monthly_service_reminds_only_talents_with_nothing_this_month(cast, django_capture_on_commit_callbacks):
    _talent(cast, "徐一", "13500135001", account="xavier")  # nothing this month → inbox
    record(cast.frank, cast.village_a1, day=D(2026, 11, 10), talents=[cast.talent_t])  # pending: frank is fine
    served = _talent(cast, "徐二", "13500135002", village=cast.village_a2)
    served_in(served, cast.village_a2, D(2026, 11, 1))
    late = _talent(cast, "徐三", "13500135003", village=cast.village_a2)  # served last month only
    served_in(late, cast.village_a2, D(2026, 10, 1))
    _talent(cast, "徐四", "13500135004", status=TalentStatus.WITHDRAWN)
    _talent(cast, "徐五", "13500135005", year=2025)
    sms.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        lines = run("talent_monthly_service", D(2026, 11, 20))

    assert recipients() == sorted(["xavier", "徐三", "李四", "王五"])
    assert lines[0].startswith("城市人才月度服务提醒：已发送 4 条")
    no_account = Notification.objects.get(talent=cast.talent_t2)
    assert no_account.recipient is None and no_account.channels == "sms" and no_account.period == "2026-11"
    assert sorted(p for p, _ in sms.outbox) == sorted(["13500135003", "13700137000", "13600136000"])
    assert Notification.objects.get(recipient__username="xavier").delivered_at is not None  # inbox only


def test_a_rerun_sends_nothing_and_a_dry_run_writes_nothing(cast, django_capture_on_commit_callbacks):
    preview = run("talent_monthly_service", D(2026, 11, 20), dry_run=True)
    assert Notification.objects.count() == 0 and "将发送 3 条" in preview[0]
    with django_capture_on_commit_callbacks(execute=True):
        run("talent_monthly_service", D(2026, 11, 20))
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again = run("talent_monthly_service", D(2026, 11, 25))
    assert "已发送 0 条" in again[0] and Notification.objects.count() == 3 and not sms.outbox


def test_batches_keep_the_query_count_flat_and_reach_everyone(cast, settings):
    settings.NOTIFICATION_BATCH_SIZE = 1000

    def queries_for(n, offset):
        for i in range(n):
            _talent(cast, f"批{offset + i}", f"135{offset + i:08d}", account=f"batch{offset + i}")
        Notification.objects.all().delete()
        with CaptureQueriesContext(connection) as ctx:
            run("talent_monthly_service", D(2026, 11, 20))
        return len(ctx.captured_queries)

    assert queries_for(5, 0) == queries_for(40, 100)  # the number of queries does not grow with rows
    settings.NOTIFICATION_BATCH_SIZE = 7
    Notification.objects.all().delete()
    run("talent_monthly_service", D(2026, 11, 20))
    run("talent_monthly_service", D(2026, 11, 20))
    assert Notification.objects.count() == 45 + 3  # 45 with accounts, frank, 李四, 王五
    assert Notification.objects.values("recipient", "talent").distinct().count() == 48


def test_leap_day_counts_february_as_the_month(cast):
    TalentAssignment.objects.create(talent=cast.talent_t, village=cast.village_a1, year=2028)
    TalentAssignment.objects.create(talent=cast.talent_t2, village=cast.village_b1, year=2028)
    served_in(cast.talent_t2, cast.village_b1, D(2028, 2, 1))
    run("talent_monthly_service", D(2028, 2, 29))
    assert recipients() == ["frank"]
    assert Notification.objects.get().period == "2028-02"


def test_unit_contact_reminds_the_liaison_per_uncontacted_village(cast):
    run("unit_monthly_contact", D(2026, 11, 20))
    assert recipients() == ["erin"]  # unit V has no liaison account; the other county's neither
    Notification.objects.all().delete()
    UnitContactMonth.objects.create(unit=cast.unit_u, village=cast.village_a1, month=D(2026, 11, 1), activities=1)
    run("unit_monthly_contact", D(2026, 11, 20))
    assert recipients() == []


@pytest.mark.parametrize(
    ("on", "period"), [(D(2026, 12, 1), "2026-11"), (D(2026, 11, 30), "2026-10"), (D(2028, 3, 1), "2028-02")]
)
def test_the_month_submit_reminder_asks_for_the_month_just_ended(cast, on, period):
    LedgerMonth.objects.create(village=cast.village_b1, month=D(on.year, on.month, 1), status=MonthStatus.OPEN)
    run("village_month_submit", on)
    assert recipients() == ["dave"] and Notification.objects.get().period == period


def test_township_confirm_and_county_escalation_stay_in_their_scope(cast):
    make_user("victor", Role.VILLAGE_SECRETARY, village=cast.village_b1)
    LedgerMonth.objects.create(village=cast.village_a1, month=D(2026, 10, 1), status=MonthStatus.SUBMITTED)
    run("township_month_confirm", D(2026, 11, 6))
    assert recipients() == ["bob"]  # carol's township submitted nothing
    run("county_month_escalation", D(2026, 11, 10))
    alice = Notification.objects.get(recipient=cast.alice)
    zoe = Notification.objects.get(recipient=cast.zoe)
    assert "甲一村" in alice.body and "丙一村" not in alice.body and "丙一村" in zoe.body


def test_agreement_reminders_weekly_until_march_then_escalate_to_townships(cast):
    run("agreement_signing", D(2026, 3, 2))
    run("agreement_signing", D(2026, 3, 4))  # same week: nothing new
    assert recipients() == ["dave", "erin"]
    run("agreement_signing", D(2026, 3, 9))
    assert recipients() == ["dave", "dave", "erin", "erin"]
    Notification.objects.all().delete()
    make_agreement(cast.pairing_v_b1, status=AgreementStatus.SIGNED, year=2026)
    assert "不再发送" in run("agreement_signing", D(2026, 4, 6))[0]
    assert "不督办" in run("agreement_escalation", D(2026, 3, 31))[0]
    run("agreement_escalation", D(2026, 4, 1))
    assert recipients() == ["bob"]  # township B's pairing has signed


def _meeting(pairing, held_at):
    return JointMeeting.objects.create(
        pairing=pairing, held_at=held_at, place="村部", unit_chair="王局长", village_chair="李书记",
        attendee_count=8, agenda="年度计划", status=MeetingStatus.FINAL, finalized_at=held_at,
    )  # fmt: skip


def test_the_half_year_boundary_is_midnight_in_shanghai(cast):
    make_user("victor", Role.VILLAGE_SECRETARY, village=cast.village_b1)
    _meeting(cast.pairing_u_a1, datetime.datetime(2026, 7, 1, 0, 30, tzinfo=SHANGHAI))  # H2 by 30 minutes
    _meeting(cast.pairing_v_b1, datetime.datetime(2026, 6, 30, 23, 30, tzinfo=SHANGHAI))  # still H1
    run("meeting_half_year", D(2026, 12, 1))
    assert recipients() == ["victor"]
    Notification.objects.all().delete()
    run("meeting_half_year", D(2026, 6, 1))
    assert recipients() == ["dave", "erin"]


@pytest.mark.parametrize(("on", "period"), [(D(2026, 7, 1), "2026-H1"), (D(2027, 1, 2), "2026-H2")])
def test_township_reports_are_asked_for_the_half_year_just_ended(cast, on, period):
    run("township_half_year_report", on)
    assert recipients() == ["bob", "carol"]
    assert set(Notification.objects.values_list("period", flat=True)) == {period}


def test_the_daily_digest_counts_new_demands_by_the_shanghai_day(cast):
    late = publish(cast, title="昨夜发布")
    early = publish(cast, title="前天发布")
    Demand.objects.filter(pk=late.pk).update(published_at=datetime.datetime(2026, 12, 1, 0, 1, tzinfo=SHANGHAI))
    Demand.objects.filter(pk=early.pk).update(published_at=datetime.datetime(2026, 11, 30, 23, 59, tzinfo=SHANGHAI))
    run("demand_daily_digest", D(2026, 12, 2))
    run("demand_daily_digest", D(2026, 12, 2))
    assert recipients() == ["dave", "erin"]
    assert Notification.objects.get(recipient=cast.dave).title == "12月2日需求日汇总：新增1条，待认领2条，逾期0条"


def test_unclaimed_demands_escalate_after_the_configured_days(cast, settings):
    settings.DEMAND_UNCLAIMED_DAYS = 7
    old = publish(cast, title="久未认领")
    publish(cast, title="刚发布")
    Demand.objects.filter(pk=old.pk).update(published_at=timezone.now() - datetime.timedelta(days=8))
    today = timezone.localdate()
    run("demand_unclaimed_escalation", today)
    run("demand_unclaimed_escalation", today + datetime.timedelta(days=1))
    assert recipients() == ["bob", "erin"]
    assert set(Notification.objects.values_list("subject_id", flat=True)) == {old.pk}


def test_claimed_demands_past_due_remind_their_claimers(cast):
    from ledgers.services.demands import claim_demand

    demand = publish(cast, title="修水渠", due=timezone.localdate() + datetime.timedelta(days=2))
    claim_demand(actor=cast.frank, demand=demand)
    Notification.objects.all().delete()
    run("demand_overdue_claimers", timezone.localdate())
    assert recipients() == []
    run("demand_overdue_claimers", timezone.localdate() + datetime.timedelta(days=3))
    run("demand_overdue_claimers", timezone.localdate() + datetime.timedelta(days=4))
    assert recipients() == ["frank"]


def test_the_run_job_command_lists_runs_and_refuses_unknown_names(cast, capsys):
    from django.core.management import CommandError, call_command

    call_command("run_job", "--list")
    assert "talent_monthly_service" in capsys.readouterr().out
    call_command("run_job", "talent_monthly_service", "--date", "2026-11-20", "--dry-run")
    assert "将发送 3 条" in capsys.readouterr().out and Notification.objects.count() == 0
    call_command("run_job", "talent_monthly_service", "--date", "2026-11-20")
    assert Notification.objects.count() == 3
    with pytest.raises(CommandError):
        call_command("run_job", "no_such_job")
    with pytest.raises(CommandError):
        call_command("run_job", "talent_monthly_service", "--date", "2026-13-01")


def test_resolutions_falling_due_and_overdue_remind_the_meetings_parties(cast, settings):
    from ledgers.choices import ResolutionStatus
    from ledgers.models import MeetingResolution

    settings.RESOLUTION_DUE_NOTICE_DAYS = 3
    meeting = _meeting(cast.pairing_u_a1, datetime.datetime(2026, 1, 10, 9, 0, tzinfo=SHANGHAI))
    due = MeetingResolution.objects.create(
        meeting=meeting, content="修缮村道", responsible="王局长", due_date=D(2026, 5, 3)
    )
    MeetingResolution.objects.create(
        meeting=meeting, content="已办完", responsible="李书记", due_date=D(2026, 5, 2),
        follow_up_status=ResolutionStatus.DONE,
    )  # fmt: skip
    run("resolution_due", D(2026, 4, 29))
    assert recipients() == []  # four days ahead: not yet
    run("resolution_due", D(2026, 4, 30))
    run("resolution_due", D(2026, 5, 1))
    assert recipients() == ["dave", "erin"]
    assert "王局长" in Notification.objects.filter(recipient=cast.erin).get().body
    Notification.objects.all().delete()
    run("resolution_overdue", D(2026, 6, 1))
    run("resolution_overdue", D(2026, 6, 1))
    assert recipients() == ["dave", "erin"]
    assert set(Notification.objects.values_list("subject_id", flat=True)) == {due.pk}
