"""Every page and list endpoint, per role, at city scale: server time and its ratio to the admin.

    DATABASE_URL=postgres://…/pairing_city .venv/bin/python bench/pages.py [options]

Goals (issue 9): every list page and list endpoint at most the Django admin changelist's time for
the same rows and page size (ratio ≤ 1), and every page under 300 ms (median). See bench/README.md.

For each role it signs in one user with the test client (server time: the whole request through
middleware, view and template, no network) and requests each page `--repeat` times after one
warm-up request (which also counts the queries); the median is reported. A page that lists rows
(a `page_obj` in its context) is also timed as the baseline: the admin changelist of the same model
over the same queryset (the page's filtered, scoped rows) with the page's page size, in the same
process, right after (bench/urls.py). An API list endpoint is compared the same way with the rows
`visible_to(user)` and the API's page size.
"""

import argparse
import gc
import logging
import os
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import QuerySet  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings, setup_test_environment  # noqa: E402
from django.urls import URLPattern, URLResolver, get_resolver, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from pairing.choices import Role  # noqa: E402
from pairing.models import User, Village  # noqa: E402

PAGE_GOAL_MS = 300.0
RATIO_GOAL = 1.0

ROLES = {
    # label: how to find the user (a superuser sees the whole city: the city-wide view)
    "city": None,
    "county": Role.COUNTY_ADMIN,
    "township": Role.TOWNSHIP_OFFICER,
    "village": Role.VILLAGE_SECRETARY,
    "unit": Role.UNIT_LIAISON,
    "talent": Role.TALENT,
}

# GET routes that are not pages to read: sign-in/out, files, schema, the benchmark's own admin.
SKIP_NAMES = {
    "pairing:login",
    "pairing:logout",
    "health",
    "api-schema",
    "api-docs",
    "api-token",
    "api-logout",
    "api-password",
    "ledgers:compliance_export",
    "ledgers:month_export",
    "ledgers:photo",
}


@dataclass
class Target:
    kind: str  # "page" or "api"
    label: str
    url: str
    api_model: type | None = None  # API lists: the model the admin baseline lists


@dataclass
class Result:
    role: str
    target: Target
    status: int
    queries: int
    median_ms: float
    admin_ms: float | None = None
    rows: int | None = None

    @property
    def ratio(self) -> float | None:
        return None if self.admin_ms is None else self.median_ms / self.admin_ms


def walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or namespace
            if ns in {"admin", "bench_admin"}:
                continue
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), pattern


def targets_for(user, today) -> list[Target]:
    """Argument-free pages and API lists from the URLconf, the compliance board and drill-downs
    for each period kind, one detail page per model the user sees, and the month ledger."""
    from ledgers import compliance

    found: list[Target] = []
    seen = set()
    for name, pattern in walk(get_resolver().url_patterns):
        if name in SKIP_NAMES or name in seen:
            continue
        if pattern.pattern.regex.groups:
            continue
        seen.add(name)
        url = reverse(name)
        if url.startswith("/api/"):
            cls = getattr(pattern.callback, "cls", None)
            model = getattr(getattr(cls, "queryset", None), "model", None)
            found.append(Target("api", url, url, api_model=model if name.endswith("-list") else None))
        else:
            found.append(Target("page", url, url))

    periods = [compliance.current_period(kind, today) for kind in ("month", "quarter", "half")]
    for period in periods:
        found.append(
            Target("page", f"/ledgers/compliance/?period={period.param}", _q("ledgers:compliance_board", period))
        )
        found.append(Target("api", f"/api/v1/compliance/?period={period.param}", _q("api-compliance", period)))
        for rule in compliance.rules_for(user):
            found.append(
                Target(
                    "page",
                    f"/ledgers/compliance/{rule.code}/?period={period.param}",
                    _q("ledgers:compliance_rule", period, rule.code),
                )
            )
            found.append(
                Target(
                    "api",
                    f"/api/v1/compliance/{rule.code}/?period={period.param}",
                    _q("api-compliance-rule", period, rule.code),
                )
            )
    return found + detail_targets(user, today)


def _q(name, period, *args) -> str:
    return f"{reverse(name, args=args)}?period={period.param}"


