"""Every date rule (pairing/date_rules.py, ledgers/date_rules.py) refused through the API and through
a page, with its Chinese message at its field and nothing written.

The tests are parametrised over the tables: a rule added there without a scenario here fails
`test_every_rule_has_a_scenario`.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ledgers import date_rules as ledger_rules
from ledgers.models import Demand, JointMeeting, ServiceActivity, TalentEvaluation
from ledgers.periods import half_of, half_year_range, quarter_of, quarter_range
from ledgers.services import demands as demand_services
from ledgers.services import meetings as meeting_services
from pairing import date_rules as pairing_rules
from pairing.choices import AgreementStatus
from pairing.core.local_time import SHANGHAI, local_date
from pairing.models import Agreement
from tests.ledgers.helpers import api_payload
from tests.pairing.test_agreements_support import make_agreement, pdf_upload

pytestmark = pytest.mark.django_db

RULES = pairing_rules.RULES + ledger_rules.RULES


def today() -> datetime.date:
    return timezone.localdate()


@dataclass(frozen=True)
class Attempt:
    """One way to break a rule: the response, the messages shown for the field, and whether the
    stored data is as it was before."""

    response: object
    messages: list[str]
    unchanged: bool


@dataclass(frozen=True)
class Scenario:
    api: Callable[..., Attempt]
    page: Callable[..., Attempt]


def _api_messages(response, field: str) -> list[str]:
    return [str(m) for m in response.json().get("errors", {}).get(field, [])]


def _page(client: Client, user) -> Client:
    client.force_login(user)
    return client


# --- agreements: signing ------------------------------------------------------------------------


def _confirmed(cast) -> Agreement:
    return make_agreement(cast.pairing_u_a1, status=AgreementStatus.CONFIRMED)


def _still_confirmed(agreement) -> bool:
    agreement.refresh_from_db()
    return agreement.status == AgreementStatus.CONFIRMED and agreement.signed_on is None


def _sign_api(day: datetime.date):
    def attempt(cast, api, client):
        agreement = _confirmed(cast)
        api.force_authenticate(cast.erin)
        response = api.post(
            f"/api/v1/agreements/{agreement.pk}/sign/",
            {"version": agreement.version, "signed_on": day.isoformat(), "scan": pdf_upload()},
            format="multipart",
        )
        return Attempt(response, _api_messages(response, "signed_on"), _still_confirmed(agreement))

    return attempt


def _sign_page(day: datetime.date):
    def attempt(cast, api, client):
        agreement = _confirmed(cast)
        response = _page(client, cast.erin).post(
            reverse("pairing:agreement_sign", args=[agreement.pk]),
            {
                "version": agreement.version,
                "signed_on": day.isoformat(),
                "unit_signatory": "王局长",
                "village_signatory": "李书记",
                "scan": pdf_upload(),
            },
        )
        form = response.context["action_forms"]["sign"]
        return Attempt(response, list(form.errors.get("signed_on", [])), _still_confirmed(agreement))

    return attempt


# --- joint meetings -----------------------------------------------------------------------------


def _meeting_fields(held_at: datetime.datetime) -> dict:
    return {
        "held_at": held_at.astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M"),
        "place": "村党群服务中心",
        "unit_chair": "王局长",
        "village_chair": "李书记",
        "attendee_count": 8,
        "agenda": "研究下半年共建项目",
    }


def _new_meeting_api(held_at):
    def attempt(cast, api, client):
        api.force_authenticate(cast.erin)
        payload = {**_meeting_fields(held_at), "pairing": cast.pairing_u_a1.pk, "held_at": held_at.isoformat()}
        response = api.post("/api/v1/meetings/", payload, format="json")
        return Attempt(response, _api_messages(response, "held_at"), not JointMeeting.objects.exists())

    return attempt


def _new_meeting_page(held_at):
    def attempt(cast, api, client):
        url = f"{reverse('ledgers:meeting_create')}?pairing={cast.pairing_u_a1.pk}"
        response = _page(client, cast.erin).post(url, _meeting_fields(held_at))
        messages = list(response.context["form"].errors.get("held_at", []))
        return Attempt(response, messages, not JointMeeting.objects.exists())

    return attempt


def _recorded_meeting(cast) -> tuple[JointMeeting, datetime.datetime]:
    """A meeting held an hour ago, and a time just before the half year it was recorded for."""
    held_at = timezone.now() - datetime.timedelta(hours=1)
    data = meeting_services.MeetingInput(
        held_at=held_at, place="村部", unit_chair="王局长", village_chair="李书记", attendee_count=6, agenda="议题"
    )
    meeting = meeting_services.create_meeting(actor=cast.erin, pairing=cast.pairing_u_a1, data=data)
    day = local_date(held_at)
    start = half_year_range(day.year, half_of(day))[0]
    earlier = datetime.datetime.combine(start - datetime.timedelta(days=1), datetime.time(10), tzinfo=SHANGHAI)
    return meeting, earlier


def _unmoved(meeting) -> bool:
    held_at = meeting.held_at
    meeting.refresh_from_db()
    return meeting.held_at == held_at


def _moved_meeting_api(cast, api, client):
    meeting, earlier = _recorded_meeting(cast)
    api.force_authenticate(cast.erin)
    response = api.patch(f"/api/v1/meetings/{meeting.pk}/", {"held_at": earlier.isoformat()}, format="json")
    return Attempt(response, _api_messages(response, "held_at"), _unmoved(meeting))


def _moved_meeting_page(cast, api, client):
    meeting, earlier = _recorded_meeting(cast)
    response = _page(client, cast.erin).post(
        reverse("ledgers:meeting_edit", args=[meeting.pk]), _meeting_fields(earlier)
    )
    return Attempt(response, list(response.context["form"].errors.get("held_at", [])), _unmoved(meeting))


# --- service activities -------------------------------------------------------------------------


def _activity_api(day, *, talents=(), units=()):
    def attempt(cast, api, client):
        api.force_authenticate(cast.dave)
        payload = api_payload(
            cast.village_a1,
            talents=[getattr(cast, t) for t in talents],
            units=[getattr(cast, u) for u in units],
            day=day(),
        )
        response = api.post("/api/v1/activities/", payload, format="json")
        return Attempt(response, _api_messages(response, "date"), not ServiceActivity.objects.exists())

    return attempt


def _activity_page(day, *, talents=(), units=()):
    def attempt(cast, api, client):
        response = _page(client, cast.dave).post(
            reverse("ledgers:activity_create"),
            {
                "kind": "visit",
                "date": day().isoformat(),
                "title": "入户走访",
                "content": "走访困难户",
                "talents": [getattr(cast, t).pk for t in talents],
                "units": [getattr(cast, u).pk for u in units],
                "hours": "2",
                "beneficiaries": "3",
            },
        )
        form = response.context["form"]
        return Attempt(response, list(form.errors.get("date", [])), not ServiceActivity.objects.exists())

    return attempt


def _tomorrow():
    return today() + datetime.timedelta(days=1)


def _before_pairing_start():
    return datetime.date(today().year - 2, 6, 1)  # the cast's pairings start last year


def _before_assignment_year():
    return datetime.date(today().year - 1, 12, 31)  # talent T serves village A1 from this year


# --- demands ------------------------------------------------------------------------------------


def _published_ten_days_ago(cast) -> Demand:
    data = demand_services.DemandInput(type="need", category="livelihood", title="修路", description="村道破损")
    demand = demand_services.publish_demand(actor=cast.dave, village=cast.village_a1, data=data)
    Demand.objects.filter(pk=demand.pk).update(published_at=timezone.now() - datetime.timedelta(days=10))
    demand.refresh_from_db()
    return demand


def _before_publication(demand) -> datetime.date:
    return local_date(demand.published_at) - datetime.timedelta(days=1)


def _due_unchanged(demand) -> bool:
    demand.refresh_from_db()
    return demand.due_date is None


def _demand_api(cast, api, client):
    demand = _published_ten_days_ago(cast)
    api.force_authenticate(cast.dave)
    due = _before_publication(demand).isoformat()
    response = api.patch(f"/api/v1/demands/{demand.pk}/", {"due_date": due}, format="json")
    return Attempt(response, _api_messages(response, "due_date"), _due_unchanged(demand))


def _demand_page(cast, api, client):
    demand = _published_ten_days_ago(cast)
    response = _page(client, cast.dave).post(
        reverse("ledgers:demand_edit", args=[demand.pk]),
        {
            "type": demand.type,
            "category": demand.category,
            "title": demand.title,
            "description": demand.description,
            "people_wanted": demand.people_wanted,
            "due_date": _before_publication(demand).isoformat(),
        },
    )
    return Attempt(response, list(response.context["form"].errors.get("due_date", [])), _due_unchanged(demand))


# --- evaluations --------------------------------------------------------------------------------


def _next_quarter() -> tuple[int, int]:
    end = quarter_range(today().year, quarter_of(today()))[1]
    return end.year, quarter_of(end)


def _evaluation_api(cast, api, client):
    year, quarter = _next_quarter()
    api.force_authenticate(cast.dave)
    payload = {
        "talent": cast.talent_t.pk,
        "village": cast.village_a1.pk,
        "year": year,
        "quarter": quarter,
        "rating": "good",
    }
    response = api.post("/api/v1/evaluations/", payload, format="json")
    return Attempt(response, _api_messages(response, "quarter"), not TalentEvaluation.objects.exists())


def _evaluation_page(cast, api, client):
    year, quarter = _next_quarter()
    url = f"{reverse('ledgers:evaluation_create')}?talent={cast.talent_t.pk}&year={year}&quarter={quarter}"
    response = _page(client, cast.dave).post(url, {"rating": "good"})
    # The quarter is not a field of the page (it is the page's subject): the message heads the form.
    form = response.context["form"]
    return Attempt(response, list(form.non_field_errors()), not TalentEvaluation.objects.exists())


def _in_an_hour():
    return timezone.now() + datetime.timedelta(hours=1)


def _before_pairing_start_at_ten():
    return datetime.datetime(today().year - 2, 12, 31, 10, tzinfo=SHANGHAI)


SCENARIOS: dict[str, Scenario] = {
    "agreement_signed_within_year": Scenario(
        api=lambda *a: _sign_api(datetime.date(today().year - 1, 12, 31))(*a),
        page=lambda *a: _sign_page(datetime.date(today().year - 1, 12, 31))(*a),
    ),
    "agreement_signed_not_in_future": Scenario(
        api=lambda *a: _sign_api(_tomorrow())(*a),
        page=lambda *a: _sign_page(_tomorrow())(*a),
    ),
    "meeting_not_in_future": Scenario(
        api=lambda *a: _new_meeting_api(_in_an_hour() + datetime.timedelta(days=1))(*a),
        page=lambda *a: _new_meeting_page(_in_an_hour() + datetime.timedelta(days=1))(*a),
    ),
    "meeting_within_recorded_half_year": Scenario(api=_moved_meeting_api, page=_moved_meeting_page),
    "meeting_not_before_pairing_start": Scenario(
        api=lambda *a: _new_meeting_api(_before_pairing_start_at_ten())(*a),
        page=lambda *a: _new_meeting_page(_before_pairing_start_at_ten())(*a),
    ),
    "activity_not_in_future": Scenario(
        api=_activity_api(_tomorrow, talents=["talent_t"]), page=_activity_page(_tomorrow, talents=["talent_t"])
    ),
    "activity_not_before_pairing_start": Scenario(
        api=_activity_api(_before_pairing_start, units=["unit_u"]),
        page=_activity_page(_before_pairing_start, units=["unit_u"]),
    ),
    "activity_not_before_assignment_year": Scenario(
        api=_activity_api(_before_assignment_year, talents=["talent_t"]),
        page=_activity_page(_before_assignment_year, talents=["talent_t"]),
    ),
    "demand_due_not_before_publication": Scenario(api=_demand_api, page=_demand_page),
    "evaluation_quarter_not_in_future": Scenario(api=_evaluation_api, page=_evaluation_page),
}


def test_every_rule_has_a_scenario():
    assert [rule.code for rule in RULES] == list(SCENARIOS)
    assert len({rule.code for rule in RULES}) == len(RULES)


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.code)
def test_the_api_refuses_the_date_at_its_field(rule, cast, api, client):
    attempt = SCENARIOS[rule.code].api(cast, api, client)
    assert attempt.response.status_code == 400, attempt.response.content.decode()
    assert any(rule.matches(m) for m in attempt.messages), attempt.messages
    assert attempt.unchanged


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.code)
def test_the_page_refuses_the_date_at_its_field(rule, cast, api, client):
    attempt = SCENARIOS[rule.code].page(cast, api, client)
    assert attempt.response.status_code in (200, 400)
    assert any(rule.matches(m) for m in attempt.messages), attempt.messages
    shown = next(m for m in attempt.messages if rule.matches(m))
    assert shown in attempt.response.content.decode()
    assert attempt.unchanged


def test_a_message_pattern_matches_only_its_own_rule():
    rule = next(r for r in RULES if r.code == "agreement_signed_within_year")
    assert rule.matches("签署日期应在协议年度（2026年）之内。")
    assert not rule.matches("签署日期不能晚于今天。")
