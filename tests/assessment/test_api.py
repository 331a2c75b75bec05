"""The assessment API: field names the mini-program depends on, scope per role, county-only writes."""

import pytest

from assessment.models import Grade, GradingRound, Score, ScoringRule
from assessment.services import grading
from assessment.services.rollup import confirm_rollup, run_rollup
from tests.assessment import dataset

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(cast):
    q = dataset.build(cast)
    rollup = run_rollup(actor=cast.alice, county=cast.county, year=q.year, quarter=q.quarter, as_of=q.as_of)
    confirm_rollup(actor=cast.alice, rollup=rollup)
    return q, rollup


def test_scoring_rules_and_weights_carry_the_contract_fields(api, cast, scored):
    q, _ = scored
    api.force_authenticate(cast.frank)
    rows = api.get("/api/v1/scoring-rules/", {"year": q.year, "subject_type": "talent", "page_size": 50}).json()[
        "results"
    ]
    assert len(rows) == 9
    first = rows[0]
    assert {k: first[k] for k in ("year", "subject_type", "code", "event", "points", "cap", "part")} == {
        "year": q.year,
        "subject_type": "talent",
        "code": "T01",
        "event": "activity",
        "points": 2.0,
        "cap": 30.0,
        "part": "process",
    }
    assert "name" in first
    weights = api.get("/api/v1/scoring-weights/", {"year": q.year}).json()["results"]
    assert {(w["subject_type"], w["process_weight"], w["comprehensive_weight"]) for w in weights} == {
        (t, 0.7, 0.3) for t in ("talent", "unit", "village", "township")
    }


def test_only_the_county_admin_writes_rules(api, cast, scored):
    q, _ = scored
    rule = ScoringRule.objects.get(county=cast.county, year=q.year, code="T01")
    api.force_authenticate(cast.bob)
    assert api.patch(f"/api/v1/scoring-rules/{rule.pk}/", {"points": 9}, format="json").status_code == 403
    assert api.post("/api/v1/scoring-rules/", {}, format="json").status_code == 403
    api.force_authenticate(cast.zoe)
    assert api.patch(f"/api/v1/scoring-rules/{rule.pk}/", {"points": 9}, format="json").status_code == 404
    api.force_authenticate(cast.alice)
    response = api.patch(f"/api/v1/scoring-rules/{rule.pk}/", {"points": 3}, format="json")
    assert response.status_code == 200 and response.json()["points"] == 3.0
    bad = api.patch(f"/api/v1/scoring-rules/{rule.pk}/", {"event": "contact_month"}, format="json")
    assert bad.status_code == 400 and "该计分事项不适用于所选考核对象。" in str(bad.json())
    new = api.post(
        "/api/v1/scoring-rules/",
        {
            "year": q.year,
            "subject_type": "unit",
            "code": "U09",
            "name": "资源投入",
            "event": "project_completed",
            "points": 5,
            "cap": None,
            "part": "comprehensive",
        },
        format="json",
    )
    assert new.status_code == 201, new.content


def test_scores_carry_the_contract_fields_and_filters(api, cast, scored):
    q, rollup = scored
    api.force_authenticate(cast.alice)
    rows = api.get(
        "/api/v1/scores/", {"year": q.year, "quarter": 2, "subject_type": "talent", "township": cast.township_a.pk}
    ).json()["results"]
    assert {r["subject_name"] for r in rows} == {"张三", "赵六", "钱七"}
    t = next(r for r in rows if r["subject_id"] == cast.talent_t.pk)
    for key in (
        "subject_type",
        "subject_id",
        "subject_name",
        "total",
        "process_points",
        "comprehensive_points",
        "rank_county",
        "rank_township",
        "state",
        "breakdown",
    ):
        assert key in t
    assert t["state"] == "confirmed"
    assert t["breakdown"][0] == {"rule_code": "T01", "events": 3, "points": 6.0}
    score = Score.objects.get(rollup=rollup, talent=cast.talent_t)
    assert t["total"] == float(score.total)
    units = api.get("/api/v1/scores/", {"subject_type": "unit", "unit": cast.unit_u.pk}).json()["results"]
    assert [u["subject_name"] for u in units] == ["县农业农村局"]


@pytest.mark.parametrize(
    ("name", "talents"),
    [("alice", 4), ("bob", 3), ("carol", 1), ("dave", 1), ("erin", 2), ("frank", 1), ("grace", 0), ("zoe", 0)],
)
def test_scores_are_scoped_for_every_role(api, cast, scored, name, talents):
    api.force_authenticate(getattr(cast, name))
    response = api.get("/api/v1/scores/", {"subject_type": "talent"})
    assert response.json()["count"] == talents


