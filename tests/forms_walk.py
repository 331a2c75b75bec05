"""Every form and filter form the apps define, found by walking their modules, and a way to build
each one with the constructor arguments it needs (`user`, `village`…), for tests that check all of
them at once (tests/test_date_inputs.py, tests/test_form_rendering.py). No tests here."""

import importlib
import inspect
import pkgutil

import django_filters
from django import forms
from django.test import RequestFactory

APPS = ("pairing", "ledgers", "assessment")


def project_classes(base) -> list[type]:
    """Concrete subclasses of `base` defined in the apps (abstract bases without a model are left out)."""
    for app in APPS:
        package = importlib.import_module(app)
        for info in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" not in info.name:
                importlib.import_module(info.name)
    found, queue = [], [base]
    while queue:
        cls = queue.pop()
        queue.extend(cls.__subclasses__())
        if cls.__module__.split(".")[0] in APPS:
            found.append(cls)
    return sorted(set(found), key=lambda c: f"{c.__module__}.{c.__qualname__}")


FORM_CLASSES = project_classes(forms.BaseForm)
FILTERSET_CLASSES = project_classes(django_filters.FilterSet)


def required_keywords(cls) -> set[str]:
    """Named arguments without defaults anywhere in the constructor chain (`user`, `village`…)."""
    names = set()
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None:
            continue
        for param in inspect.signature(init).parameters.values():
            named = param.kind in (param.KEYWORD_ONLY, param.POSITIONAL_OR_KEYWORD) and param.name != "self"
            if named and param.default is param.empty:
                names.add(param.name)
    return names


def make_form(cls, context, **kwargs):
    missing = required_keywords(cls) - context.keys()
    assert not missing, (
        f"{cls.__qualname__} needs {missing}: add them to the `form_context` fixture (tests/conftest.py)"
    )
    try:
        return cls(**kwargs, **{name: context[name] for name in required_keywords(cls)})
    except ValueError as exc:
        if "has no model class specified" in str(exc):
            return None  # an abstract ModelForm base; its concrete forms are walked on their own
        raise


def make_filter_form(cls, context, data=None):
    if cls._meta.model is None:
        return None  # an abstract FilterSet base
    request = RequestFactory().get("/", data or {})
    request.user = context["user"]
    return cls(data, queryset=cls._meta.model._default_manager.all(), request=request).form
