"""The portal's own widgets: date and time inputs that speak ISO 8601 whatever the active language,
choice tiles for phone-first forms, the search box. (How every widget is styled is decided in
pairing/forms/rendering.py, not here.)

Dates and times:

A browser's `<input type="date">` accepts only `2026-12-02` (`time` 09:30, `datetime-local`
2026-12-02T09:30, `month` 2026-12) and shows it in the user's own format. Django's widgets write
the active language's first input format instead (zh-hans: `2026/12/02`), which the browser drops
without a word: the field looks empty, a required date fails as 必填 and an unchanged save erases
an optional one. These widgets own the wire format in both directions: they render ISO, and they
read what the browser sends as ISO before the field tries the language's own formats. Every date-
like field of every form and filter uses one of them (tests/test_date_inputs.py walks them all).
"""

import datetime

from django import forms
from django.forms.widgets import DateTimeBaseInput


class _IsoInput(DateTimeBaseInput):
    """The shared mechanism: one ISO format to write, the formats a browser may send to read."""

    input_type: str
    iso_format: str
    accepted: tuple[str, ...]
    python_type = datetime.datetime

    def __init__(self, attrs=None):
        # No `format` argument: the format is the HTML standard's, never a per-field choice.
        super().__init__(attrs, format=self.iso_format)

    def format_value(self, value):
        if isinstance(value, datetime.datetime) and self.python_type is datetime.date:
            value = value.date()
        return super().format_value(value)

    def value_from_datadict(self, data, files, name):
        value = super().value_from_datadict(data, files, name)
        if not isinstance(value, str) or not value.strip():
            return value
        for pattern in self.accepted:
            try:
                parsed = datetime.datetime.strptime(value.strip(), pattern)
            except ValueError:
                continue
            if self.python_type is datetime.date:
                return parsed.date()
            if self.python_type is datetime.time:
                return parsed.time()
            return parsed
        return value  # not ISO: the field's own parsing decides (and says why in Chinese)


class DateInput(_IsoInput):
    input_type = "date"
    format_key = "DATE_INPUT_FORMATS"
    iso_format = "%Y-%m-%d"
    accepted = ("%Y-%m-%d",)
    python_type = datetime.date


class TimeInput(_IsoInput):
    input_type = "time"
    format_key = "TIME_INPUT_FORMATS"
    iso_format = "%H:%M"
    accepted = ("%H:%M", "%H:%M:%S")
    python_type = datetime.time


class DateTimeInput(_IsoInput):
    """`datetime-local`: a wall-clock time in the server's zone (Asia/Shanghai), no offset."""

    input_type = "datetime-local"
    format_key = "DATETIME_INPUT_FORMATS"
    iso_format = "%Y-%m-%dT%H:%M"
    accepted = ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S")


class MonthInput(forms.TextInput):
    """`month`: YYYY-MM. The value stays text; the filter or field that reads it parses it."""

    input_type = "month"

    def __init__(self, attrs=None):
        # Browsers without a month picker (Firefox) show a text box: say what to type.
        super().__init__({"placeholder": "如 2026-05", "pattern": r"\d{4}-\d{2}", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, datetime.date):
            return f"{value:%Y-%m}"
        return super().format_value(value)


class SearchInput(forms.TextInput):
    input_type = "search"


class ChoiceTiles(forms.RadioSelect):
    """Choices as a grid of large tap targets: the kind of an activity picked with a thumb."""

    template_name = "forms/widgets/tiles.html"
    option_template_name = "forms/widgets/tile_option.html"


class MultipleChoiceTiles(forms.CheckboxSelectMultiple):
    template_name = "forms/widgets/tiles.html"
    option_template_name = "forms/widgets/tile_option.html"
