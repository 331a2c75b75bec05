"""Validators and masking for personal data and division codes (SECURITY.md 14-15).

Forms, the API and Excel import all call these same functions, so a value accepted in one place is
accepted everywhere. Phone and ID numbers first go through one normaliser (`clean_phone_text`,
`clean_id_text`): NFKC folds full-width characters, every other Unicode decimal digit (Arabic-Indic,
Devanagari, …) becomes its ASCII digit, and spaces, dashes and a +86 prefix are dropped. The model
fields in pairing/fields.py apply it before validating and before storing, so `13８００１３８０００`
and `13800138000` are one number and the uniqueness constraints see them as one. What is still not
ASCII after that is refused (a regex "digit" matches every script's digits, so the patterns here say [0-9]).
"""

import re
import unicodedata
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator

_MOBILE = re.compile(r"^1[3-9][0-9]{9}$", re.ASCII)
_ID_BODY = re.compile(r"^[0-9]{17}[0-9X]$", re.ASCII)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
PHONE_MESSAGE = "手机号码格式不正确：应为11位大陆手机号，以13-19开头。"


def _is_noise(char: str) -> bool:
    """Separators people type or paste inside a number: spaces, dashes of any kind, brackets,
    and invisible format characters (zero-width spaces, byte-order marks)."""
    return char.isspace() or char in "()\u2212" or unicodedata.category(char) in ("Pd", "Cf")


def ascii_digits(value) -> str:
    """NFKC, then every Unicode decimal digit (category Nd) as its ASCII digit; separators removed."""
    text = unicodedata.normalize("NFKC", str(value or ""))
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in text if not _is_noise(c))


def clean_phone_text(value) -> str:
    """The phone as the portal stores it (ASCII digits, no separators, no +86/0086); never raises."""
    raw = ascii_digits(value)
    if raw.startswith("+86"):
        raw = raw[3:]
    elif raw.startswith("0086"):
        raw = raw[4:]
    return raw


def clean_id_text(value) -> str:
    """The ID number as the portal stores it (ASCII digits, uppercase X, no separators); never raises."""
    return ascii_digits(value).upper()


def normalize_phone(value: str) -> str:
    """The 11-digit mobile number from any spelling of it, or a ValidationError."""
    raw = clean_phone_text(value)
    if not (raw.isascii() and _MOBILE.match(raw)):
        raise ValidationError(PHONE_MESSAGE, code="invalid_phone")
    return raw


def id_check_character(first17: str) -> str:
    """GB 11643 MOD 11-2 check character for the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def normalize_id_number(value: str) -> str:
    """Return the 18-character resident ID (uppercase X) or raise with the reason."""
    raw = clean_id_text(value)
    if not (raw.isascii() and _ID_BODY.match(raw)):
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
        rf"^[0-9]{{{length}}}$", f"{label}行政区划代码应为{length}位数字。", code="invalid_division_code"
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
