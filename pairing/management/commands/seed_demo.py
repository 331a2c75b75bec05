"""`manage.py seed_demo`: build the demo county (pairing/demo.py runs the builders)."""

import random
import time
from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models.deletion import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.module_loading import import_string

from pairing import demo

DEFAULT_SEED = 2026


class Command(BaseCommand):
    help = (
        "生成演示县：乡镇、村（社区）、县直单位、城市人才、结对关系、名誉村长，以及每个角色一个演示账号"
        "（仅在 DEMO_MODE=1 时创建账号）。演示县的行政区划代码以保留的 99 开头，因此能与正式数据区分。"
        "数据库中已有数据时拒绝运行；--reset 只删除演示县及其下属数据和演示账号后重建，"
        "数据库中有任何正式（非 99 开头）县时，即使加 --reset 也拒绝运行。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            choices=sorted(demo.SCALES),
            default="county",
            help="small：测试用小县（3 个乡镇、10 个村）；county：一个县（15 个乡镇、300 个村、120 个单位、"
            "5000 名人才）；city：10 个县（用于性能测试）。默认 county。",
        )
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help=f"随机数种子，相同种子生成相同数据（默认 {DEFAULT_SEED}）"
        )
        parser.add_argument("--today", type=date.fromisoformat, help="以该日期为“今天”（YYYY-MM-DD），默认当天")
        parser.add_argument("--reset", action="store_true", help="先删除已有的演示数据和演示账号（不触及正式数据）")
        parser.add_argument(
            "--new-passwords",
            action="store_true",
            help="不生成数据，只为已有的演示账号设置新的随机密码并打印（需要 DEMO_MODE=1）",
        )

    def handle(self, *args, scale, seed, today, reset, new_passwords, **options):
        if new_passwords:
            if not settings.DEMO_MODE:
                raise CommandError("演示账号只能在演示模式下使用：请设置环境变量 DEMO_MODE=1。")
            with transaction.atomic():
                accounts = demo.renew_passwords(self.stdout)
            if not accounts:
                raise CommandError("没有演示账号：先运行 seed_demo（DEMO_MODE=1）。")
            self._print_accounts(accounts)
            return

        if demo.real_counties().exists():
            raise CommandError(
                "数据库中已有正式数据（行政区划代码不以 99 开头的县），seed_demo 不会在其中混入演示数据。"
                "请换一个空数据库（例如 DATABASE_URL=sqlite:///demo.sqlite3）。"
            )
        has_demo = demo.demo_counties().exists() or demo.User.objects.filter(is_demo=True).exists()
        if has_demo and not reset:
            raise CommandError("数据库中已有演示数据。加 --reset 删除后重建，或加 --new-passwords 只重设演示账号密码。")

        ctx = demo.DemoContext(
            rng=random.Random(seed),
            scale=demo.SCALES[scale],
            today=today or timezone.localdate(),
            stdout=self.stdout,
        )
        started = time.monotonic()
        self.stdout.write(f"生成演示数据：规模 {demo.SCALES[scale].label}，种子 {seed}，今天 {ctx.today:%Y-%m-%d}")
        try:
            with transaction.atomic():
                if reset:
                    demo.delete_demo_data(self.stdout)
                for path in demo.builders():
                    step = time.monotonic()
                    # Each builder draws from its own stream, so adding or reordering builders
                    # leaves the others' data unchanged for the same --seed.
                    ctx.rng = random.Random(f"{seed}/{path}")
                    import_string(path)(ctx)
                    self.stdout.write(f"{path}：{time.monotonic() - step:.1f} 秒")
        except (ProtectedError, RestrictedError) as exc:
            raise CommandError(f"演示数据仍被其他数据引用，未作任何修改：{exc}") from exc
        step = time.monotonic()
        demo.analyze(demo.demo_tables())  # after the commit, so the statistics describe the new rows
        self.stdout.write(f"整理数据库并更新统计信息：{time.monotonic() - step:.1f} 秒")
        self.stdout.write(self.style.SUCCESS(f"演示数据已生成，用时 {time.monotonic() - started:.1f} 秒。"))

        if ctx.shared.get("accounts_refused"):
            self.stderr.write(
                self.style.WARNING(
                    "未创建演示账号：演示账号只在演示模式下存在（等保要求不设默认账号）。"
                    "如需演示账号，请设置 DEMO_MODE=1 后运行 seed_demo --reset。"
                )
            )
        else:
            self._print_accounts(ctx.accounts)

    def _print_accounts(self, accounts: dict[str, demo.DemoAccount]) -> None:
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING("演示账号（仅演示模式下可登录；密码只显示这一次）："))
        for account in accounts.values():
            user = account.user
            self.stdout.write(f"  {user.username:<14} 密码 {account.password}  {user.get_role_display()}（{user}）")
            if account.otp_key:
                self.stdout.write(f"  {'':<14} 动态验证码密钥 {account.otp_key}  {account.otp_uri}")
            self.stdout.write(f"  {'':<14} 可见：{account.scope}")
            self.stdout.write(f"  {'':<14} 可做：{account.can_do}")
        self.stdout.write("重新获取密码：python manage.py seed_demo --new-passwords（DEMO_MODE=1）")
