"""Roster import: dry run writes nothing, every error kind at its row and column, all-or-nothing,
re-import updates, and hostile files (zip bomb, renamed file, over cap, formulas) refused."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from pairing.core import xlsx_upload
from pairing.models import AuditEvent, CountyUnit, HonoraryVillageHead, Township, UrbanTalent, Village
from pairing.roster import KINDS
from pairing.services import imports as import_service

pytestmark = pytest.mark.django_db

TALENT_HEADERS = [c.header for c in KINDS["talents"].columns]


def xlsx(rows, name="roster.xlsx") -> SimpleUploadedFile:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def talent(name="赵六", phone="13911112222", id_number="", unit="县农业农村局", gender="男"):
    return [name, gender, phone, id_number, unit, "", "群众"]


def _errors(result):
    return {(e.row, e.column, e.message) for e in result.errors}


def test_the_dry_run_lists_every_bad_cell_and_writes_nothing(cast):
    before = UrbanTalent.objects.count()
    upload = xlsx(
        [
            TALENT_HEADERS,
            talent("好人", "13911110001"),
            talent("坏号码", "1391111"),  # invalid phone
            talent("坏身份证", "13911110002", "110105194912310021"),  # wrong check character
            talent("无单位", "13911110003", unit="不存在的局"),  # unknown unit
            talent("重复", "13911110001"),  # duplicate in the file
            talent("已有号码", "13900139000", "110101199003074514"),  # the cast's 张三 has this phone and an ID
            talent("性别错", "13911110004", gender="未知"),
        ]
    )
    result = import_service.dry_run(actor=cast.alice, kind="talents", upload=upload)
    rows = {e.row for e in result.errors}
    assert rows == {3, 4, 5, 6, 7, 8}
    by_row = {e.row: e for e in result.errors}
    assert by_row[3].column == "C" and "手机" in by_row[3].message
    assert by_row[4].column == "D" and "校验" in by_row[4].message
    assert by_row[5].column == "E" and "不存在的局" in by_row[5].message
    assert "第 2 行重复" in by_row[6].message
    assert by_row[7].column == "C" and "张三" in by_row[7].message
    assert by_row[8].column == "B" and "可选值" in by_row[8].message
    assert UrbanTalent.objects.count() == before


def test_commit_is_all_or_nothing_and_a_reimport_updates(cast):
    bad = xlsx([TALENT_HEADERS, talent("甲", "13911110001"), talent("乙", "bad")])
    result = import_service.commit_import(actor=cast.alice, kind="talents", upload=bad)
    assert not result.committed and not UrbanTalent.objects.filter(phone="13911110001").exists()

    good = [TALENT_HEADERS, talent("甲", "13911110001"), talent("乙", "13911110002")]
    result = import_service.commit_import(actor=cast.alice, kind="talents", upload=xlsx(good))
    assert result.committed and (result.created, result.updated) == (2, 0)
    good[1] = talent("甲改名", "13911110001")
    again = import_service.commit_import(actor=cast.alice, kind="talents", upload=xlsx(good))
    assert (again.created, again.updated) == (0, 2)
    assert UrbanTalent.objects.filter(phone="13911110001").get().name == "甲改名"
    assert AuditEvent.objects.filter(action="import", user_id=cast.alice.pk).count() == 2


def test_scope_and_references_for_villages(cast):
    headers = [c.header for c in KINDS["villages"].columns]
    upload = xlsx(
        [
            headers,
            ["341122100209", "新村", "341122100", "行政村", "", ""],
            ["34112210020", "短码村", "341122100", "", "", ""],  # bad division code
            ["341122900201", "无乡镇村", "341122900", "", "", ""],  # unknown township
            ["341123100209", "邻县村", "341123100", "", "", ""],  # the other county's township
        ]
    )
    result = import_service.dry_run(actor=cast.alice, kind="villages", upload=upload)
    by_row = {e.row: e.message for e in result.errors}
    assert set(by_row) == {3, 4, 5}
    assert "12位" in by_row[3] and "不存在" in by_row[4] and "管理范围" in by_row[5]
    assert result.created == 1 and not Village.objects.filter(code="341122100209").exists()


def test_townships_units_and_formulas(cast):
    headers = [c.header for c in KINDS["townships"].columns]
    result = import_service.dry_run(
        actor=cast.alice, kind="townships", upload=xlsx([headers, ["341122300", "=1+1", ""], ["341122400", "丁镇", ""]])
    )
    assert [(e.row, e.column) for e in result.errors] == [(2, "B")] and "公式" in result.errors[0].message
    units = xlsx([["单位名称", "单位性质"], ["县水利局", "事业单位"]])
    import_service.commit_import(actor=cast.alice, kind="units", upload=units)
    assert CountyUnit.objects.get(name="县水利局").kind == "institution"
    assert not Township.objects.filter(code="341122300").exists()


def test_hostile_files_are_refused_before_parsing(cast):
    with pytest.raises(Exception, match=r"只接受 \.xlsx"):
        import_service.dry_run(actor=cast.alice, kind="talents", upload=SimpleUploadedFile("a.csv", b"a,b"))
    with pytest.raises(Exception, match="不是有效的 Excel"):
        import_service.dry_run(
            actor=cast.alice, kind="talents", upload=SimpleUploadedFile("renamed.xlsx", b"PK\x03\x04junk")
        )
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<x/>")
        archive.writestr("xl/workbook.xml", "<x/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (80 * 1024 * 1024))
    with pytest.raises(Exception, match="解压后过大"):
        import_service.dry_run(
            actor=cast.alice, kind="talents", upload=SimpleUploadedFile("bomb.xlsx", bomb.getvalue())
        )
    big = SimpleUploadedFile("big.xlsx", b"0" * (xlsx_upload.MAX_UPLOAD_BYTES + 1))
    with pytest.raises(Exception, match="不能超过"):
        import_service.dry_run(actor=cast.alice, kind="talents", upload=big)
    too_many = xlsx([TALENT_HEADERS] + [talent(phone=f"139{n:08d}") for n in range(30)])
    with pytest.raises(Exception, match="最多导入"):
        xlsx_upload.read_rows(too_many, max_rows=20)


def test_only_the_county_admin_imports(cast, client, api):
    with pytest.raises(Exception, match="县委组织部管理员"):
        import_service.dry_run(actor=cast.bob, kind="talents", upload=xlsx([TALENT_HEADERS]))
    client.force_login(cast.bob)
    assert client.get(reverse("pairing:import_upload", args=["talents"])).status_code == 404
    api.force_authenticate(cast.bob)
    response = api.post("/api/v1/imports/talents/", {"file": xlsx([TALENT_HEADERS, talent()])}, format="multipart")
    assert response.status_code == 403


def test_the_page_shows_each_error_and_the_rejected_rows_download(cast, client):
    client.force_login(cast.alice)
    template = client.get(reverse("pairing:import_template", args=["talents"]))
    book = load_workbook(io.BytesIO(template.content))
    assert [c.value for c in book.worksheets[0][1]] == TALENT_HEADERS and "填写说明" in book.sheetnames
    upload = xlsx([TALENT_HEADERS, talent("好", "13911110001"), talent("坏", "123")])
    page = client.post(reverse("pairing:import_upload", args=["talents"]), {"file": upload, "action": "commit"})
    text = page.content.decode()
    assert "未导入任何数据" in text and "手机" in text
    rejected = page.context["rejected"]
    sheet = load_workbook(io.BytesIO(client.get(rejected.download_url()).content)).active
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    assert len(rows) == 1 and rows[0][0] == 3 and "C列" in rows[0][-1]
    fixed = xlsx([TALENT_HEADERS, talent("好", "13911110001"), talent("坏", "13911110009")])
    page = client.post(reverse("pairing:import_upload", args=["talents"]), {"file": fixed, "action": "commit"})
    assert "已导入：新增 2" in page.content.decode()


def test_the_api_dry_run(api, cast):
    api.force_authenticate(cast.alice)
    upload = xlsx([TALENT_HEADERS, talent("坏", "123")])
    body = api.post("/api/v1/imports/talents/", {"file": upload, "dry_run": "true"}, format="multipart").json()
    assert body["committed"] is False and body["errors"][0]["row"] == 2 and body["errors"][0]["column"] == "C"
    assert body["rejected_url"]


HEAD_HEADERS = [c.header for c in KINDS["honorary_heads"].columns]


def head(
    unit="县卫生健康委",
    village="341122200201",
    name="陈主任",
    phone="13511112222",
    talent="",
    start="2026-01-05",
    end="",
):
    return [unit, village, name, "副主任", phone, talent, start, end]


def test_honorary_heads_dry_run_lists_every_bad_cell_and_writes_nothing(cast):
    before = HonoraryVillageHead.objects.count()
    upload = xlsx(
        [
            HEAD_HEADERS,
            head(),  # good: 县卫生健康委 ↔ 乙一村 has no head yet
            head(unit="不存在的局", name="甲"),  # unknown unit
            head(village="341122100202", name="乙"),  # no pairing between the unit and 甲二村
            head(village="341123100201", name="丙"),  # the other county's village
            head(name="丁", phone="1351111"),  # invalid phone
            head(name="戊", start="2026-13-01"),  # not a date
            head(name="己", start="2026-03-01", end="2026-02-01"),  # ends before it starts
            head(),  # duplicate of row 2 in the file
            head(name="庚", talent="13511119999"),  # unknown talent
            head(unit="县农业农村局", village="341122100201", name="新局长", phone=""),  # 王局长 is in office
        ]
    )
    result = import_service.dry_run(actor=cast.alice, kind="honorary_heads", upload=upload)
    by_row = {e.row: e for e in result.errors}
    assert set(by_row) == {3, 4, 5, 6, 7, 8, 9, 10, 11}
    assert by_row[3].column == "A" and "不存在的局" in by_row[3].message
    assert by_row[4].column == "B" and "没有结对关系" in by_row[4].message
    assert by_row[5].column == "B" and "管理范围" in by_row[5].message
    assert by_row[6].column == "E" and "手机" in by_row[6].message
    assert by_row[7].column == "G" and "日期" in by_row[7].message
    assert by_row[8].column == "H" and "早于" in by_row[8].message
    assert "第 2 行重复" in by_row[9].message
    assert by_row[10].column == "F" and "13511119999" in by_row[10].message
    assert by_row[11].column == "H" and "王局长" in by_row[11].message
    assert result.created == 1
    assert HonoraryVillageHead.objects.count() == before


def test_honorary_heads_commit_hands_over_and_a_reimport_updates(cast):
    import datetime

    rows = [
        HEAD_HEADERS,
        # the head in office steps down in the same file as the new one takes over: allowed
        head(
            unit="县农业农村局",
            village="341122100201",
            name="王局长",
            phone="13800138000",
            start=cast.head_u_a1.start_date,
            end=datetime.date(2099, 1, 1),
        ),
        head(unit="县农业农村局", village="341122100201", name="新局长", phone="", start=datetime.date(2099, 1, 2)),
        head(talent="13700137000"),
    ]
    rows[1][6] = datetime.datetime.combine(cast.head_u_a1.start_date, datetime.time())  # an Excel date cell
    result = import_service.commit_import(actor=cast.alice, kind="honorary_heads", upload=xlsx(rows))
    assert result.committed, result.errors
    assert (result.created, result.updated) == (2, 1)
    cast.head_u_a1.refresh_from_db()
    assert cast.head_u_a1.end_date == datetime.date(2099, 1, 1)
    new = HonoraryVillageHead.objects.get(name="陈主任")
    assert new.pairing == cast.pairing_v_b1 and new.talent == cast.talent_t2 and new.end_date is None
    rows[3] = head(talent="13700137000", phone="13511113333")
    again = import_service.commit_import(actor=cast.alice, kind="honorary_heads", upload=xlsx(rows))
    assert (again.created, again.updated) == (0, 3)
    assert HonoraryVillageHead.objects.filter(name="陈主任").get().phone == "13511113333"
    assert HonoraryVillageHead.objects.filter(pairing__unit__county=cast.county).count() == 3
    assert AuditEvent.objects.filter(action="import", user_id=cast.alice.pk, message__contains="名誉村长").count() == 2


def test_honorary_heads_all_or_nothing_and_two_heads_in_one_file(cast):
    rows = [HEAD_HEADERS, head(), head(name="另一位")]  # two heads in office for one pairing
    result = import_service.commit_import(actor=cast.alice, kind="honorary_heads", upload=xlsx(rows))
    assert not result.committed
    assert {(e.row, e.column) for e in result.errors} == {(2, "H"), (3, "H")}
    assert "第 3 行的另一位" in result.errors[0].message
    assert not HonoraryVillageHead.objects.filter(pairing=cast.pairing_v_b1).exists()


def test_honorary_heads_only_in_the_importers_county(cast):
    upload = xlsx([HEAD_HEADERS, head(unit="邻县教育局", village="341123100201")])
    result = import_service.dry_run(actor=cast.zoe, kind="honorary_heads", upload=upload)
    assert result.ok  # the other county's admin imports its own
    result = import_service.dry_run(
        actor=cast.alice,
        kind="honorary_heads",
        upload=xlsx([HEAD_HEADERS, head(unit="邻县教育局", village="341123100201")]),
    )
    assert {e.column for e in result.errors} == {"A"}  # not a unit of alice's county


def test_honorary_heads_template_and_rejected_rows_on_the_page(cast, client):
    client.force_login(cast.alice)
    home = client.get(reverse("pairing:import_home")).content.decode()
    assert reverse("pairing:import_upload", args=["honorary_heads"]) in home
    book = load_workbook(io.BytesIO(client.get(reverse("pairing:import_template", args=["honorary_heads"])).content))
    assert [c.value for c in book.worksheets[0][1]] == HEAD_HEADERS
    notes = [row[0] for row in book["填写说明"].iter_rows(min_row=2, values_only=True) if row]
    assert "卸任日期" in notes
    upload = xlsx([HEAD_HEADERS, head(), head(name="坏", phone="123")])
    page = client.post(reverse("pairing:import_upload", args=["honorary_heads"]), {"file": upload, "action": "commit"})
    assert "未导入任何数据" in page.content.decode()
    sheet = load_workbook(io.BytesIO(client.get(page.context["rejected"].download_url()).content)).active
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    assert len(rows) == 1 and rows[0][0] == 3 and "E列" in rows[0][-1]
    fixed = xlsx(
        [
            HEAD_HEADERS,
            head(),
            head(
                unit="县农业农村局",
                village="341122100201",
                name="王局长",
                phone="13800138001",
                start=cast.head_u_a1.start_date.isoformat(),
            ),
        ]
    )
    page = client.post(reverse("pairing:import_upload", args=["honorary_heads"]), {"file": fixed, "action": "commit"})
    assert "已导入 2 行：新增 1，更新 1" in page.content.decode()


def test_honorary_heads_terms_of_one_pairing_do_not_overlap(cast):
    started = cast.head_u_a1.start_date  # 王局长, in office
    rows = [
        HEAD_HEADERS,
        # an earlier head whose term ran into 王局长's
        head(
            unit="县农业农村局",
            village="341122100201",
            name="老局长",
            start="2020-01-01",
            end=f"{started.year + 1}-01-01",
        ),
        # and one that ended the day before: fine
        head(unit="县农业农村局", village="341122100201", name="前任", start="2019-01-01", end="2019-12-31"),
    ]
    result = import_service.dry_run(actor=cast.alice, kind="honorary_heads", upload=xlsx(rows))
    assert [(e.row, e.column) for e in result.errors] == [(2, "G")]
    assert "重叠" in result.errors[0].message and "王局长" in result.errors[0].message
    assert result.created == 1
