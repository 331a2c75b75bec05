"""Read queries shared by pages, the API, exports and jobs: the user (and parameters) in, a scoped
queryset out. Views and viewsets hold no query logic of their own (ARCHITECTURE.md "Reads")."""

from dataclasses import dataclass

from django.db.models import Count, F, FilteredRelation, Q, QuerySet, Value
from django.db.models.functions import Coalesce

from .choices import AgreementStatus as S
from .models import Agreement, Pairing

NOT_STARTED = "none"  # a pairing without an agreement for the year
OVERVIEW_STATUSES = [(NOT_STARTED, "未起草"), *S.choices]
SIGNED_STATES = (S.SIGNED, S.CLOSED)


# What the signing progress is summed by: a township's villages, or a city's counties.
PROGRESS_GROUPS = {"township": "village__township", "county": "village__township__county"}


def signing_progress(pairings, by: str = "township") -> tuple[list[dict], dict]:
    """Signing progress per township (or per county, `by="county"`): pairings by agreement status,
    counts and percentages."""
    group = PROGRESS_GROUPS[by]
    grouped = (
        pairings.values(f"{group}_id", f"{group}__name", f"{group}__code", "agreement_status")
        .annotate(n=Count("pk"))
        .order_by(f"{group}__code")
    )
    by_township: dict[int, dict] = {}
    for row in grouped:
        entry = by_township.setdefault(
            row[f"{group}_id"], {"id": row[f"{group}_id"], "name": row[f"{group}__name"], "counts": {}}
        )
        entry["counts"][row["agreement_status"]] = row["n"]
    totals = {"name": "合计", "counts": {}}
    for entry in by_township.values():
        for status, n in entry["counts"].items():
            totals["counts"][status] = totals["counts"].get(status, 0) + n
    rows = list(by_township.values())
    for entry in [*rows, totals]:
        total = sum(entry["counts"].values())
        entry["total"] = total
        entry["cells"] = [
            {"status": s, "label": label, "n": entry["counts"].get(s, 0), "pct": _pct(entry["counts"].get(s, 0), total)}
            for s, label in OVERVIEW_STATUSES
        ]
        entry["signed"] = sum(entry["counts"].get(s, 0) for s in SIGNED_STATES)
        entry["signed_pct"] = _pct(entry["signed"], total)
    return rows, totals


def _pct(part: int, whole: int) -> str:
    return f"{part * 100 / whole:.1f}%" if whole else "—"


def annotated_pairings(user, year: int):
    """The user's pairings in force in `year`, each with its agreement's status (or 'none').
    One LEFT JOIN to the year's agreement (at most one per pairing and year), not a subquery per
    pairing: the city's summary of 3,000 pairings ran 6,000 of them."""
    return (
        Pairing.objects.visible_to(user)
        .active_in(year)
        .alias(year_agreement=FilteredRelation("agreements", condition=Q(agreements__year=year)))
        .annotate(
            agreement_status=Coalesce(F("year_agreement__status"), Value(NOT_STARTED)),
            agreement_pk=F("year_agreement__pk"),
        )
    )


@dataclass(frozen=True)
class Overview:
    """The signing-progress overview for a year: per township (or county), the total, the rows."""

    year: int
    by: str  # "township" or "county": what the summary rows are
    summary: list
    totals: dict
    rows: QuerySet


def agreement_overview(user, year: int, data: dict, *, many_counties: bool = False) -> Overview:
    """What `/agreements/` shows for the filter form's cleaned `data` (the page and its export):
    the county and township filters narrow the summary too; status and search narrow only the rows.
    A city-wide user (`many_counties`) sees the counties first, until a county or township is chosen
    (150 townships' rows were 290 KB); a county, its townships."""
    pairings = annotated_pairings(user, year)
    if data.get("county"):
        pairings = pairings.filter(village__township__county=data["county"])
    if data.get("township"):
        pairings = pairings.filter(village__township=data["township"])
    by = "county" if many_counties and not (data.get("county") or data.get("township")) else "township"
    summary, totals = signing_progress(pairings, by=by)
    rows = pairings
    if data.get("status"):
        rows = rows.filter(agreement_status=data["status"])
    if data.get("q"):
        rows = rows.filter(Q(unit__name__icontains=data["q"]) | Q(village__name__icontains=data["q"]))
    rows = rows.select_related("unit", "village__township").order_by("village__township__code", "village__code", "unit")
    return Overview(year, by, summary, totals, rows)


# Who takes an agreement's next step, by role: the village submits a draft, the unit confirms what
# the village submitted, and either party registers the signing once the unit has confirmed.
NEXT_STEP_BY_ROLE = {
    "village_secretary": ((S.DRAFT, "待提交"), (S.CONFIRMED, "待登记签署")),
    "unit_liaison": ((S.SUBMITTED, "待确认"), (S.CONFIRMED, "待登记签署")),
}


def agreements_awaiting(user, year: int):
    """The user's agreements of `year` waiting for the user's own next step, with the step's name."""
    steps = dict(NEXT_STEP_BY_ROLE.get(user.role, ()))
    rows = (
        Agreement.objects.visible_to(user)
        .filter(year=year, status__in=list(steps))
        .select_related("pairing__village", "pairing__unit")
        .order_by("status", "pairing__village__code")
    )
    return [(agreement, steps[agreement.status]) for agreement in rows]