def test_grades_propose_change_confirm_and_reopen(api, cast, scored):
    q, _ = scored
    group = grading.default_group(cast.county)
    api.force_authenticate(cast.bob)  # grading groups are the county's: another role does not see one
    assert api.post("/api/v1/grades/propose/", {"year": q.year, "group": group.pk}, format="json").status_code == 404
    api.force_authenticate(cast.alice)
    response = api.post("/api/v1/grades/propose/", {"year": q.year, "group": group.pk}, format="json")
    assert response.status_code == 200 and response.json()["graded"] == 4
    rows = api.get("/api/v1/grades/", {"year": q.year}).json()["results"]
    assert set(rows[0]) >= {
        "year",
        "group",
        "subject_id",
        "subject_name",
        "annual_score",
        "proposed_grade",
        "grade",
        "reason",
        "flagged",
    }
    poor = next(r for r in rows if r["grade"] == "poor")
    assert poor["actions"] == ["change"]
    no_reason = api.patch(f"/api/v1/grades/{poor['id']}/", {"grade": "good"}, format="json")
    assert no_reason.status_code == 400
    assert (
        api.patch(f"/api/v1/grades/{poor['id']}/", {"grade": "good", "reason": "复核"}, format="json").status_code
        == 200
    )
    refused = api.post("/api/v1/grades/confirm/", {"year": q.year, "group": group.pk}, format="json")
    assert refused.status_code == 400 and "差等次 0 人，不低于 10% 需至少 1 人" in str(refused.json())
    api.patch(f"/api/v1/grades/{poor['id']}/", {"grade": "poor", "reason": "维持"}, format="json")
    confirmed = api.post("/api/v1/grades/confirm/", {"year": q.year, "group": group.pk}, format="json")
    assert confirmed.status_code == 200 and confirmed.json()["state"] == "confirmed"
    locked = api.patch(f"/api/v1/grades/{poor['id']}/", {"grade": "good", "reason": "再调"}, format="json")
    assert locked.status_code == 400
    assert api.post("/api/v1/grades/reopen/", {"year": q.year, "group": group.pk}, format="json").status_code == 400
    reopened = api.post("/api/v1/grades/reopen/", {"year": q.year, "group": group.pk, "reason": "复核"}, format="json")
    assert reopened.json()["state"] == "proposed"
    api.force_authenticate(cast.frank)
    mine = api.get("/api/v1/grades/").json()
    assert mine["count"] == 1 and mine["results"][0]["subject_id"] == cast.talent_t.pk
    assert mine["results"][0]["actions"] == []
    assert Grade.objects.count() == 4


def test_grades_confirm_and_reopen_refuse_a_stale_version_with_409(api, cast, scored):
    q, _ = scored
    group = grading.default_group(cast.county)
    api.force_authenticate(cast.alice)
    proposed = api.post("/api/v1/grades/propose/", {"year": q.year, "group": group.pk}, format="json").json()
    version = proposed["version"]
    rows = api.get("/api/v1/grades/", {"year": q.year}).json()["results"]
    assert {r["round_version"] for r in rows} == {version}
    # Someone proposes again meanwhile: the version the client saw is no longer current.
    again = api.post("/api/v1/grades/propose/", {"year": q.year, "group": group.pk}, format="json").json()
    assert again["version"] == version + 1
    stale = api.post("/api/v1/grades/confirm/", {"year": q.year, "group": group.pk, "version": version}, format="json")
    assert stale.status_code == 409 and stale.json()["detail"] == "本次等次评定已被他人更新，请刷新页面后重试。"
    assert GradingRound.objects.get(group=group, year=q.year).state == "proposed"
    confirmed = api.post(
        "/api/v1/grades/confirm/", {"year": q.year, "group": group.pk, "version": again["version"]}, format="json"
    )
    assert confirmed.status_code == 200 and confirmed.json()["state"] == "confirmed"
    current = confirmed.json()["version"]
    assert current == again["version"] + 1
    body = {"year": q.year, "group": group.pk, "reason": "复核", "version": current - 1}
    stale = api.post("/api/v1/grades/reopen/", body, format="json")
    assert stale.status_code == 409 and "已被他人更新" in stale.json()["detail"]
    assert GradingRound.objects.get(group=group, year=q.year).state == "confirmed"
    reopened = api.post("/api/v1/grades/reopen/", {**body, "version": current}, format="json")
    assert reopened.status_code == 200 and reopened.json()["state"] == "proposed"
    assert reopened.json()["version"] == current + 1
    bad = api.post("/api/v1/grades/confirm/", {"year": q.year, "group": group.pk, "version": 0}, format="json")
    assert bad.status_code == 400


def test_scores_list_the_newest_quarter_first_and_carry_their_rollups_quarter(api, cast, scored):
    """Score.year/quarter are copied from the rollup (the API's order reads them, not the join):
    a later quarter's scores come first, and no score disagrees with its rollup."""
    from django.db.models import F, Q

    q, _rollup = scored
    later = run_rollup(actor=cast.alice, county=cast.county, year=q.year, quarter=q.quarter + 1, as_of=q.as_of)
    assert Score.objects.filter(rollup=later).exists()
    assert not Score.objects.filter(~Q(year=F("rollup__year")) | ~Q(quarter=F("rollup__quarter"))).exists()
    api.force_authenticate(cast.alice)
    rows = api.get("/api/v1/scores/", {"page_size": 200}).json()["results"]
    quarters = [(r["year"], r["quarter"]) for r in rows]
    assert quarters == sorted(quarters, reverse=True) and quarters[0] == (q.year, q.quarter + 1)
    assert quarters[-1] == (q.year, q.quarter)
