"""Roster kinds for import from Excel: the columns of each template and how a row becomes a record.

Each kind names its natural key (division code, unit name in the county, ID number or phone, …):
a row whose key exists updates that record, so importing the same file twice changes nothing.
A row's references (township code, unit name, village code, talent phone) are looked up in
dictionaries built once per import, in the importer's county; a reference to another county is
"outside your scope", one that exists nowhere is "unknown".
"""

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from .choices import Gender, PoliticalStatus, UnitKind, VillageKind
from .models import CountyUnit, HonoraryVillageHead, Pairing, TalentAssignment, Township, UrbanTalent, Village
from .validators import normalize_id_number, normalize_phone


@dataclass(frozen=True)
class Col:
    header: str
    key: str  # the model field it fills (errors on that field land on this column)
    required: bool = False
    help: str = ""
    example: str = ""
    choices: tuple = ()  # TextChoices members: the cell holds the Chinese label
    date: bool = False  # an Excel date or YYYY-MM-DD text, stored as an ISO date string


class RowError(Exception):
    def __init__(self, key: str, message: str):
        super().__init__(message)
        self.key, self.message = key, message


@dataclass
class Context:
    """What the rows of one import look up, loaded once (in the importer's county)."""

    county: object
    townships: dict = field(default_factory=dict)  # code -> Township (all counties)
    villages: dict = field(default_factory=dict)  # code -> Village (all counties)
    units: dict = field(default_factory=dict)  # name -> CountyUnit (this county)
    talents_by_phone: dict = field(default_factory=dict)  # phone -> UrbanTalent (this county)
    talents_by_id: dict = field(default_factory=dict)  # id number -> UrbanTalent (all counties)
    pairings: dict = field(default_factory=dict)  # (unit pk, village pk) -> Pairing (this county)
    heads: dict = field(default_factory=dict)  # (pairing pk, name) -> HonoraryVillageHead
    current_heads: dict = field(default_factory=dict)  # pairing pk -> the head without an end date


OUTSIDE = "不在您的管理范围内（属于其他县区）。"


def _township(ctx, code, key="township"):
    township = ctx.townships.get(code)
    if township is None:
        raise RowError(key, f"乡镇代码 {code} 不存在，请先导入乡镇。")
    if township.county_id != ctx.county.pk:
        raise RowError(key, f"乡镇 {township.name}{OUTSIDE}")
    return township


def _village(ctx, code, key="village"):
    village = ctx.villages.get(code)
    if village is None:
        raise RowError(key, f"村（社区）代码 {code} 不存在，请先导入村（社区）。")
    if village.township.county_id != ctx.county.pk:
        raise RowError(key, f"村（社区）{village.name}{OUTSIDE}")
    return village


def _unit(ctx, name, key="unit"):
    unit = ctx.units.get(name)
    if unit is None:
        raise RowError(key, f"本县没有名为“{name}”的县直单位，请先导入单位。")
    return unit


def _talent(ctx, phone, key="talent"):
    talent = ctx.talents_by_phone.get(phone)
    if talent is None:
        raise RowError(key, f"本县没有手机号码为 {phone} 的城市人才，请先导入人才。")
    return talent


@dataclass(frozen=True)
class RosterKind:
    code: str
    label: str
    model: type
    columns: tuple
    key: callable  # (ctx, values) -> natural key
    find: callable  # (ctx, key) -> existing instance or None
    fill: callable  # (ctx, instance or None, values) -> instance (unsaved changes)
    prepare: callable = None  # (ctx) -> None: extra lookups this kind needs, loaded once
    conflicts: callable = None  # (ctx, [(row number, instance)]) -> [(row number, key, message)]

    def column(self, key: str) -> Col | None:
        return next((c for c in self.columns if c.key == key), None)


def _new(model, instance, **defaults):
    return instance if instance is not None else model(**defaults)


def _set(instance, **values):
    for name, value in values.items():
        setattr(instance, name, value)
    return instance


# -- the kinds ----------------------------------------------------------------------------------

TOWNSHIPS = RosterKind(
    "townships",
    "乡镇（街道）",
    Township,
    (
        Col("行政区划代码", "code", True, "9位数字，以本县代码开头", "341122100"),
        Col("名称", "name", True, "", "东岳镇"),
        Col("乡镇党委", "party_committee", False, "", "中共东岳镇委员会"),
    ),
    key=lambda ctx, v: v["code"],
    find=lambda ctx, key: ctx.townships.get(key),
    fill=lambda ctx, t, v: _township_fill(ctx, t, v),
)