def detail_targets(user, today) -> list[Target]:
    """One detail page (and its API detail) per model, for the newest row the user sees."""
    from django.apps import apps

    details = []
    for name, pattern in walk(get_resolver().url_patterns):
        keys = list(pattern.pattern.regex.groupindex)
        if keys != ["pk"] or not (name.endswith("_detail") or name.endswith("-detail")):
            continue
        model = _detail_model(name, pattern, apps)
        if model is None or not hasattr(model.objects, "visible_to"):
            continue
        pk = model.objects.visible_to(user).order_by("-pk").values_list("pk", flat=True).first()
        if pk is None:
            continue
        url = reverse(name, kwargs={"pk": pk})
        details.append(Target("api" if url.startswith("/api/") else "page", _generic(url, pk), url))
    village = Village.objects.visible_to(user).order_by("code").first()
    if village is not None:
        month = today.strftime("%Y-%m")
        url = reverse("ledgers:month_ledger", kwargs={"village_id": village.pk, "month": month})
        details.append(Target("page", "/ledgers/months/{village}/{month}/", url))
        url = reverse("ledgers:month_print", kwargs={"village_id": village.pk, "month": month})
        details.append(Target("page", "/ledgers/months/{village}/{month}/print/", url))
    return details


# Function views whose name does not say the model.
DETAIL_MODELS = {
    "pairing:agreement_detail": "pairing.Agreement",
    "ledgers:demand_detail": "ledgers.Demand",
    "ledgers:meeting_detail": "ledgers.JointMeeting",
    "ledgers:evaluation_detail": "ledgers.TalentEvaluation",
    "ledgers:report_detail": "ledgers.TownshipHalfYearReport",
    "ledgers:serviceactivity_detail": "ledgers.ServiceActivity",
}


def _detail_model(name, pattern, apps):
    if name in DETAIL_MODELS:
        return apps.get_model(DETAIL_MODELS[name])
    view_class = getattr(pattern.callback, "view_class", None)
    if view_class is not None and getattr(view_class, "model", None) is not None:
        return view_class.model
    cls = getattr(pattern.callback, "cls", None)
    return getattr(getattr(cls, "queryset", None), "model", None)


def _generic(url: str, pk: int) -> str:
    return url.replace(f"/{pk}/", "/{id}/")


def bench_users() -> dict[str, User]:
    users = {}
    city, _ = User.objects.get_or_create(
        username="bench_city",
        defaults={"full_name": "全市（基准测试）", "is_superuser": True, "is_staff": True},
    )
    users["city"] = city
    for label, role in ROLES.items():
        if role is None:
            continue
        user = User.objects.filter(role=role, is_active=True).order_by("-is_demo", "pk").first()
        if user is None:
            print(f"no {role} account: run seed_demo with DEMO_MODE=1", file=sys.stderr)
            continue
        users[label] = user
    for user in users.values():
        if user.must_change_password:
            User.objects.filter(pk=user.pk).update(must_change_password=False, password_changed_at=timezone.now())
            user.refresh_from_db()
    return users


def first_request(client: Client, url: str) -> tuple[object, int]:
    """The warm-up request: its response (with the template context) and how many queries it ran."""
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url)
    return response, len(queries)


def elapsed_ms(client: Client, url: str) -> float:
    # A full collection first, untimed: the bench process's heap grows with every page it has read,
    # and a generation-2 pass it triggers would land on whichever request (page or admin) came next.
    # Collections the request's own allocations trigger are still timed.
    gc.collect()
    started = time.perf_counter()
    client.get(url)
    return (time.perf_counter() - started) * 1000


def page_listing(response) -> tuple[QuerySet, int] | None:
    """The queryset and page size of a list page, from its template context."""
    context = getattr(response, "context", None)
    if context is None:
        return None
    try:
        page = context["page_obj"]
    except KeyError:
        return None
    if page is None or not isinstance(page.paginator.object_list, QuerySet):
        return None
    return page.paginator.object_list, page.paginator.per_page


def baseline_url(queryset: QuerySet, per_page: int) -> str:
    """The admin changelist that lists `queryset` with `per_page` rows (bench/urls.py)."""
    from bench import urls as bench_urls

    bench_urls.BASELINE.update(queryset=queryset, per_page=per_page)
    opts = queryset.model._meta
    return reverse(f"bench_admin:{opts.app_label}_{opts.model_name}_changelist")


def run(args) -> list[Result]:
    today = timezone.localdate()
    users = bench_users()
    admin_client = Client()
    admin_client.force_login(users["city"])
    api_page_size = settings.REST_FRAMEWORK.get("PAGE_SIZE", 50)
    results = []
    for label in args.roles:
        user = users.get(label)
        if user is None:
            continue
        client = Client()
        client.force_login(user)
        for target in targets_for(user, today):
            if args.only and not any(part in target.label for part in args.only):
                continue
            response, queries = first_request(client, target.url)
            result = Result(label, target, response.status_code, queries, 0.0)
            listing = None
            if response.status_code == 200 and not args.no_admin:
                listing = page_listing(response) if target.kind == "page" else None
                if listing is None and hasattr(getattr(target.api_model, "objects", None), "visible_to"):
                    listing = (target.api_model.objects.visible_to(user), api_page_size)
            if listing is None:
                result.median_ms = statistics.median(elapsed_ms(client, target.url) for _ in range(args.repeat))
            else:
                # Page and baseline alternate, so a burst of load elsewhere on the machine falls on both.
                queryset, per_page = listing
                result.rows = queryset.count()
                admin_url = baseline_url(queryset, per_page)
                warm = admin_client.get(admin_url)
                if warm.status_code != 200:
                    raise RuntimeError(f"baseline admin {admin_url}: {warm.status_code}")
                pairs = [
                    (elapsed_ms(client, target.url), elapsed_ms(admin_client, admin_url)) for _ in range(args.repeat)
                ]
                result.median_ms = statistics.median(p for p, _ in pairs)
                result.admin_ms = statistics.median(a for _, a in pairs)
            results.append(result)
            if args.verbose:
                print_row(result, sys.stderr)
    return results


