"""The permission matrix of the pages (SECURITY.md 6, 7): every page route that names a row, with
the real ids of the fixture's rows (one of every kind, tests/rows.py), for every account of the cast
and the two administrators. A row outside the account's scope answers 404 to GET and POST and is not
changed; no request gets a server error. A new route without an entry in ROUTES fails the test.
(The API's matrix is tests/test_api_routes.py.)"""

import datetime

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from assessment.models import Grade, GradeFiling, GradingRound, QuarterRollup, Score, ScoringRule, ScoringWeights
from assessment.services import grading
from assessment.services.rollup import confirm_rollup, run_rollup
from assessment.services.rules import install_default_table
from ledgers.models import (
    ActivityPhoto,
    Demand,
    JointMeeting,
    MeetingResolution,
    Notification,
    ServiceActivity,
    TalentEvaluation,
)
from ledgers.models.reports import TownshipHalfYearReport
from ledgers.services import add_photo
from pairing.choices import Role
from pairing.models import (
    Agreement,
    CountyUnit,
    Export,
    HonoraryVillageHead,
    Pairing,
    TalentAssignment,
    Township,
    UrbanTalent,
    Village,
)
from tests.factories import make_user
from tests.ledgers.helpers import png_upload
from tests.rows import build_rows


def pk(row):
    return {"pk": row.pk}


def item(row):
    first = row.resources.first()
    return {"pk": row.pk, "kind": "resource", "item_pk": first.pk if first else 0}


def month(row):
    return {"village_id": row.village_id, "month": f"{row.date:%Y-%m}"}


DIRECTORY = {
    "township": Township,
    "village": Village,
    "countyunit": CountyUnit,
    "urbantalent": UrbanTalent,
    "talentassignment": TalentAssignment,
    "pairing": Pairing,
    "honoraryvillagehead": HonoraryVillageHead,
}
# url name -> (model whose rows it names, kwargs from a row); None: no row in the path (reason).
ROUTES = {
    **{f"pairing:{n}_{s}": (m, pk) for n, m in DIRECTORY.items() for s in ("detail", "edit")},
    **{
        f"pairing:{n}_delete": (DIRECTORY[n], pk)
        for n in ("township", "village", "countyunit", "talentassignment", "pairing")
    },
    "pairing:choices": None,  # a model name, not a row; scoped like every list (tests/pairing/test_filter_choices.py)
    "pairing:console_account_role": None,  # accounts: the administrators' pages (tests/pairing/test_console.py)
    "pairing:console_account_action": None,
    "pairing:console_choices": None,  # a model name: the account form's anchor search (test_console.py)
    **{
        f"pairing:agreement_{s}": (Agreement, pk)
        for s in (
            "detail",
            "terms",
            "print",
            "scan",
            "carry_over",
            "submit",
            "confirm",
            "reject",
            "sign",
            "amend",
            "close",
        )
    },
    "pairing:agreement_revision": (Agreement, lambda r: {"pk": r.pk, "number": 1}),
    "pairing:agreement_revision_scan": (Agreement, lambda r: {"pk": r.pk, "number": 1}),
    "pairing:agreement_item_add": (Agreement, lambda r: {"pk": r.pk, "kind": "resource"}),
    "pairing:agreement_item_edit": (Agreement, item),
    "pairing:agreement_item_delete": (Agreement, item),
    "pairing:agreement_item_track": (Agreement, lambda r: {**item(r), "kind": "project", "item_pk": 0}),
    **{
        f"ledgers:{n}": (ServiceActivity, pk)
        for n in (
            "serviceactivity_detail",
            "activity_edit",
            "activity_delete",
            "activity_confirm",
            "activity_reject",
            "photo_add",
        )
    },
    "ledgers:photo_delete": (ActivityPhoto, pk),
    "ledgers:photo": (ActivityPhoto, lambda r: {"pk": r.pk, "size": "full"}),
    "ledgers:month_ledger": (ServiceActivity, month),
    "ledgers:month_print": (ServiceActivity, month),
    "ledgers:month_export": (ServiceActivity, month),
    "ledgers:month_action": (ServiceActivity, lambda r: {**month(r), "action": "submit"}),
    **{f"ledgers:{n}": (Demand, pk) for n in ("demand_detail", "demand_edit", "demand_invite")},
    "ledgers:demand_action": (Demand, lambda r: {"pk": r.pk, "action": "claim"}),
    "ledgers:notification_read": (Notification, pk),
    **{
        f"ledgers:{n}": (JointMeeting, pk)
        for n in ("meeting_detail", "meeting_edit", "meeting_finalize", "meeting_delete", "resolution_add")
    },
    "ledgers:resolution_follow_up": (MeetingResolution, pk),
    "ledgers:resolution_delete": (MeetingResolution, pk),
    "ledgers:evaluation_detail": (TalentEvaluation, pk),
    "ledgers:evaluation_edit": (TalentEvaluation, pk),
    "ledgers:report_detail": (TownshipHalfYearReport, pk),
    "ledgers:report_submit": (TownshipHalfYearReport, pk),
    "ledgers:report_edit": (
        TownshipHalfYearReport,
        lambda r: {"township_id": r.township_id, "year": r.year, "half": r.half},
    ),
    "ledgers:compliance_rule": None,  # a rule code, not a row (tests/ledgers/test_compliance.py)
    "ledgers:compliance_export": None,
    "ledgers:compliance_urge": None,  # a rule code (tests/notifications/test_urge.py)
    "ledgers:reminder_log": None,
    "ledgers:report_workbook": (TownshipHalfYearReport, pk),
    "assessment:rollup_detail": (QuarterRollup, pk),
    "assessment:rollup_action": (QuarterRollup, lambda r: {"pk": r.pk, "action": "publish"}),
    "assessment:notice": (QuarterRollup, pk),
    "assessment:score_detail": (Score, pk),
    "assessment:rule_edit": (ScoringRule, pk),
    "assessment:rule_delete": (ScoringRule, pk),
    "assessment:weights_edit": (ScoringWeights, pk),
    "assessment:grading_detail": (GradingRound, pk),
    "assessment:grading_action": (GradingRound, lambda r: {"pk": r.pk, "action": "reopen"}),
    "assessment:grade_change": (Grade, pk),
    "assessment:filing_download": (GradeFiling, pk),
    "pairing:export_detail": (Export, pk),
    "pairing:export_status": (Export, pk),
    "pairing:export_download": (Export, pk),
    "pairing:import_template": None,  # a roster kind, not a row (tests/pairing/test_imports.py)
    "pairing:import_upload": None,
    "reports:dashboard_excel": None,  # a chart code (tests/assessment/test_dashboard.py)
    "reports:township_month": (Township, lambda r: {"township_id": r.pk, "month": f"{timezone.localdate():%Y-%m}"}),
}


