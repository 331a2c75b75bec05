"""Backups (SECURITY.md 24): scripts/backup dumps the database and the media, scripts/restore puts
them into a scratch database whose row counts equal the source's."""

import os
import shutil
import subprocess
from pathlib import Path

import psycopg2
import pytest
from django.db import connection

from pairing.core import audit

BASE_DIR = Path(__file__).resolve().parent.parent


def url(name: str) -> str:
    db = connection.settings_dict
    auth = db.get("USER") or "postgres"
    if db.get("PASSWORD"):
        auth += f":{db['PASSWORD']}"
    return f"postgres://{auth}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{name}"


def counts(dsn: str) -> dict[str, int]:
    conn = psycopg2.connect(dsn)
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
            tables = [row[0] for row in cursor.fetchall()]
            result = {}
            for table in tables:
                cursor.execute(f'SELECT count(*) FROM "{table}"')
                result[table] = cursor.fetchone()[0]
            return result
    finally:
        conn.close()


@pytest.mark.postgres
def test_security_24_backup_then_restore_into_a_scratch_database_keeps_every_row(transactional_db, cast, tmp_path):
    if connection.vendor != "postgresql" or not shutil.which("pg_dump"):
        pytest.skip("needs PostgreSQL and its client tools")
    audit.record(action="login", actor=cast.alice, obj=cast.alice)
    media = tmp_path / "media"
    (media / "activity-photos").mkdir(parents=True)
    (media / "activity-photos" / "a.jpg").write_bytes(b"photo")
    source = url(connection.settings_dict["NAME"])
    scratch = f"{connection.settings_dict['NAME']}_restore"
    admin = psycopg2.connect(url("postgres"))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
        cursor.execute(f'CREATE DATABASE "{scratch}"')
    try:
        env = {**os.environ, "DATABASE_URL": source, "BACKUP_DIR": str(tmp_path / "b"), "MEDIA_ROOT": str(media)}
        for _ in range(3):
            done = subprocess.run([BASE_DIR / "scripts/backup"], env={**env, "BACKUP_KEEP": "2"}, capture_output=True)
            assert done.returncode == 0, done.stderr.decode()
        dumps = sorted((tmp_path / "b").glob("pairing-*.dump"))
        assert len(dumps) <= 2 and len(list((tmp_path / "b").glob("media-*.tar.gz"))) <= 2  # rotation
        restored_media = tmp_path / "restored-media"
        restore = subprocess.run(
            [
                BASE_DIR / "scripts/restore",
                dumps[-1],
                url(scratch),
                sorted((tmp_path / "b").glob("media-*"))[-1],
                restored_media,
            ],
            capture_output=True,
        )
        assert restore.returncode == 0, restore.stderr.decode()
        expected = counts(source)
        assert expected["pairing_user"] > 0 and expected["pairing_auditevent"] > 0
        assert counts(url(scratch)) == expected
        assert (restored_media / "activity-photos" / "a.jpg").read_bytes() == b"photo"
        again = subprocess.run([BASE_DIR / "scripts/restore", dumps[-1], url(scratch)], capture_output=True)
        assert again.returncode != 0 and b"not empty" in again.stderr  # never over a live database
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
        admin.close()
