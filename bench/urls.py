"""The benchmark's URLconf: the portal's own URLs plus a baseline admin site (bench/pages.py).

The baseline is the Django admin changelist of each model, configured as the project's admin.py
configures it, but listing exactly the rows the benchmarked page lists (its filtered, scoped
queryset) with the page's page size: the same rows, the same page size, Django's stock list page.
"""

from django.apps import apps
from django.contrib import admin
from django.urls import path

from config.urls import urlpatterns as portal_urlpatterns

# What the next baseline request lists: set by bench/pages.py before each admin request.
BASELINE = {"queryset": None, "per_page": 20}


class BaselineSite(admin.AdminSite):
    def has_permission(self, request):
        return request.user.is_active and request.user.is_superuser


def _baseline_admin(base: type[admin.ModelAdmin]) -> type[admin.ModelAdmin]:
    class Baseline(base):
        actions = None  # the bulk-action form is a write feature, not part of reading a list

        def get_queryset(self, request):
            queryset = BASELINE["queryset"]
            # The page's own joins and prefetches are its business; the admin adds its own.
            return queryset.select_related(None).prefetch_related(None)

        def get_changelist_instance(self, request):
            self.list_per_page = BASELINE["per_page"]
            return super().get_changelist_instance(request)

        def has_view_permission(self, request, obj=None):
            return True

    return Baseline


site = BaselineSite(name="bench_admin")
for model, model_admin in admin.site._registry.items():
    site.register(model, _baseline_admin(type(model_admin)))


def register_plain(model) -> None:
    """A model the project's admin does not list gets Django's default changelist."""
    if not site.is_registered(model):
        site.register(model, _baseline_admin(admin.ModelAdmin))


for _model in apps.get_models():
    register_plain(_model)

urlpatterns = [*portal_urlpatterns, path("bench-admin/", site.urls)]