def build_assessment_rows(cast) -> None:
    """A confirmed quarter with its scores and a confirmed, filed grading in each of the two counties,
    and an export for an account of each: every assessment and export route has a row to name."""
    year = timezone.localdate().year
    for admin, county in ((cast.alice, cast.county), (cast.zoe, cast.other_county)):
        TalentAssignment.objects.get_or_create(
            talent=cast.talent_t if county == cast.county else cast.other_talent,
            year=year,
            defaults={"village": cast.village_a1 if county == cast.county else cast.other_village},
        )
        install_default_table(actor=admin, county=county, year=year)
        rollup = run_rollup(actor=admin, county=county, year=year, quarter=1, as_of=datetime.date(year, 4, 1))
        confirm_rollup(actor=admin, rollup=rollup)
        round_ = grading.propose(actor=admin, group=grading.default_group(county), year=year)
        grading.confirm(actor=admin, round_=round_)
        Export.objects.create(owner=admin, kind="talents", filename="名单.xlsx")


def page_routes_with_parameters() -> list[str]:
    names = []

    def walk(patterns, namespace=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if str(entry.pattern).startswith(("api/", "admin/", "^api/")):
                    continue
                walk(entry.url_patterns, f"{namespace}{entry.namespace}:" if entry.namespace else namespace)
            elif isinstance(entry, URLPattern) and entry.pattern.regex.groups:
                names.append(f"{namespace}{entry.name}")

    walk(get_resolver().url_patterns)
    return names


def test_security_7_every_page_route_with_a_row_in_its_path_has_a_matrix_entry():
    missing = sorted(set(page_routes_with_parameters()) - set(ROUTES))
    assert missing == [], f"add these routes to ROUTES in {__name__}: {missing}"


def visible(model, user, row) -> bool:
    return model.objects.visible_to(user).filter(pk=row.pk).exists()


def state(row) -> dict:
    fresh = type(row)._base_manager.filter(pk=row.pk).values().first()
    return {k: v for k, v in (fresh or {}).items() if k not in ("updated_at",)}


@pytest.mark.django_db
def test_security_7_out_of_scope_rows_answer_404_on_every_page_for_every_account(cast):
    rows = build_rows(cast)
    build_assessment_rows(cast)
    add_photo(actor=cast.dave, activity=rows.activity, upload=png_upload("p.png"))
    if not Notification.objects.exists():
        Notification.objects.create(recipient=cast.dave, title="通知")
    accounts = [getattr(cast, n) for n in ("alice", "bob", "carol", "dave", "erin", "frank", "grace", "zoe")]
    accounts += [make_user("sysop", Role.SYSTEM_ADMIN), make_user("secop", Role.SECURITY_ADMIN)]
    clients = {}
    for user in accounts:
        clients[user.pk] = Client(raise_request_exception=False)
        clients[user.pk].force_login(user)
    leaks, errors, checked = [], [], 0
    for name, entry in ROUTES.items():
        if entry is None:
            continue
        model, kwargs_of = entry
        candidates = list(model._base_manager.order_by("pk"))
        assert candidates, f"{name}: the fixture has no {model.__name__} row"
        for row in candidates[:1] + candidates[-1:] if len(candidates) > 1 else candidates:
            url = reverse(name, kwargs=kwargs_of(row))
            for user in accounts:
                client = clients[user.pk]
                in_scope = visible(model, user, row)
                before = state(row)
                # POST only where it must be refused: an in-scope POST would submit, confirm or delete.
                for method in ("get", "post") if not in_scope else ("get",):
                    status = getattr(client, method)(url).status_code
                    checked += 1
                    if status >= 500:
                        errors.append(f"{method.upper()} {url} as {user.username}: {status}")
                    elif not in_scope and status not in (404, 405):
                        leaks.append(f"{method.upper()} {url} as {user.username}: {status}, expected 404")
                if not in_scope:
                    assert state(row) == before, f"{url} changed by {user.username}"
    assert checked > 1000
    assert errors == []
    assert leaks == [], "\n".join(leaks)
