"""Template helpers for list and detail pages: cells with masking, sort links.

Query strings (pagination, sort and filter links) come from Django's `{% querystring %}` tag."""

import datetime

from django import template
from django.db import models
from django.utils.html import format_html

from pairing.core import local_time
from pairing.core.local_time import local_format, local_text

register = template.Library()


def resolve(obj, accessor: str):
    """Follow a dotted path; personal numbers come back masked (SECURITY.md 15)."""
    value = obj
    for part in accessor.split("."):
        if value is None:
            return None
        masks = getattr(type(value), "masked_fields", {})
        owner = value
        value = getattr(value, part)
        if callable(value) and not isinstance(value, models.Manager):
            value = value()
        if part in masks:
            value = masks[part](value)
        elif isinstance(owner, models.Model):
            display = getattr(owner, f"get_{part}_display", None)
            if display is not None:
                value = display()
    return value


def display(value):
    """Plain text for a cell: local time for datetimes, 是/否 for booleans, a dash for nothing."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime.datetime):
        return local_text(value, "%Y-%m-%d %H:%M:%S")
    if isinstance(value, datetime.date):
        return value.strftime("%Y-%m-%d")
    return value


@register.filter(expects_localtime=False)
def local(value, fmt: str = "Y-m-d H:i") -> str:
    """`{{ value|local:"m-d H:i" }}`: a datetime on the Shanghai clock (pairing/core/local_time.py),
    in Django's date-format characters. Use it instead of `|date` for every stored datetime."""
    return local_format(value, fmt)


@register.simple_tag
def local_now(fmt: str = "Y-m-d H:i") -> str:
    """`{% local_now "Y-m-d H:i" %}`: the Shanghai clock now (Django's `{% now %}` uses the server zone)."""
    return local_format(local_time.now(), fmt)


@register.simple_tag
def cell(obj, column):
    value = display(resolve(obj, column.accessor))
    if column.link and hasattr(obj, "get_absolute_url"):
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), value)
    return value


@register.simple_tag
def sort_param(column, ordering):
    """The `ordering` value a header link should set: ascending first, then descending."""
    return f"-{column.order_by}" if ordering == column.order_by else column.order_by


@register.filter
def sort_state(column, ordering) -> str:
    if not column.order_by:
        return ""
    if ordering == column.order_by:
        return "asc"
    if ordering == f"-{column.order_by}":
        return "desc"
    return ""


@register.simple_tag
def asks(step, obj=None):
    """The attributes that make a form ask before an irreversible step (portal.js shows the question).

    `{% asks steps.submit month %}` on the <form>: the step's question and its verb for the
    confirming button. Empty for a step that asks nothing, so a reversible step submits at once.
    """
    question = step.asks(obj) if step is not None else ""
    if not question:
        return ""
    return format_html(' data-confirm="{}" data-confirm-label="{}"', question, step.label)


@register.filter
def get_item(mapping, key):
    """`{{ rules|get_item:code }}`: a dict's value by a key held in a variable."""
    return mapping.get(key) if mapping else None


@register.filter
def index(sequence, position: int):
    """`{{ headers|index:forloop.counter0 }}`: the item at a position (a column's header for its cells)."""
    try:
        return sequence[position]
    except (IndexError, TypeError):
        return ""
