"""Read queries shared by pages, the API, exports and jobs: the user (and parameters) in, a scoped
queryset out. Views and viewsets hold no query logic of their own (ARCHITECTURE.md "Reads")."""

from django.db.models import Count, OuterRef, Subquery, Value
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
            {"status": s, "n": entry["counts"].get(s, 0), "pct": _pct(entry["counts"].get(s, 0), total)}
            for s, _ in OVERVIEW_STATUSES
        ]
        entry["signed"] = sum(entry["counts"].get(s, 0) for s in SIGNED_STATES)
        entry["signed_pct"] = _pct(entry["signed"], total)
    return rows, totals


def _pct(part: int, whole: int) -> str:
    return f"{part * 100 / whole:.1f}%" if whole else "—"


def annotated_pairings(user, year: int):
    """The user's pairings in force in `year`, each with its agreement's status (or 'none')."""
    agreements = Agreement.objects.filter(pairing=OuterRef("pk"), year=year).order_by()
    return (
        Pairing.objects.visible_to(user)
        .active_in(year)
        .annotate(
            agreement_status=Coalesce(Subquery(agreements.values("status")[:1]), Value(NOT_STARTED)),
            agreement_pk=Subquery(agreements.values("pk")[:1]),
        )
    )


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
