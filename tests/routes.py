"""The API's routes, read from the URL resolver, so a test that walks them covers a new endpoint
without anyone remembering to list it."""

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

HTTP_METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class Route:
    name: str
    regex: str  # the full pattern, prefixes joined
    view: type  # the APIView or ViewSet class
    methods: dict  # {"get": "retrieve", ...}; an APIView maps each method to itself

    @property
    def is_detail(self) -> bool:
        return "(?P<pk>" in self.regex

    def path(self, pk="1", **kwargs) -> str:
        """A concrete path: `pk` and any other named group filled in."""

        def fill(match):
            name = match.group(1)
            return str(pk) if name == "pk" else str(kwargs.get(name, "x"))

        path = re.sub(r"\(\?P<(\w+)>[^)]*\)", fill, self.regex)
        path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(pk) if m.group(1) == "pk" else "x", path)
        return "/" + path.replace("^", "").replace("$", "").replace("\\", "")

    def label(self, method: str) -> str:
        return f"{method.upper()} {self.path()} ({self.methods.get(method, method)})"


def _walk(patterns, prefix=""):
    for entry in patterns:
        pattern = str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + pattern)
        elif isinstance(entry, URLPattern):
            yield prefix + pattern, entry


def api_routes() -> list[Route]:
    routes = []
    for regex, entry in _walk(get_resolver().url_patterns):
        view = getattr(entry.callback, "cls", None)
        if view is None or not regex.lstrip("^").startswith("api/"):
            continue
        if "(?P<format>" in regex or r"\.(?P" in regex:
            continue  # DRF's format-suffix twins of the same routes
        actions = getattr(entry.callback, "actions", None)
        methods = dict(actions) if actions else {m: m for m in HTTP_METHODS if hasattr(view, m)}
        routes.append(Route(entry.name or regex, regex, view, methods))
    return routes
