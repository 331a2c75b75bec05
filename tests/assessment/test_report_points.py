"""Points and grades reach the half-year workbook and the dashboard once the county has confirmed them."""

import io
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone
from openpyxl import load_workbook

from assessment import dashboard
from assessment.choices import SubjectType
from assessment.models import Score
from assessment.services import grading
from assessment.services.rollup import confirm_rollup, run_rollup
from tests.assessment import dataset
from tests.assessment.test_grading import eleven  # noqa: F401  (fixture)
from tests.exports import export_response

pytestmark = pytest.mark.django_db


def _workbook(client, user, year, half):
    response = export_response(client, user, "county_half_year", {"year": year, "half": half})
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def _column(sheet, header):
    headers = [c.value for c in sheet[3]]
    return headers.index(header)


def test_an_unconfirmed_quarter_leaves_the_points_out_and_a_confirmed_one_brings_them_in(client, cast):
    q = dataset.build(cast)
    half = 1 if q.quarter <= 2 else 2
    rollup = run_rollup(actor=cast.alice, county=cast.county, year=q.year, quarter=q.quarter, as_of=q.as_of)
    book = _workbook(client, cast.alice, q.year, half)
    assert "人才平均积分" not in [c.value for c in book["汇总"][3]]

    confirm_rollup(actor=cast.alice, rollup=rollup)
    book = _workbook(client, cast.alice, q.year, half)
    assert "人才平均积分" in [c.value for c in book["汇总"][3]]
    talents = book["人才明细"]
    name, points = _column(talents, "城市人才"), _column(talents, "积分")
    expected = Score.objects.filter(subject_type=SubjectType.TALENT, talent=cast.talent_t).aggregate(s=Sum("total"))[
        "s"
    ]
    row = next(r for r in talents.iter_rows(min_row=4, values_only=True) if r[name] == cast.talent_t.name)
    assert Decimal(str(row[points])) == expected


def test_the_dashboard_shows_the_score_distribution_with_its_grade_boundaries(cast, eleven):  # noqa: F811
    group_, year = eleven
    today = timezone.localdate().replace(year=year)
    assert dashboard.score_distribution(cast.alice, today) is None  # nobody graded yet
    round_ = grading.propose(actor=cast.alice, group=group_, year=year)
    chart = dashboard.score_distribution(cast.alice, today)
    assert sum(sum(s["data"]) for s in chart.series) == round_.grades.count() == 11
    assert [s["name"] for s in chart.series] == ["优秀", "良好", "差"]
    lowest_excellent = min(g.annual_score for g in round_.grades.filter(grade="excellent"))
    assert f"优秀最低 {lowest_excellent.normalize():f} 分" in chart.note
