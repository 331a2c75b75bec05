"""The audit trail the application cannot rewrite (SECURITY.md 13): the runtime database role,
the TRUNCATE trigger, and the retention job that never deletes a record younger than 184 days."""

import datetime

import psycopg2
import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from pairing.core import jobs
from pairing.core.db_roles import grant_runtime
from pairing.models import AuditEvent

RUNTIME_ROLE = "pairing_test_runtime"
TRUNCATOR_ROLE = "pairing_test_truncator"
PASSWORD = "runtime-test-password"


def ensure_role(cursor, name):
    cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [name])
    if cursor.fetchone() is None:
        try:
            with transaction.atomic():
                cursor.execute(f'CREATE ROLE "{name}" LOGIN NOSUPERUSER PASSWORD %s', [PASSWORD])
        except DatabaseError:
            pass  # another test worker created it first: roles belong to the cluster


def connect_as(role):
    db = connection.settings_dict
    conn = psycopg2.connect(
        host=db.get("HOST") or "127.0.0.1",
        port=db.get("PORT") or 5432,
        dbname=db["NAME"],
        user=role,
        password=PASSWORD,
    )
    conn.autocommit = True
    return conn


@pytest.fixture
def runtime(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("database roles exist on PostgreSQL only")
    with connection.cursor() as cursor:
        ensure_role(cursor, RUNTIME_ROLE)
        grant_runtime(cursor, runtime=RUNTIME_ROLE)
    event = AuditEvent.objects.create(action="login", message="原始记录")
    conn = connect_as(RUNTIME_ROLE)
    yield conn, event
    conn.close()


def refused(conn, *statements):
    with conn.cursor() as cursor:
        for statement in statements:
            try:
                cursor.execute(statement)
            except psycopg2.Error as error:
                return error
    return None


@pytest.mark.postgres
class TestRuntimeRole:
    def test_security_13_runtime_role_inserts_and_reads_the_audit_table(self, runtime):
        conn, _ = runtime
        with conn.cursor() as cursor:
            cursor.execute(
                "INSERT INTO pairing_auditevent (created_at, username, action, object_type, object_id,"
                " object_repr, result, changes, message) VALUES (now(), 'x', 'login', '', '', '', 'success', '{}', '')"
            )
            cursor.execute("SELECT count(*) FROM pairing_auditevent")
            assert cursor.fetchone()[0] == 2
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            assert cursor.fetchone()[0] is False

    def test_security_13_runtime_role_cannot_truncate(self, runtime):
        conn, event = runtime
        error = refused(conn, "TRUNCATE pairing_auditevent")
        assert isinstance(error, psycopg2.errors.InsufficientPrivilege)
        assert AuditEvent.objects.filter(pk=event.pk).exists()

    def test_security_13_runtime_role_cannot_disable_the_trigger(self, runtime):
        conn, event = runtime
        error = refused(
            conn,
            "ALTER TABLE pairing_auditevent DISABLE TRIGGER ALL",
            f"UPDATE pairing_auditevent SET message = 'tampered' WHERE id = {event.pk}",
        )
        assert isinstance(error, psycopg2.errors.InsufficientPrivilege)
        assert "owner" in str(error) or "所有者" in str(error)
        event.refresh_from_db()
        assert event.message == "原始记录"

    def test_security_13_runtime_role_cannot_skip_triggers_by_replication_role(self, runtime):
        conn, event = runtime
        denied = psycopg2.errors.InsufficientPrivilege
        assert isinstance(refused(conn, "SET session_replication_role = replica"), denied)
        error = refused(conn, f"UPDATE pairing_auditevent SET message = 'tampered' WHERE id = {event.pk}")
        assert isinstance(error, psycopg2.errors.InsufficientPrivilege)
        assert isinstance(refused(conn, f"DELETE FROM pairing_auditevent WHERE id = {event.pk}"), denied)
        event.refresh_from_db()
        assert event.message == "原始记录"

    def test_security_13_runtime_role_keeps_plain_dml_on_business_tables(self, runtime):
        conn, _ = runtime
        assert refused(conn, "UPDATE pairing_specialty SET sort_order = sort_order WHERE false") is None

    def test_security_13_truncate_trigger_stops_a_role_holding_the_privilege(self, runtime):
        _, event = runtime
        with connection.cursor() as cursor:
            ensure_role(cursor, TRUNCATOR_ROLE)
            cursor.execute(f'GRANT TRUNCATE ON pairing_auditevent TO "{TRUNCATOR_ROLE}"')
        truncator = connect_as(TRUNCATOR_ROLE)
        try:
            error = refused(truncator, "TRUNCATE pairing_auditevent")
        finally:
            truncator.close()
            with connection.cursor() as cursor:
                cursor.execute(f'REVOKE ALL ON pairing_auditevent FROM "{TRUNCATOR_ROLE}"')
        assert error is not None and "审计记录只能追加" in str(error)
        assert AuditEvent.objects.filter(pk=event.pk).exists()


def backdate(event, days):
    """Backdate a record past the model's and the trigger's refusal (the test database's superuser)."""
    created = timezone.now() - datetime.timedelta(days=days)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE pairing_auditevent DISABLE TRIGGER pairing_auditevent_no_update_delete")
        cursor.execute("UPDATE pairing_auditevent SET created_at = %s WHERE id = %s", [created, event.pk])
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE pairing_auditevent ENABLE TRIGGER pairing_auditevent_no_update_delete")


@pytest.mark.django_db
class TestRetention:
    def run(self, **kwargs):
        return jobs.get("purge_old_audit").run(on=timezone.localdate(), **kwargs)

    def test_security_13_retention_deletes_only_records_past_the_setting(self, settings):
        settings.AUDIT_RETENTION_DAYS = 200
        old, kept, young = (AuditEvent.objects.create(action="login") for _ in range(3))
        backdate(old, 210)
        backdate(kept, 195)
        backdate(young, 10)
        assert "试运行" in self.run(dry_run=True)[0]
        assert AuditEvent.objects.filter(pk=old.pk).exists()  # a dry run deletes nothing
        lines = self.run()
        assert "1 条" in lines[0]
        assert not AuditEvent.objects.filter(pk=old.pk).exists()
        assert AuditEvent.objects.filter(pk__in=[kept.pk, young.pk]).count() == 2
        assert AuditEvent.objects.filter(action="audit_purge").count() == 1
        assert "0 条" in self.run()[0]  # a rerun deletes nothing more

    def test_security_13_retention_never_goes_below_184_days(self, settings):
        settings.AUDIT_RETENTION_DAYS = 30  # the settings refuse this; the job must too
        event = AuditEvent.objects.create(action="login")
        backdate(event, 100)
        self.run()
        assert AuditEvent.objects.filter(pk=event.pk).exists()

    @pytest.mark.postgres
    def test_security_13_the_database_refuses_deleting_a_young_record(self):
        if connection.vendor != "postgresql":
            pytest.skip("the trigger exists on PostgreSQL only")
        event = AuditEvent.objects.create(action="login")
        backdate(event, 100)
        with pytest.raises(DatabaseError, match="审计记录只能追加"), transaction.atomic(), connection.cursor() as c:
            c.execute("DELETE FROM pairing_auditevent WHERE id = %s", [event.pk])
        assert AuditEvent.objects.filter(pk=event.pk).exists()
