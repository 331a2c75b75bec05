"""Temporary: screenshots of the pages changed on branch reports2 (not committed)."""

from playwright.sync_api import expect

from assessment.services.rollup import run_rollup
from tests.assessment import dataset
from tests.ledgers.test_compliance import YEAR, build_dataset

from .conftest import DESKTOP, PHONE, shot


def test_look(cast, open_page):
    build_dataset(cast)
    from ledgers.models.reports import TownshipHalfYearReport

    report = TownshipHalfYearReport.objects.filter(township=cast.township_a).first()
    for name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page = open_page(cast.alice, viewport=viewport)
        for slug, path in (
            ("overview", f"/agreements/?year={YEAR}"),
            ("daily", "/ledgers/demands/daily/"),
            ("imports", "/imports/"),
            ("import-heads", "/imports/honorary_heads/"),
            ("reports", f"/ledgers/reports/?year={YEAR}&half=1"),
        ):
            page.goto(path)
            shot(page, f"r2-{slug}-{name}")
            overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
            print(slug, name, "sideways scroll" if overflow else "ok")
        page.goto(f"/reports/half-year.xlsx?year={YEAR}&half=1")
        shot(page, f"r2-halfyear-redirect-{name}")
        page.get_by_role("button", name=f"导出全县{YEAR}年上半年工作情况统计表").click()
        expect(page.locator("[data-export]")).to_have_attribute("data-status", "done")
        shot(page, f"r2-county-export-{name}")
        page2 = open_page(cast.bob, viewport=viewport)
        page2.goto(report.get_absolute_url() if report else "/ledgers/reports/")
        shot(page2, f"r2-report-detail-{name}")


def test_look_rankings(cast, open_page):
    q = dataset.build(cast)
    run_rollup(actor=cast.alice, county=cast.county, year=q.year, quarter=q.quarter, as_of=q.as_of)
    for name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page = open_page(cast.alice, viewport=viewport)
        page.goto("/assessment/rankings/")
        shot(page, f"r2-rankings-{name}")
        page.get_by_role("button", name="导出 Excel").click()
        expect(page.locator("[data-export]")).to_have_attribute("data-status", "done")
        shot(page, f"r2-rankings-export-{name}")
