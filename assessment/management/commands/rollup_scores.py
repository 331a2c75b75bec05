from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from ledgers.periods import quarter_label
from pairing.core.local_time import today
from pairing.models import County

from ...models import ScoringRule
from ...services.rollup import run_rollups


class Command(BaseCommand):
    help = "计算季度积分：rollup_scores --year 2026 --quarter 1 [--county 990121]"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--quarter", type=int, required=True, choices=[1, 2, 3, 4])
        parser.add_argument("--county", help="县（区）行政区划代码；不填则计算所有已设置细则的县")

    def handle(self, *args, year, quarter, county=None, **options):
        counties = County.objects.order_by("code")
        if county:
            counties = counties.filter(code=county)
            if not counties.exists():
                raise CommandError(f"没有行政区划代码为 {county} 的县（区）。")
        else:
            counties = counties.filter(pk__in=ScoringRule.objects.filter(year=year).values("county_id"))
        counties = list(counties)
        try:  # every county in one run: the aggregate queries are shared
            rollups = run_rollups(actor=None, counties=counties, year=year, quarter=quarter, as_of=today(), system=True)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        for row, rollup in zip(counties, rollups, strict=True):
            self.stdout.write(f"{row.name}{quarter_label(year, quarter)}：{rollup.scores.count()} 个考核对象")
