"""Seed the specialty vocabulary and make the audit table append-only in PostgreSQL itself.

Only row-level UPDATE and DELETE are refused: TRUNCATE is left to database privileges (the
application's role should not hold it in production), because the test runner empties tables
with TRUNCATE between transactional tests.
"""

from django.db import migrations

SPECIALTIES = ["农业技术", "法律", "医疗", "教育", "规划", "电商", "文化", "金融", "科技", "社会工作", "建筑", "宣传"]

TRIGGER_SQL = """
CREATE OR REPLACE FUNCTION pairing_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '审计记录只能追加，不能修改或删除 (%%)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER pairing_auditevent_no_update_delete
    BEFORE UPDATE OR DELETE ON pairing_auditevent
    FOR EACH ROW EXECUTE FUNCTION pairing_auditevent_append_only();
"""

DROP_SQL = """
DROP TRIGGER IF EXISTS pairing_auditevent_no_update_delete ON pairing_auditevent;
DROP FUNCTION IF EXISTS pairing_auditevent_append_only();
"""


def add_specialties(apps, schema_editor):
    Specialty = apps.get_model("pairing", "Specialty")
    for order, name in enumerate(SPECIALTIES, start=1):
        Specialty.objects.get_or_create(name=name, defaults={"sort_order": order * 10})


def add_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER_SQL)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL)


class Migration(migrations.Migration):
    dependencies = [("pairing", "0001_initial")]

    operations = [
        migrations.RunPython(add_specialties, migrations.RunPython.noop),
        migrations.RunPython(add_trigger, drop_trigger),
    ]
