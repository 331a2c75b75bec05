"""Create the owner and runtime PostgreSQL roles, or grant the runtime role its privileges.

    manage.py db_roles create   # as a superuser (DATABASE_URL), once; passwords from the environment
    manage.py db_roles grant    # as the owner, after every migrate

Role names come from DB_OWNER_ROLE / DB_RUNTIME_ROLE (default portal_owner / portal_app), passwords
from DB_OWNER_PASSWORD / DB_RUNTIME_PASSWORD. Nothing is printed but the role names.
"""

import os

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from pairing.core.db_roles import create_roles, grant_runtime


class Command(BaseCommand):
    help = "创建数据库属主角色与运行角色，或为运行角色授权（仅 PostgreSQL）。"

    def add_arguments(self, parser):
        parser.add_argument("step", choices=["create", "grant"])

    def handle(self, *, step, **options):
        if connection.vendor != "postgresql":
            raise CommandError("db_roles 只适用于 PostgreSQL。")
        owner = os.environ.get("DB_OWNER_ROLE", "portal_owner")
        runtime = os.environ.get("DB_RUNTIME_ROLE", "portal_app")
        with transaction.atomic(), connection.cursor() as cursor:
            if step == "create":
                passwords = [os.environ.get("DB_OWNER_PASSWORD", ""), os.environ.get("DB_RUNTIME_PASSWORD", "")]
                if not all(passwords):
                    raise CommandError("请设置 DB_OWNER_PASSWORD 和 DB_RUNTIME_PASSWORD。")
                create_roles(
                    cursor,
                    database=connection.settings_dict["NAME"],
                    owner=owner,
                    owner_password=passwords[0],
                    runtime=runtime,
                    runtime_password=passwords[1],
                )
            else:
                grant_runtime(cursor, runtime=runtime)
        self.stdout.write(f"db_roles {step}: owner={owner} runtime={runtime}")
