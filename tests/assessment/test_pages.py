"""Assessment pages per role: scope (404 outside it), the explanation's links to the rows behind
each point, rankings and their export, the public notice, the rule table and grading pages."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assessment.models import Grade, Score, ScoringRule
from assessment.services import grading
from assessment.services.rollup import confirm_rollup, run_rollup
from pairing.choices import ExportStatus
from pairing.models import Export
from tests.assessment import dataset

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(cast):
    q = dataset.build(cast)
    rollup = run_rollup(actor=cast.alice, county=cast.county, year=q.year, quarter=q.quarter, as_of=q.as_of)
    return q, rollup


def _score(rollup, **subject):
    return Score.objects.get(rollup=rollup, **subject)


# Who sees which score pages (DOMAIN: a talent their own, a unit its talents, a township its
# villages and the talents serving there, a village the talents serving it, the county all).
SEES = {
    "alice": {"t", "t2", "a1", "b1", "u", "ta"},
    "bob": {"t", "a1", "ta"},
    "carol": {"t2", "b1"},
    "dave": {"t", "a1"},
    "erin": {"t", "u"},
    "frank": {"t"},
    "grace": set(),
    "zoe": set(),
}


def test_score_pages_are_scoped_for_every_role(client, cast, scored):
    _, rollup = scored
    pages = {
        "t": _score(rollup, talent=cast.talent_t),
        "t2": _score(rollup, talent=cast.talent_t2),
        "a1": _score(rollup, village=cast.village_a1),
        "b1": _score(rollup, village=cast.village_b1),
        "u": _score(rollup, unit=cast.unit_u),
        "ta": _score(rollup, township=cast.township_a),
    }
    wrong = []
    for name, user in cast.users.items():
        client.force_login(user)
        for key, score in pages.items():
            status = client.get(reverse("assessment:score_detail", args=[score.pk])).status_code
            if status != (200 if key in SEES[name] else 404):
                wrong.append(f"{name} {key} -> {status}")
    assert wrong == []


def test_a_talent_follows_a_point_to_the_activity_behind_it(client, cast, scored):
    _, rollup = scored
    client.force_login(cast.frank)
    home = client.get(reverse("assessment:home"))
    score = _score(rollup, talent=cast.talent_t)
    assert home.status_code == 302 and home["Location"] == score.get_absolute_url()
    page = client.get(score.get_absolute_url()).content.decode()
    activity = cast.talent_t.participations.filter(activity__date=f"{rollup.year}-04-20").get().activity
    assert activity.get_absolute_url() in page
    assert "T01 参加村服务活动" in page and "第" in page
    assert client.get(activity.get_absolute_url()).status_code == 200
    # The activity of 1 July is not behind this quarter's points.
    later = cast.talent_t.participations.get(activity__date=f"{rollup.year}-07-01").activity
    assert later.get_absolute_url() not in page


def test_rankings_filter_by_township_and_export_what_the_page_shows(
    client, cast, scored, django_capture_on_commit_callbacks
):
    _, rollup = scored
    client.force_login(cast.alice)
    url = reverse("assessment:rankings")
    page = client.get(url, {"rollup": rollup.pk, "subject_type": "village", "township": cast.township_a.pk})
    text = page.content.decode()
    assert "甲一村" in text and "乙一村" not in text
    assert 'name="kind" value="rankings"' in text
    # The one export path: the page's button posts its filters to the export framework.
    assert client.get(url, {"rollup": rollup.pk, "format": "xlsx"})["Content-Type"].startswith("text/html")
    for who, township, expected in (
        (cast.alice, "", ["甲一村", "甲二村", "乙一村"]),
        (cast.alice, cast.township_a.pk, ["甲一村", "甲二村"]),
        (cast.carol, "", ["乙一村"]),
    ):
        client.force_login(who)
        params = {"rollup": rollup.pk, "subject_type": "village", "township": township}
        screen = [s.subject_name for s in client.get(url, params).context["rows"]]
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("pairing:export_start"), {"kind": "rankings", **params})
        export = Export.objects.filter(owner=who).latest("pk")
        assert response.status_code == 302 and export.status == ExportStatus.DONE, export.error
        sheet = load_workbook(io.BytesIO(client.get(reverse("pairing:export_download", args=[export.pk])).content))[
            "积分排位"
        ]
        assert "积分排位" in sheet["A1"].value and sheet["A1"].font.name == "宋体"
        rows = list(sheet.iter_rows(min_row=4, values_only=True))
        assert [r[2] for r in rows] == screen and sorted(screen) == sorted(expected)
        first = Score.objects.get(rollup=rollup, subject_type="village", subject_name=rows[0][2])
        assert rows[0][0] == first.rank_county and rows[0][5] == float(first.total)
    client.force_login(cast.carol)  # another township's rows cannot be asked for
    refused = client.post(
        reverse("pairing:export_start"),
        {"kind": "rankings", "rollup": rollup.pk, "subject_type": "village", "township": cast.township_a.pk},
    )
    assert refused.status_code == 302 and Export.objects.filter(owner=cast.carol).count() == 1


def test_the_public_notice_prints_a_confirmed_quarter_for_a_village(client, cast, scored):
    _, rollup = scored
    client.force_login(cast.dave)
    url = reverse("assessment:notice", args=[rollup.pk])
    assert client.get(url, {"kind": "village", "id": cast.village_a1.pk}).status_code == 404  # not confirmed yet
    confirm_rollup(actor=cast.alice, rollup=rollup)
    page = client.get(url, {"kind": "village", "id": cast.village_a1.pk, "days": 5})
    text = page.content.decode()
    assert page.status_code == 200 and "甲一村" in text and "公示期 5 天" in text and "张三" in text
    assert client.get(url, {"kind": "village", "id": cast.village_b1.pk}).status_code == 404


def test_the_county_edits_a_rule_on_the_page_and_others_cannot(client, cast, scored):
    q, rollup = scored
    confirm_rollup(actor=cast.alice, rollup=rollup)
    rule = ScoringRule.objects.get(county=cast.county, year=q.year, code="T01")
    client.force_login(cast.alice)
    data = {
        "subject_type": "talent",
        "code": "T01",
        "name": "参加村服务活动",
        "event": "activity",
        "points": "4",
        "cap": "",
        "part": "process",
        "sort_order": 1,
    }
    response = client.post(reverse("assessment:rule_edit", args=[rule.pk]), data)
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.points, rule.cap) == (4, None)
    rollup.refresh_from_db()
    assert rollup.stale
    bad = client.post(reverse("assessment:rule_edit", args=[rule.pk]), {**data, "event": "contact_month"})
    assert "该计分事项不适用于所选考核对象。" in bad.content.decode()
    assert "细则或台账已变动" in client.get(reverse("assessment:rules"), {"year": q.year}).content.decode()
    client.force_login(cast.bob)
    assert client.get(reverse("assessment:rules"), {"year": q.year}).status_code == 200
    assert client.post(reverse("assessment:rule_edit", args=[rule.pk]), data).status_code == 403
    client.force_login(cast.zoe)
    assert client.post(reverse("assessment:rule_edit", args=[rule.pk]), data).status_code in (403, 404)


def test_the_county_runs_confirms_and_grades_through_the_pages(client, cast, scored):
    q, rollup = scored
    client.force_login(cast.alice)
    page = client.get(rollup.get_absolute_url()).content.decode()
    assert "确认积分" in page and "重新计算" in page
    client.post(reverse("assessment:rollup_action", args=[rollup.pk, "confirm"]), {"version": rollup.version})
    rollup.refresh_from_db()
    assert rollup.state == "confirmed"
    group = grading.default_group(cast.county)
    response = client.post(reverse("assessment:grading_list"), {"year": q.year, "group": group.pk})
    assert response.status_code == 302
    round_ = group.rounds.get(year=q.year)
    detail = client.get(round_.get_absolute_url()).content.decode()
    assert "同分排序依次为：年度总分高者在前" in detail
    grade = Grade.objects.filter(round=round_, grade="poor").first()
    client.post(reverse("assessment:grade_change", args=[grade.pk]), {"grade": "good", "reason": "复核"})
    response = client.post(reverse("assessment:grading_action", args=[round_.pk, "confirm"]), follow=True)
    assert "差等次 0 人，不低于 10% 需至少 1 人" in response.content.decode()
    client.post(reverse("assessment:grade_change", args=[grade.pk]), {"grade": "poor", "reason": "维持原拟定"})
    client.post(reverse("assessment:grading_action", args=[round_.pk, "confirm"]))
    round_.refresh_from_db()
    assert round_.state == "confirmed"
    filing = round_.filings.get()
    download = client.get(reverse("assessment:filing_download", args=[filing.pk]))
    assert download.status_code == 200 and download["Content-Type"].startswith("application/vnd.openxml")
    client.force_login(cast.frank)
    assert client.get(round_.get_absolute_url()).status_code == 404
    assert client.get(reverse("assessment:filing_download", args=[filing.pk])).status_code == 404
    mine = client.get(reverse("assessment:grading_list")).content.decode()
    assert "张三" in mine and "李四" not in mine


@pytest.mark.parametrize("name", ["home", "rankings", "rules", "grading_list"])
def test_every_role_opens_the_assessment_pages(client, cast, scored, name):
    for user in cast.users.values():
        client.force_login(user)
        response = client.get(reverse(f"assessment:{name}"), follow=True)
        assert response.status_code == 200, (user.username, name)
