"""Validators and masking for personal data and division codes (SECURITY.md 14-15).

Forms, the API and Excel import all call these same functions, so a value accepted in one place is
accepted everywhere.
"""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator

_PHONE_NOISE = re.compile(r"[\s\-()]")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_ID_BODY = re.compile(r"^\d{17}[\dX]$")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def normalize_phone(value: str) -> str:
    """Strip spaces, dashes, brackets and a +86/0086 prefix; return the 11-digit mobile or raise."""
    raw = _PHONE_NOISE.sub("", str(value or ""))
    if raw.startswith("+86"):
        raw = raw[3:]
    elif raw.startswith("0086"):
        raw = raw[4:]
    if not _MOBILE.match(raw):
        raise ValidationError("手机号码格式不正确：应为11位大陆手机号，以13-19开头。", code="invalid_phone")
    return raw


def id_check_character(first17: str) -> str:
    """GB 11643 MOD 11-2 check character for the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def normalize_id_number(value: str) -> str:
    """Return the 18-character resident ID (uppercase X) or raise with the reason."""
    raw = str(value or "").strip().upper()
    if not _ID_BODY.match(raw):
        raise ValidationError("身份证号码应为18位，前17位为数字，最后一位为数字或X。", code="invalid_id_format")
    try:
        born = date(int(raw[6:10]), int(raw[10:12]), int(raw[12:14]))
    except ValueError:
        raise ValidationError("身份证号码中的出生日期无效。", code="invalid_id_date") from None
    if born < date(1900, 1, 1) or born > date.today():
        raise ValidationError("身份证号码中的出生日期无效。", code="invalid_id_date")
    if id_check_character(raw[:17]) != raw[17]:
        raise ValidationError("身份证号码校验位不正确，请核对。", code="invalid_id_check")
    return raw


def validate_phone(value: str) -> None:
    normalize_phone(value)


def validate_id_number(value: str) -> None:
    if value:
        normalize_id_number(value)


def mask_phone(value: str) -> str:
    """138****8000"""
    if not value:
        return ""
    return f"{value[:3]}****{value[-4:]}" if len(value) >= 7 else "****"


def mask_id_number(value: str) -> str:
    """Only the last four characters are shown."""
    if not value:
        return ""
    return "*" * (len(value) - 4) + value[-4:]


def _division_code_validator(length: int, label: str) -> RegexValidator:
    return RegexValidator(
        rf"^\d{{{length}}}$", f"{label}行政区划代码应为{length}位数字。", code="invalid_division_code"
    )


validate_county_code = _division_code_validator(6, "县（区）")
validate_township_code = _division_code_validator(9, "乡镇（街道）")
validate_village_code = _division_code_validator(12, "村（社区）")


def validate_child_code(child_code: str, parent_code: str, field: str, parent_label: str) -> None:
    if child_code and parent_code and not child_code.startswith(parent_code):
        raise ValidationError({field: f"行政区划代码应以所属{parent_label}的代码 {parent_code} 开头。"})


class CharacterClassPasswordValidator:
    """At least three of: lowercase, uppercase, digits, symbols (MLPS 2.0 complexity)."""

    classes = (r"[a-z]", r"[A-Z]", r"\d", r"[^A-Za-z0-9]")

    def validate(self, password, user=None):
        present = sum(1 for pattern in self.classes if re.search(pattern, password))
        if present < 3:
            raise ValidationError("密码须包含小写字母、大写字母、数字、符号中的至少三类。", code="password_too_simple")

    def get_help_text(self):
        return "密码须包含小写字母、大写字母、数字、符号中的至少三类。"
