"""Where a form may send the browser back to: the one reader of a `next` parameter.

A `next` taken as it came is an open redirect (a phishing link through our domain). Only a path
on this site is followed: it starts with a single "/", has no control characters or backslashes
(browsers drop tabs and treat "\\" as "/", so "/\\evil" and "/\\t/evil" are other hosts), and Django's
`url_has_allowed_host_and_scheme` agrees it names this host. Anything else goes to the default.
"""

import unicodedata

from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def is_local_path(url: str, request) -> bool:
    if not url or not url.startswith("/") or url.startswith("//"):
        return False
    if "\\" in url or any(unicodedata.category(char)[0] == "C" for char in url):
        return False
    return url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure())


def next_url(request, default, *args) -> str:
    """The request's `next` (POST, then the query string) if it is a path on this site, else
    `default` (a URL, a URL name with `args`, or a model instance, as for `redirect()`)."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    return candidate if is_local_path(candidate, request) else resolve_url(default, *args)