def _township_fill(ctx, township, v):
    if township is not None and township.county_id != ctx.county.pk:
        raise RowError("code", f"乡镇代码 {v['code']} 已属于其他县区，{OUTSIDE}")
    if not v["code"].startswith(ctx.county.code):
        raise RowError("code", f"乡镇行政区划代码应以本县代码 {ctx.county.code} 开头。")
    return _set(
        _new(Township, township, county=ctx.county),
        code=v["code"],
        name=v["name"],
        party_committee=v["party_committee"],
    )


VILLAGES = RosterKind(
    "villages",
    "村（社区）",
    Village,
    (
        Col("行政区划代码", "code", True, "12位数字，以所属乡镇代码开头", "341122100201"),
        Col("名称", "name", True, "", "范坝村"),
        Col("所属乡镇代码", "township", True, "9位数字，须已导入", "341122100"),
        Col("类型", "kind", False, "行政村 或 社区（默认行政村）", "行政村", VillageKind.choices),
        Col("党组织书记", "secretary_name", False, "", "李明"),
        Col("书记电话", "secretary_phone", False, "11位手机号码", "13800138000"),
    ),
    key=lambda ctx, v: v["code"],
    find=lambda ctx, key: ctx.villages.get(key),
    fill=lambda ctx, village, v: _village_fill(ctx, village, v),
)


def _village_fill(ctx, village, v):
    township = _township(ctx, v["township"])
    if village is not None and village.township.county_id != ctx.county.pk:
        raise RowError("code", f"村（社区）代码 {v['code']} {OUTSIDE}")
    if not v["code"].startswith(township.code):
        raise RowError("code", f"村（社区）行政区划代码应以所属乡镇代码 {township.code} 开头。")
    return _set(
        _new(Village, village),
        township=township,
        code=v["code"],
        name=v["name"],
        kind=v["kind"] or VillageKind.VILLAGE,
        secretary_name=v["secretary_name"],
        secretary_phone=v["secretary_phone"],
    )


UNITS = RosterKind(
    "units",
    "县直单位",
    CountyUnit,
    (
        Col("单位名称", "name", True, "本县内唯一，作为识别依据", "县农业农村局"),
        Col("单位性质", "kind", False, "机关、事业单位 或 国有企业（默认机关）", "机关", UnitKind.choices),
        Col("党组织名称", "party_org_name", False, "", "中共县农业农村局党组"),
    ),
    key=lambda ctx, v: v["name"],
    find=lambda ctx, key: ctx.units.get(key),
    fill=lambda ctx, unit, v: _set(
        _new(CountyUnit, unit, county=ctx.county),
        name=v["name"],
        kind=v["kind"] or UnitKind.ORGAN,
        party_org_name=v["party_org_name"],
    ),
)


def _talent_key(ctx, v):
    return ("id", v["id_number"]) if v["id_number"] else ("phone", v["phone"])


def _talent_find(ctx, key):
    kind, value = key
    return ctx.talents_by_id.get(value) if kind == "id" else ctx.talents_by_phone.get(value)


def _talent_fill(ctx, talent, v):
    if talent is not None and talent.county_id != ctx.county.pk:
        raise RowError("id_number", f"该身份证号码的人才{OUTSIDE}")
    same_phone = ctx.talents_by_phone.get(v["phone"])
    if same_phone is not None and talent is not None and same_phone.pk != talent.pk:
        raise RowError("phone", f"手机号码 {v['phone']} 已被本县另一名人才（{same_phone.name}）使用。")
    if talent is None and same_phone is not None and same_phone.id_number and v["id_number"]:
        raise RowError("phone", f"手机号码 {v['phone']} 已被本县另一名人才（{same_phone.name}）使用。")
    talent = talent or same_phone
    unit = _unit(ctx, v["unit"]) if v["unit"] else None
    return _set(
        _new(UrbanTalent, talent, county=ctx.county),
        name=v["name"],
        gender=v["gender"],
        phone=v["phone"],
        id_number=v["id_number"] or (talent.id_number if talent else ""),
        unit=unit,
        position=v["position"],
        political_status=v["political_status"] or PoliticalStatus.MASSES,
    )


TALENTS = RosterKind(
    "talents",
    "城市人才",
    UrbanTalent,
    (
        Col("姓名", "name", True, "", "张伟"),
        Col("性别", "gender", True, "男 或 女", "男", Gender.choices),
        Col("手机号码", "phone", True, "11位手机号码，本县内唯一", "13900139000"),
        Col("身份证号码", "id_number", False, "18位，末位校验码须正确；填写后作为识别依据", "11010519491231002X"),
        Col("所在单位", "unit", False, "县直单位名称，须已导入", "县农业农村局"),
        Col("职务/职称", "position", False, "", "农艺师"),
        Col(
            "政治面貌", "political_status", False, "中共党员、中共预备党员 或 群众", "中共党员", PoliticalStatus.choices
        ),
    ),
    key=_talent_key,
    find=_talent_find,
    fill=_talent_fill,
)


