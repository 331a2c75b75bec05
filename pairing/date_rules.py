"""Dates that make sense, written down once as tables: (field, rule, message).

Each `DateRule` names a model field, says in words what its date must satisfy, and carries the
Chinese message shown at that field when it does not. The window a date must lie in comes from the
row itself (its year, its pairing, its publication) and from facts the service passes in (the
participants of an activity, the half year a meeting was first recorded for). Services call
`enforce(RULES, obj, **facts)` before they write; pages and the API call the same services, so
they refuse the same dates with the same words.

This module holds the mechanism and the directory/agreement rules; ledgers/date_rules.py holds the
ledger's rules in the same shape (dependencies point one way: ledgers → pairing). The tests walk
both tables, so a rule added here is tested through the API and a page without anyone remembering.
"""

import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from pairing.core.local_time import chinese_date, local_date, local_text, today


@dataclass(frozen=True)
class Window:
    """[earliest, latest], either end open; dates compare by the Shanghai calendar day, datetimes
    by the instant. `params` fill the rule's message ({earliest} and {latest} are always there)."""

    earliest: datetime.date | datetime.datetime | None = None
    latest: datetime.date | datetime.datetime | None = None
    params: dict = field(default_factory=dict)

    def contains(self, value) -> bool:
        return _not_after(self.earliest, value) and _not_after(value, self.latest)

    def message_params(self) -> dict:
        return {"earliest": _text(self.earliest), "latest": _text(self.latest), **self.params}


def _text(bound) -> str:
    if isinstance(bound, datetime.datetime):
        return local_text(bound)
    return chinese_date(bound) if bound else ""


def _not_after(first, second) -> bool:
    """first <= second; an open end (None) always holds; a date against a datetime compares days."""
    if first is None or second is None:
        return True
    if isinstance(first, datetime.datetime) and isinstance(second, datetime.datetime):
        return first <= second
    return local_date(first) <= local_date(second)


@dataclass(frozen=True)
class DateRule:
    code: str  # stable name, for tests and docs
    model: str  # "app_label.modelname"
    field: str  # where the message is shown (a form field, an API field)
    rule: str  # what the date must satisfy, in words
    message: str  # shown at the field; placeholders come from the window's params
    window: Callable[..., Iterable[Window]]  # (obj, facts) → the windows the value must lie in
    value: Callable[[object], object] | None = None  # the date checked; default: the field's value

    def value_of(self, obj):
        return self.value(obj) if self.value is not None else getattr(obj, self.field)

    def matches(self, text: str) -> bool:
        """Whether `text` is this rule's message, whatever its parameters (for tests)."""
        pattern = "".join(
            ".+?" if part.startswith("{") else re.escape(part) for part in re.split(r"(\{\w+\})", self.message)
        )
        return re.fullmatch(pattern, str(text)) is not None


def violations(rules: Iterable[DateRule], obj, **facts) -> dict[str, list[str]]:
    """{field: [messages]} for every rule of `obj`'s model its current values break."""
    label = obj._meta.label_lower
    errors: dict[str, list[str]] = {}
    for rule in rules:
        if rule.model != label:
            continue
        value = rule.value_of(obj)
        if value is None:
            continue
        for window in rule.window(obj, facts):
            if not window.contains(value):
                messages = errors.setdefault(rule.field, [])
                message = rule.message.format(**window.message_params())
                if message not in messages:
                    messages.append(message)
    return errors


def enforce(rules: Iterable[DateRule], obj, **facts) -> None:
    """Raise a ValidationError by field if `obj` breaks any of `rules`."""
    errors = violations(rules, obj, **facts)
    if errors:
        raise ValidationError(errors)


def year_window(year: int) -> Window:
    return Window(datetime.date(year, 1, 1), datetime.date(year, 12, 31), {"year": year})


def until_today(*_args) -> list[Window]:
    return [Window(latest=today())]


RULES: tuple[DateRule, ...] = (
    DateRule(
        code="agreement_signed_within_year",
        model="pairing.agreement",
        field="signed_on",
        rule="签署日期在协议年度之内",
        message="签署日期应在协议年度（{year}年）之内。",
        window=lambda agreement, facts: [year_window(agreement.year)],
    ),
    DateRule(
        code="agreement_signed_not_in_future",
        model="pairing.agreement",
        field="signed_on",
        rule="签署日期不晚于今天",
        message="签署日期不能晚于今天。",
        window=until_today,
    ),
)
