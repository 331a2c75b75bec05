"""The two PostgreSQL roles (docs/security.md "Database roles", SECURITY.md 13).

The owner role owns the schema and runs migrations; the runtime role runs web, worker and beat and
holds plain DML on every table except the audit trail, where it has INSERT and SELECT only. Neither
is a superuser, and the runtime role owns nothing, so it can neither TRUNCATE the audit table,
ALTER it (DISABLE TRIGGER), nor SET session_replication_role to skip its triggers.

`create_roles` runs as a superuser once per cluster; `grant_runtime` runs as the owner after every
migrate. Both are idempotent.
"""

from psycopg2 import sql

AUDIT_TABLE = "pairing_auditevent"


def create_roles(cursor, *, database: str, owner: str, owner_password: str, runtime: str, runtime_password: str):
    for role, password in ((owner, owner_password), (runtime, runtime_password)):
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        verb = "ALTER" if cursor.fetchone() else "CREATE"
        cursor.execute(
            sql.SQL("{} ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD %s").format(
                sql.SQL(verb), sql.Identifier(role)
            ),
            [password],
        )
    names = {"db": sql.Identifier(database), "owner": sql.Identifier(owner), "runtime": sql.Identifier(runtime)}
    for statement in (
        "ALTER DATABASE {db} OWNER TO {owner}",
        "ALTER SCHEMA public OWNER TO {owner}",
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        "GRANT USAGE ON SCHEMA public TO {runtime}",
        # Tables a later migration adds are usable before grant_runtime runs again.
        "ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public "
        "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {runtime}",
        "ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {runtime}",
    ):
        cursor.execute(sql.SQL(statement).format(**names))


def grant_runtime(cursor, *, runtime: str):
    role = sql.Identifier(runtime)
    audit = sql.Identifier(AUDIT_TABLE)
    for statement in (
        sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(role),
        sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}").format(role),
        sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(role),
        sql.SQL("REVOKE ALL ON {} FROM {}, PUBLIC").format(audit, role),
        sql.SQL("GRANT SELECT, INSERT ON {} TO {}").format(audit, role),
    ):
        cursor.execute(statement)