def _assignment_fill(ctx, assignment, v):
    talent, village = _talent(ctx, v["talent"]), _village(ctx, v["village"])
    year = _year(v["year"], "year")
    existing = TalentAssignment.objects.filter(talent=talent, year=year).first()
    return _set(_new(TalentAssignment, existing), talent=talent, village=village, year=year, note=v["note"])


def _year(text, key):
    if not (text.isdigit() and 2000 <= int(text) <= 2100):
        raise RowError(key, "年度应为四位数字，例如 2026。")
    return int(text)


ASSIGNMENTS = RosterKind(
    "assignments",
    "年度选派",
    TalentAssignment,
    (
        Col("年度", "year", True, "四位数字", "2026"),
        Col("人才手机号码", "talent", True, "须已导入的城市人才", "13900139000"),
        Col("服务村（社区）代码", "village", True, "12位，须已导入", "341122100201"),
        Col("备注", "note", False, "", ""),
    ),
    key=lambda ctx, v: (v["talent"], v["year"]),
    find=lambda ctx, key: None,
    fill=_assignment_fill,
)


def _pairing_fill(ctx, pairing, v):
    unit, village = _unit(ctx, v["unit"]), _village(ctx, v["village"])
    start = _year(v["start_year"], "start_year")
    end = _year(v["end_year"], "end_year") if v["end_year"] else None
    existing = Pairing.objects.filter(unit=unit, village=village).first()
    return _set(_new(Pairing, existing), unit=unit, village=village, start_year=start, end_year=end)


PAIRINGS = RosterKind(
    "pairings",
    "结对关系",
    Pairing,
    (
        Col("县直单位", "unit", True, "单位名称，须已导入", "县农业农村局"),
        Col("结对村（社区）代码", "village", True, "12位，须已导入", "341122100201"),
        Col("起始年度", "start_year", True, "四位数字", "2026"),
        Col("终止年度", "end_year", False, "不填表示长期结对", ""),
    ),
    key=lambda ctx, v: (v["unit"], v["village"]),
    find=lambda ctx, key: None,
    fill=_pairing_fill,
)


def _date(text, key):
    if not text:
        return None
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text)
    try:
        return datetime.date(*(int(g) for g in match.groups())) if match else None
    except ValueError:
        raise RowError(key, f"“{text}”不是有效的日期。") from None


def _required_date(text, key):
    value = _date(text, key)
    if value is None:
        raise RowError(key, "日期应写作 2026-03-01 这样的格式。")
    return value


def _heads_prepare(ctx):
    ctx.pairings = {
        (p.unit_id, p.village_id): p for p in Pairing.objects.filter(unit__county=ctx.county).select_related("village")
    }
    heads = HonoraryVillageHead.objects.filter(pairing__unit__county=ctx.county)
    for head in heads:
        ctx.heads[(head.pairing_id, head.name)] = head
        if head.end_date is None:
            ctx.current_heads[head.pairing_id] = head


def _heads_key(ctx, v):
    return (v["unit"], v["village"], v["name"])


def _heads_find(ctx, key):
    unit, village = ctx.units.get(key[0]), ctx.villages.get(key[1])
    pairing = ctx.pairings.get((unit.pk, village.pk)) if unit and village else None
    return ctx.heads.get((pairing.pk, key[2])) if pairing else None


def _heads_fill(ctx, head, v):
    unit, village = _unit(ctx, v["unit"]), _village(ctx, v["village"])
    pairing = ctx.pairings.get((unit.pk, village.pk))
    if pairing is None:
        raise RowError("village", f"{unit.name}与{village.name}没有结对关系，请先导入结对关系。")
    talent = _talent(ctx, v["talent"]) if v["talent"] else None
    start = _required_date(v["start_date"], "start_date")
    end = _date(v["end_date"], "end_date")
    if end is not None and end < start:
        raise RowError("end_date", "卸任日期不能早于任职日期。")
    return _set(
        _new(HonoraryVillageHead, head, pairing=pairing),
        name=v["name"],
        position=v["position"],
        phone=v["phone"],
        talent=talent,
        start_date=start,
        end_date=end,
    )


def _term(head) -> str:
    return f"{head.start_date:%Y-%m-%d}至{f'{head.end_date:%Y-%m-%d}' if head.end_date else '今'}"


