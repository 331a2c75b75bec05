"""The demo builder for meetings, evaluations and township reports: most pairings meet, some are
overdue, evaluations cover past quarters, most townships reported; the board computes on it."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from ledgers import compliance
from ledgers.choices import MeetingStatus, ReportStatus
from ledgers.models import JointMeeting, MeetingResolution, TalentEvaluation, TownshipHalfYearReport
from pairing.models import County, User

pytestmark = pytest.mark.django_db

TODAY = "2026-05-20"


def test_the_demo_has_meetings_some_overdue_evaluations_and_reports():
    call_command("seed_demo", "--scale", "small", "--today", TODAY, stdout=StringIO(), stderr=StringIO())
    today = datetime.date.fromisoformat(TODAY)
    assert JointMeeting.objects.filter(status=MeetingStatus.FINAL).exists()
    assert MeetingResolution.objects.exists()
    assert TalentEvaluation.objects.filter(forwarded_at__isnull=False).exists()
    assert TownshipHalfYearReport.objects.filter(status=ReportStatus.SUBMITTED).exists()
    admin = User(role="county_admin", county=County.objects.order_by("code").first(), is_active=True)
    last_half = compliance.Period("half", 2025, 2)
    figures = {f.rule.code: f for f in compliance.board(admin, last_half, today)}
    meetings = figures["meetings"]
    assert 0 < meetings.behind < meetings.total / 2  # most pairings met, some are overdue
    assert compliance.meeting_overdue(last_half, today)