def flags(result: Result) -> str:
    marks = []
    if result.median_ms >= PAGE_GOAL_MS:
        marks.append("SLOW")
    if result.ratio is not None and result.ratio > RATIO_GOAL:
        marks.append("RATIO")
    if result.status >= 500:
        marks.append("ERROR")
    return " ".join(marks)


HEADER = (
    f"{'role':<9} {'kind':<4} {'url':<58} {'st':>3} {'q':>3} {'ms':>8} {'admin':>8} {'ratio':>6} {'rows':>8}  flags"
)


def print_row(r: Result, stream=sys.stdout) -> None:
    admin = f"{r.admin_ms:8.1f}" if r.admin_ms is not None else f"{'':>8}"
    ratio = f"{r.ratio:6.2f}" if r.ratio is not None else f"{'':>6}"
    rows = f"{r.rows:8d}" if r.rows is not None else f"{'':>8}"
    print(
        f"{r.role:<9} {r.target.kind:<4} {r.target.label[:58]:<58} {r.status:>3} {r.queries:>3} "
        f"{r.median_ms:8.1f} {admin} {ratio} {rows}  {flags(r)}",
        file=stream,
    )


def report(results: list[Result]) -> int:
    print(HEADER)
    for result in results:
        print_row(result)
    slow = [r for r in results if r.median_ms >= PAGE_GOAL_MS]
    over = [r for r in results if r.ratio is not None and r.ratio > RATIO_GOAL]
    errors = [r for r in results if r.status >= 500]
    ratios = [r.ratio for r in results if r.ratio is not None]
    print()
    print(f"{len(results)} requests timed (median of each), {len(ratios)} compared with the admin changelist")
    if results:
        worst = max(results, key=lambda r: r.median_ms)
        print(f"slowest: {worst.median_ms:.1f} ms  {worst.role} {worst.target.label}   goal < {PAGE_GOAL_MS:.0f} ms")
    if ratios:
        worst = max((r for r in results if r.ratio is not None), key=lambda r: r.ratio)
        print(f"highest ratio to the admin: {worst.ratio:.2f}  {worst.role} {worst.target.label}   goal ≤ {RATIO_GOAL}")
        print(f"median ratio to the admin: {statistics.median(ratios):.2f}")
    print(
        f"pages at or over {PAGE_GOAL_MS:.0f} ms: {len(slow)}; lists over the admin: {len(over)}; errors: {len(errors)}"
    )
    return 1 if slow or over or errors else 0


def analyze() -> None:
    """Statistics and visibility maps for the whole (throwaway) database, so plans and index-only
    scans are those of a maintained one (autovacuum may be off on a bench machine)."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)" if connection.vendor == "postgresql" else "ANALYZE")
    print(f"VACUUM (ANALYZE): {time.perf_counter() - started:.1f} s", file=sys.stderr)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--roles", nargs="+", choices=list(ROLES), default=list(ROLES))
    parser.add_argument("--only", nargs="+", help="only targets whose URL contains one of these")
    parser.add_argument("--repeat", type=int, default=5, help="timed requests per target (median)")
    parser.add_argument("--no-admin", action="store_true", help="skip the admin baseline")
    parser.add_argument("--no-analyze", action="store_true", help="skip VACUUM (ANALYZE) before timing")
    parser.add_argument("-v", "--verbose", action="store_true", help="print each row as it is measured")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("warning: the goals are for PostgreSQL at city scale; this is " + connection.vendor, file=sys.stderr)
    if not args.no_analyze:
        analyze()
    # Refusals (403, 404, 405) are expected for roles a page is not for; the table shows them.
    logging.getLogger("django.request").setLevel(logging.ERROR)
    setup_test_environment()  # the test client records template contexts (page_obj) from here on
    # The demo accounts sign in only in demo mode (SECURITY.md 5); the data is a throwaway demo.
    with override_settings(ROOT_URLCONF="bench.urls", DEBUG=False, ALLOWED_HOSTS=["testserver"], DEMO_MODE=True):
        return report(run(args))


if __name__ == "__main__":
    sys.exit(main())
