"""Event notifications of the assessment app, on ledgers' notification machinery.

Confirmed grades are told to each graded talent once the confirmation commits (ledgers cannot
import assessment, so the handler registers itself here; services emit the event by name).
"""

from django.urls import reverse

from ledgers.events import handler, notify_grades_confirmed

from .models import GradingRound


@handler("grades_confirmed")
def grades_confirmed(pk: int, stamp: str) -> int:
    round_ = GradingRound.objects.filter(pk=pk).first()
    if round_ is None:  # deleted before the task ran: nothing to tell
        return 0
    grades = {g.talent_id: g.get_grade_display() for g in round_.grades.all()}
    return notify_grades_confirmed(year=round_.year, grades=grades, link=reverse("assessment:home"), stamp=stamp)
