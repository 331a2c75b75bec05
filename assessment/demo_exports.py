"""Demo: the township officer has already exported the last half year's report (a finished export
on the 我的导出记录 page, and a row for the API's scope tests to find out of others' reach)."""

from ledgers.periods import half_of
from pairing.choices import Role
from pairing.models import Export
from pairing.services.exports import run_export


def build(ctx) -> None:
    account = ctx.accounts.get(Role.TOWNSHIP_OFFICER)
    if account is None or not account.user.township_id:
        return
    year, half = (ctx.year, 1) if half_of(ctx.today) == 2 else (ctx.year - 1, 2)
    export = Export.objects.create(
        owner=account.user,
        kind="township_half_year",
        params={"township": account.user.township_id, "year": year, "half": half},
        created_at=ctx.aware(ctx.today),
    )
    run_export(export.pk, audited=False)
