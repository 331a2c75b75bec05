"""Formula-safe cells for every Excel export (SECURITY.md 18; pretix's safe_openpyxl).

A user-entered string that starts with = + - @ (or a tab/CR that Excel strips before parsing)
would run as a formula when the file is opened; it is prefixed with an apostrophe so it stays
text. Characters XML 1.0 forbids are removed, since openpyxl refuses them.
"""

import re

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def safe_text(value) -> str:
    """The value as a string a spreadsheet shows as text and never evaluates."""
    text = "" if value is None else str(value)
    text = ILLEGAL_CHARACTERS_RE.sub("", _CONTROL_RE.sub("", text))
    if text.startswith(FORMULA_PREFIXES):
        text = "'" + text
    return text


def set_text(cell, value) -> None:
    """Write user-entered text into a cell as a string cell (data_type 's'), formula-safe."""
    cell.value = safe_text(value)
    cell.data_type = "s"