def _heads_conflicts(ctx, rows):
    """A pairing's heads as they will be (the file's rows over the database's): at most one in
    office, and no two terms overlapping (a hand-over starts after the old head's 卸任日期)."""
    by_pairing = defaultdict(list)  # pairing pk -> [(row number or None, head)]
    in_file = {instance.pk for _number, instance in rows if instance.pk is not None}
    for head in ctx.heads.values():
        if head.pk not in in_file:
            by_pairing[head.pairing_id].append((None, head))
    for number, head in rows:
        by_pairing[head.pairing_id].append((number, head))
    problems = []
    for heads in by_pairing.values():
        current = [(n, h) for n, h in heads if h.end_date is None]
        reported = set()
        if len(current) > 1:
            names = "、".join(h.name for _n, h in current)
            for number, head in current:
                if number is None:
                    continue
                others = [h.name if n is None else f"第 {n} 行的{h.name}" for n, h in current if h is not head]
                message = f"该结对关系只能有一名在任名誉村长（{names}）：请为{'、'.join(others)}或本行填写卸任日期。"
                problems.append((number, "end_date", message))
                reported.add(number)
        far = datetime.date.max
        for number, head in heads:
            if number is None or number in reported:
                continue
            for other_number, other in heads:
                if other is head or (other_number is not None and other_number in reported):
                    continue
                if head.start_date <= (other.end_date or far) and other.start_date <= (head.end_date or far):
                    who = other.name if other_number is None else f"第 {other_number} 行的{other.name}"
                    problems.append(
                        (number, "start_date", f"任期（{_term(head)}）与{who}的任期（{_term(other)}）重叠。")
                    )
                    break
    return problems


HONORARY_HEADS = RosterKind(
    "honorary_heads",
    "名誉村长",
    HonoraryVillageHead,
    (
        Col("县直单位", "unit", True, "单位名称，须已导入", "县农业农村局"),
        Col("结对村（社区）代码", "village", True, "12位，须与该单位已有结对关系", "341122100201"),
        Col("姓名", "name", True, "同一结对关系内按姓名识别，再次导入时更新", "王强"),
        Col("单位职务", "position", False, "", "副局长"),
        Col("手机号码", "phone", False, "11位手机号码", "13700137000"),
        Col("对应人才手机号码", "talent", False, "如本人也是城市人才，填其手机号码，须已导入", ""),
        Col("任职日期", "start_date", True, "日期，如 2026-01-01", "2026-01-01", date=True),
        Col("卸任日期", "end_date", False, "在任则留空；每个结对关系只能有一名在任名誉村长", "", date=True),
    ),
    key=_heads_key,
    find=_heads_find,
    fill=_heads_fill,
    prepare=_heads_prepare,
    conflicts=_heads_conflicts,
)

KINDS = {k.code: k for k in (TOWNSHIPS, VILLAGES, UNITS, TALENTS, ASSIGNMENTS, PAIRINGS, HONORARY_HEADS)}


def load_context(county, kind: RosterKind | None = None) -> Context:
    """The lookups an import needs: a handful of queries whatever the file's size."""
    ctx = Context(county=county)
    ctx.townships = {t.code: t for t in Township.objects.all()}
    ctx.villages = {v.code: v for v in Village.objects.select_related("township")}
    ctx.units = {u.name: u for u in CountyUnit.objects.filter(county=county)}
    talents = list(UrbanTalent.objects.filter(county=county))
    ctx.talents_by_phone = {t.phone: t for t in talents}
    ctx.talents_by_id = {t.id_number: t for t in UrbanTalent.objects.exclude(id_number="")}
    if kind is not None and kind.prepare is not None:
        kind.prepare(ctx)
    return ctx


def normalise(col: Col, raw) -> str:
    """A cell as the text the model stores (phones and ID numbers normalised, numbers without .0)."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if col.date and isinstance(raw, datetime.date):
        return (raw.date() if isinstance(raw, datetime.datetime) else raw).isoformat()
    text = str(raw).strip()
    try:
        if col.key in ("phone", "secretary_phone", "talent") and text:
            return normalize_phone(text)
        if col.key == "id_number" and text:
            return normalize_id_number(text)
    except ValidationError as exc:
        raise RowError(col.key, "；".join(exc.messages)) from None
    if col.choices:
        by_label = {label: value for value, label in col.choices}
        if text and text not in by_label:
            raise RowError(col.key, f"“{text}”不是可选值，应为：{'、'.join(by_label)}。")
        return by_label.get(text, "")
    return text
