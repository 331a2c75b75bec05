from functools import cache

from django.contrib.staticfiles import finders


@cache
def tom_select_available() -> bool:
    """tom-select comes from `npm run vendor`; without it the picker degrades to a plain multi-select."""
    return bool(finders.find("vendor/tom-select/tom-select.complete.min.js"))
