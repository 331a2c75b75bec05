"""Quarterly evaluations: one per talent-village-quarter, forwarded by the township to the unit,
changes after forwarding need a reason and are audited with before/after; scope and API."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from ledgers.choices import EvaluationRating
from ledgers.models import TalentEvaluation
from ledgers.periods import quarter_of
from ledgers.services import evaluations as evaluation_service
from pairing.models import AuditEvent, TalentAssignment

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YEAR, QUARTER = TODAY.year, quarter_of(TODAY)
GOOD = evaluation_service.EvaluationInput(rating=EvaluationRating.GOOD, score=85, comment="服务认真")


def rate(cast, data=GOOD, quarter=QUARTER):
    return evaluation_service.record_evaluation(
        actor=cast.dave, talent=cast.talent_t, village=cast.village_a1, year=YEAR, quarter=quarter, data=data
    )


def test_one_evaluation_per_talent_village_quarter(cast):
    rate(cast)
    with pytest.raises(ValidationError):
        rate(cast)
    # The named database constraint holds even when the service is bypassed.
    with pytest.raises(IntegrityError), transaction.atomic():
        TalentEvaluation.objects.create(
            talent=cast.talent_t, village=cast.village_a1, year=YEAR, quarter=QUARTER, rating=EvaluationRating.POOR
        )
    assert TalentEvaluation.objects.count() == 1


def test_a_rating_or_a_score_is_required_and_scores_stay_within_0_to_100(cast):
    with pytest.raises(ValidationError):
        rate(cast, evaluation_service.EvaluationInput(comment="只有评语"))
    with pytest.raises(ValidationError):
        rate(cast, evaluation_service.EvaluationInput(score=101))
    assert rate(cast, evaluation_service.EvaluationInput(score=0)).score == 0


def test_only_the_village_rates_talents_assigned_to_it(cast):
    with pytest.raises(PermissionDenied):
        evaluation_service.record_evaluation(
            actor=cast.bob, talent=cast.talent_t, village=cast.village_a1, year=YEAR, quarter=QUARTER, data=GOOD
        )
    with pytest.raises(ValidationError):  # T2 serves B1, not A1
        evaluation_service.record_evaluation(
            actor=cast.dave, talent=cast.talent_t2, village=cast.village_a1, year=YEAR, quarter=QUARTER, data=GOOD
        )
    if QUARTER < 4:
        with pytest.raises(ValidationError):
            rate(cast, quarter=QUARTER + 1)
    assert not TalentEvaluation.objects.exists()


def test_the_unit_sees_an_evaluation_only_once_the_township_forwards_it(cast):
    evaluation = rate(cast)
    assert not TalentEvaluation.objects.visible_to(cast.erin).exists()
    assert TalentEvaluation.objects.visible_to(cast.bob).filter(pk=evaluation.pk).exists()
    with pytest.raises(PermissionDenied):  # township B cannot even see it (the page and API answer 404)
        evaluation_service.forward_evaluations(actor=cast.carol, evaluations=[evaluation])
    with pytest.raises(PermissionDenied):  # the village does not forward its own ratings
        evaluation_service.forward_evaluations(actor=cast.dave, evaluations=[evaluation])
    assert evaluation_service.forward_evaluations(actor=cast.bob, evaluations=[evaluation]) == 1
    assert evaluation_service.forward_evaluations(actor=cast.bob, evaluations=[evaluation]) == 0  # idempotent
    evaluation.refresh_from_db()
    assert evaluation.forwarded_by == cast.bob and evaluation.forwarded_at is not None
    assert TalentEvaluation.objects.visible_to(cast.erin).filter(pk=evaluation.pk).exists()
    assert not TalentEvaluation.objects.visible_to(cast.frank).exists()
    assert AuditEvent.objects.filter(action="forward", object_id=str(evaluation.pk)).count() == 1


def test_a_change_before_forwarding_needs_no_reason(cast):
    evaluation = rate(cast)
    changed = evaluation_service.change_evaluation(
        actor=cast.dave,
        evaluation=evaluation,
        data=evaluation_service.EvaluationInput(rating=EvaluationRating.EXCELLENT),
    )
    assert changed.rating == EvaluationRating.EXCELLENT and changed.score is None and changed.change_reason == ""


def test_a_change_after_forwarding_needs_a_reason_and_keeps_before_and_after(cast):
    evaluation = rate(cast)
    evaluation_service.forward_evaluations(actor=cast.bob, evaluations=[evaluation])
    worse = evaluation_service.EvaluationInput(rating=EvaluationRating.FAIR, score=70, comment="多次缺席")
    with pytest.raises(ValidationError):
        evaluation_service.change_evaluation(actor=cast.dave, evaluation=evaluation, data=worse, reason="  ")
    assert TalentEvaluation.objects.get(pk=evaluation.pk).score == 85
    evaluation_service.change_evaluation(
        actor=cast.dave, evaluation=evaluation, data=worse, reason="核实后发现缺席两次"
    )
    evaluation.refresh_from_db()
    assert (evaluation.rating, evaluation.score, evaluation.change_reason) == ("fair", 70, "核实后发现缺席两次")
    event = AuditEvent.objects.get(action="update", object_id=str(evaluation.pk))
    assert event.changes["score"] == [85, 70] and event.changes["rating"] == ["good", "fair"]
    assert "核实后发现缺席两次" in event.message


# -- pages and API ---------------------------------------------------------------------------


def test_the_village_rates_from_its_quarter_page_and_the_township_forwards_from_the_list(client, cast):
    client.force_login(cast.dave)
    page = client.get(reverse("ledgers:evaluation_quarter"))
    assert page.status_code == 200 and "张三" in page.content.decode()
    url = f"{reverse('ledgers:evaluation_create')}?talent={cast.talent_t.pk}&year={YEAR}&quarter={QUARTER}"
    response = client.post(
        url, {"talent": cast.talent_t.pk, "year": YEAR, "quarter": QUARTER, "rating": "good", "score": "90"}
    )
    assert response.status_code == 302
    evaluation = TalentEvaluation.objects.get()
    client.force_login(cast.bob)
    client.post(reverse("ledgers:evaluation_forward"), {"ids": [evaluation.pk]})
    assert TalentEvaluation.objects.get().is_forwarded
    client.force_login(cast.erin)
    assert client.get(reverse("ledgers:evaluation_detail", args=[evaluation.pk])).status_code == 200
    client.force_login(cast.carol)
    assert client.get(reverse("ledgers:evaluation_detail", args=[evaluation.pk])).status_code == 404


def test_api_lists_equal_visible_rows_for_every_cast_member(api, cast):
    first = rate(cast)
    evaluation_service.forward_evaluations(actor=cast.bob, evaluations=[first])
    # A second, unforwarded evaluation: the township sees it, the unit does not.
    TalentAssignment.objects.create(talent=cast.talent_t, village=cast.village_a1, year=YEAR - 1)
    evaluation_service.record_evaluation(
        actor=cast.dave, talent=cast.talent_t, village=cast.village_a1, year=YEAR - 1, quarter=4, data=GOOD
    )
    for name, user in cast.users.items():
        api.force_authenticate(user)
        body = api.get("/api/v1/evaluations/").json()
        expected = set(TalentEvaluation.objects.visible_to(user).values_list("pk", flat=True))
        assert {r["id"] for r in body.get("results", [])} == expected, name


def test_api_create_forward_and_change_with_reason(api, cast):
    api.force_authenticate(cast.dave)
    payload = {
        "talent": cast.talent_t.pk,
        "village": cast.village_a1.pk,
        "year": YEAR,
        "quarter": QUARTER,
        "rating": "excellent",
    }
    created = api.post("/api/v1/evaluations/", payload, format="json")
    assert created.status_code == 201, created.content
    assert api.post("/api/v1/evaluations/", payload, format="json").status_code == 400  # second one
    pk = created.json()["id"]
    assert api.post(f"/api/v1/evaluations/{pk}/forward/").status_code == 403  # the village does not forward
    api.force_authenticate(cast.bob)
    forwarded = api.post(f"/api/v1/evaluations/{pk}/forward/")
    assert forwarded.status_code == 200 and forwarded.json()["forwarded_at"]
    api.force_authenticate(cast.dave)
    assert api.patch(f"/api/v1/evaluations/{pk}/", {"rating": "poor"}, format="json").status_code == 400
    changed = api.patch(f"/api/v1/evaluations/{pk}/", {"rating": "poor", "reason": "复核"}, format="json")
    assert changed.status_code == 200 and changed.json()["change_reason"] == "复核"


def test_api_create_for_another_village_is_refused_and_writes_nothing(api, cast):
    api.force_authenticate(cast.dave)
    payload = {
        "talent": cast.talent_t2.pk,
        "village": cast.village_b1.pk,
        "year": YEAR,
        "quarter": QUARTER,
        "score": 60,
    }
    response = api.post("/api/v1/evaluations/", payload, format="json")
    assert response.status_code == 400 and "village" in response.json()["errors"]
    api.force_authenticate(cast.erin)  # a unit liaison does not rate
    assert api.post("/api/v1/evaluations/", payload, format="json").status_code == 403
    assert not TalentEvaluation.objects.exists()
