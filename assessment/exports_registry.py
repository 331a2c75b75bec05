"""The assessment app's export kinds: the half-year work report, for a township or the county."""

from django.core.exceptions import ValidationError
from django.utils import timezone

from ledgers.periods import half_year_range
from pairing.choices import Role
from pairing.core.exports import Built, ExportKind, register
from pairing.core.filtering import parse_id
from pairing.models import Township

from .reports.figures import Scope
from .reports.halfyear import filename, half_year_workbook

# The auditor reads the audit log, not the program's rows (it has no row scope on them).
TOWNSHIP_ROLES = (Role.COUNTY_ADMIN, Role.TOWNSHIP_OFFICER)
COUNTY_ROLES = (Role.COUNTY_ADMIN,)


def _roles(*roles):
    return lambda user: user.is_superuser or user.role in roles


def _half(params) -> tuple[int, int]:
    try:
        year, half = int(params.get("year")), int(params.get("half"))
    except (TypeError, ValueError):
        raise ValidationError({"year": "请填写年度和半年（上半年为 1，下半年为 2）。"}) from None
    if not (2000 <= year <= 2100 and half in (1, 2)):
        raise ValidationError({"half": "半年应为 1（上半年）或 2（下半年）。"})
    if half_year_range(year, half)[0] > timezone.localdate():
        raise ValidationError({"half": "该半年尚未开始。"})
    return year, half


def clean_township(user, params) -> dict:
    year, half = _half(params)
    township = parse_id(str(params.get("township", "")))
    if township is None or not Township.objects.visible_to(user).filter(pk=township).exists():
        raise ValidationError({"township": "请选择您有权查看的乡镇。"})
    return {"year": year, "half": half, "township": township}


def clean_county(user, params) -> dict:
    year, half = _half(params)
    return {"year": year, "half": half, "township": None}


def build(user, cleaned, progress) -> Built:
    scope = Scope(user, cleaned["year"], cleaned["half"], cleaned["township"])
    content, rows = half_year_workbook(scope, lambda done, total: progress(100 * done // total))
    return Built(filename(scope), content, rows)


register(ExportKind("township_half_year", "乡镇半年工作情况统计表", _roles(*TOWNSHIP_ROLES), clean_township, build))
register(ExportKind("county_half_year", "全县半年工作情况统计表", _roles(*COUNTY_ROLES), clean_county, build))
