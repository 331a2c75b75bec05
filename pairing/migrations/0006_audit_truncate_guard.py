"""The audit table refuses TRUNCATE, and DELETE of any record younger than 184 days (SECURITY.md 13).

Defence in depth behind the database roles (docs/security.md): the runtime role holds only INSERT and
SELECT on the table, so it cannot reach these statements at all; the triggers stop the owner role
too. UPDATE is always refused. DELETE is allowed only for rows past the hard floor of 184 days, for
the owner's nightly retention job (pairing/jobs.py purge_old_audit). TRUNCATE is allowed to a
superuser only: the test runner empties tables with TRUNCATE between transactional tests, and a
superuser could drop the trigger anyway, so the exemption costs nothing.
"""

from django.db import migrations

FORWARD_SQL = """
CREATE OR REPLACE FUNCTION pairing_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND OLD.created_at < now() - interval '184 days' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '审计记录只能追加，不能修改或删除 (%%)', TG_OP;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION pairing_auditevent_no_truncate() RETURNS trigger AS $$
BEGIN
    IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION '审计记录只能追加，不能清空 (%%)', TG_OP;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS pairing_auditevent_no_truncate ON pairing_auditevent;
CREATE TRIGGER pairing_auditevent_no_truncate
    BEFORE TRUNCATE ON pairing_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION pairing_auditevent_no_truncate();
"""

BACKWARD_SQL = """
DROP TRIGGER IF EXISTS pairing_auditevent_no_truncate ON pairing_auditevent;
DROP FUNCTION IF EXISTS pairing_auditevent_no_truncate();
CREATE OR REPLACE FUNCTION pairing_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '审计记录只能追加，不能修改或删除 (%%)', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD_SQL)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD_SQL)


class Migration(migrations.Migration):
    dependencies = [("pairing", "0005_drop_simple_history")]

    operations = [migrations.RunPython(forward, backward)]
