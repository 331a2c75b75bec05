"""Run a registered job now, as if on a given date: `run_job NAME [--date YYYY-MM-DD] [--dry-run]`.

Without Redis this is how a cron line drives the reminders (README "Scheduled jobs"); with Redis,
beat runs the same jobs through the `run_job` task. `--list` prints every job's name, schedule and
label; `--sync` writes the jobs into django-celery-beat's schedule (beat also does at start-up).
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from pairing.core import jobs


class Command(BaseCommand):
    help = "运行一个定时任务（提醒、汇总、清理），可指定日期和试运行"

    def add_arguments(self, parser):
        parser.add_argument("name", nargs="?", help="任务名称（--list 列出全部）")
        parser.add_argument("--date", help="按该日期（YYYY-MM-DD，北京时间）运行，默认今天")
        parser.add_argument("--dry-run", action="store_true", help="只列出将发送的内容，不写入、不发送")
        parser.add_argument("--list", action="store_true", help="列出全部任务")
        parser.add_argument("--sync", action="store_true", help="把任务写入定时计划（django-celery-beat）")

    def handle(self, *args, name=None, date=None, dry_run=False, list=False, sync=False, **options):
        registry = jobs.discover()
        if list:
            for job in sorted(registry.values(), key=lambda j: j.name):
                self.stdout.write(f"{job.name:32} {job.crontab:18} {job.label}")
            return
        if sync:
            created = jobs.sync_beat()
            self.stdout.write(
                f"已写入定时计划：{len(created)} 个新任务" + (f"（{'、'.join(created)}）" if created else "")
            )
            return
        if not name:
            raise CommandError("请给出任务名称，或用 --list 查看全部任务。")
        if name not in registry:
            raise CommandError(f"没有名为 {name} 的任务；用 --list 查看全部任务。")
        try:
            on = datetime.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError:
            raise CommandError("日期格式应为 YYYY-MM-DD。") from None
        with transaction.atomic():
            lines = registry[name].run(on=on, dry_run=dry_run)
            if dry_run:
                transaction.set_rollback(True)
        for line in lines:
            self.stdout.write(line)
