"""Reports in the browser: the township's half-year workbook after the progress bar, the county's
dashboard charts, and a roster import with planted errors then corrected."""

import io

import openpyxl
from openpyxl import Workbook
from playwright.sync_api import expect

from pairing.models import UrbanTalent
from pairing.roster import KINDS
from tests.ledgers.test_compliance import YEAR, build_dataset

from .conftest import DESKTOP, shot


def test_the_township_downloads_its_half_year_workbook_after_the_progress_bar(cast, open_page, tmp_path):
    build_dataset(cast)
    page = open_page(cast.bob, viewport=DESKTOP)
    page.goto(f"/ledgers/reports/?year={YEAR}&half=1")
    page.get_by_role("button", name=f"导出本乡镇{YEAR}年上半年工作情况统计表").click()
    expect(page.locator("[data-export]")).to_have_attribute("data-status", "done")
    expect(page.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
    shot(page, "export-progress-done")
    with page.expect_download() as info:
        page.locator("[data-export-link]").click()
    download = info.value
    assert download.suggested_filename == f"甲镇{YEAR}年上半年双结对双帮扶工作情况统计表.xlsx"
    path = tmp_path / "report.xlsx"
    download.save_as(path)
    book = openpyxl.load_workbook(path)
    assert book["汇总"]["A1"].value == f"甲镇{YEAR}年上半年“双结对双帮扶”工作情况统计表"
    assert {row[1] for row in book["村级明细"].iter_rows(min_row=4, values_only=True)} == {"甲一村", "甲二村"}


def test_the_county_dashboard_renders_its_charts(cast, open_page):
    build_dataset(cast)
    page = open_page(cast.alice, viewport=DESKTOP)
    page.goto("/reports/dashboard/")
    charts = page.locator("[data-chart]")
    expect(charts).to_have_count(6)
    expect(page.locator("[data-chart][data-chart-ready='1'] canvas")).to_have_count(6)
    page.get_by_text("查看数据").first.click()
    expect(page.locator("[data-chart-table='activity_trend'] tbody tr")).to_have_count(1)
    shot(page, "county-dashboard", doc=True)


def _roster(rows) -> bytes:
    book = Workbook()
    book.active.append([c.header for c in KINDS["talents"].columns])
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_an_import_with_planted_errors_shows_each_and_the_corrected_file_imports(cast, open_page, tmp_path):
    page = open_page(cast.alice, viewport=DESKTOP)
    page.goto("/imports/talents/")
    bad = tmp_path / "roster.xlsx"
    bad.write_bytes(
        _roster(
            [
                ["钱一", "男", "13911110001", "", "县农业农村局", "", "群众"],
                ["钱二", "男", "1391", "", "县农业农村局", "", "群众"],
                ["钱三", "不详", "13911110003", "", "县农业农村局", "", "群众"],
                ["钱四", "女", "13911110004", "", "无此单位", "", "群众"],
            ]
        )
    )
    page.get_by_label("花名册文件（.xlsx）").set_input_files(str(bad))
    page.get_by_role("button", name="导入", exact=True).click()
    errors = page.locator("[data-import-errors] tbody tr")
    expect(errors).to_have_count(3)
    expect(errors.nth(0)).to_contain_text("手机")
    expect(page.get_by_role("link", name="下载未通过的行（含错误原因）")).to_be_visible()
    shot(page, "import-errors")
    assert not UrbanTalent.objects.filter(name__startswith="钱").exists()

    good = tmp_path / "roster-fixed.xlsx"
    good.write_bytes(
        _roster(
            [
                ["钱一", "男", "13911110001", "", "县农业农村局", "", "群众"],
                ["钱二", "男", "13911110002", "", "县农业农村局", "", "群众"],
                ["钱三", "女", "13911110003", "", "县卫生健康委", "", "群众"],
                ["钱四", "女", "13911110004", "", "县卫生健康委", "", "群众"],
            ]
        )
    )
    page.get_by_label("花名册文件（.xlsx）").set_input_files(str(good))
    page.get_by_role("button", name="导入", exact=True).click()
    expect(page.locator("[data-import-summary]")).to_contain_text("已导入：新增 4")
    assert UrbanTalent.objects.filter(name__startswith="钱").count() == 4
