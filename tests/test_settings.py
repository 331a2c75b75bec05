"""Settings from the environment (ARCHITECTURE.md "Settings", SECURITY.md 23).

The parsing helpers are tested in-process; whole-settings behaviour (production refusing to start,
`check --deploy`) runs `manage.py` in a subprocess, since settings are read once per process.
"""

import json
import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
# Variables the settings read: cleared so the parent's environment cannot leak into a subprocess.
SETTINGS_VARIABLES = (
    "PORTAL_MODE",
    "SECRET_KEY",
    "SECRET_KEY_FILE",
    "DEBUG",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "DEMO_MODE",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "AUDIT_RETENTION_DAYS",
    "REDIS_URL",
    "STATIC_ROOT",
)


def random_secret(length: int = 60) -> str:
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    return "".join(secrets.choice(alphabet) for _ in range(length))


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    environ.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def production_env(**overrides: str) -> dict[str, str]:
    return {
        "PORTAL_MODE": "production",
        "SECRET_KEY": random_secret(),
        "ALLOWED_HOSTS": "dangjian.example.gov.cn",
        "CSRF_TRUSTED_ORIGINS": "https://dangjian.example.gov.cn",
        **overrides,
    }


class TestEnvBool:
    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("1", True),
            ("true", True),
            ("Yes", True),
            (" on ", True),
            ("0", False),
            ("false", False),
            ("NO", False),
            ("off", False),
        ],
    )
    def test_accepted_spellings(self, monkeypatch, raw, expected):
        monkeypatch.setenv("FLAG", raw)
        assert env_bool("FLAG", not expected) is expected

    @pytest.mark.parametrize("raw", ["maybe", "2", "tru", "y", "enabled", "-1"])
    def test_malformed_values_are_refused(self, monkeypatch, raw):
        monkeypatch.setenv("FLAG", raw)
        with pytest.raises(ImproperlyConfigured, match="FLAG"):
            env_bool("FLAG", False)

    def test_unset_gives_the_default(self, monkeypatch):
        monkeypatch.delenv("FLAG", raising=False)
        assert env_bool("FLAG", True) is True


class TestEnvInt:
    def test_a_number(self, monkeypatch):
        monkeypatch.setenv("COUNT", " 42 ")
        assert env_int("COUNT", 1) == 42

    @pytest.mark.parametrize("raw", ["12a", "1.5", "ten", "0x10", "1e3"])
    def test_malformed_values_are_refused(self, monkeypatch, raw):
        monkeypatch.setenv("COUNT", raw)
        with pytest.raises(ImproperlyConfigured, match="COUNT"):
            env_int("COUNT", 1)

    def test_a_value_below_the_minimum_is_refused(self, monkeypatch):
        monkeypatch.setenv("AUDIT_DAYS", "100")
        with pytest.raises(ImproperlyConfigured, match="minimum of 184"):
            env_int("AUDIT_DAYS", 184, minimum=184)

    def test_unset_or_blank_gives_the_default(self, monkeypatch):
        monkeypatch.setenv("COUNT", "")
        assert env_int("COUNT", 7) == 7


class TestEnvStrAndList:
    def test_a_file_variable_wins(self, monkeypatch, tmp_path):
        secret_file = tmp_path / "secret"
        secret_file.write_text("from-the-file\n", encoding="utf-8")
        monkeypatch.setenv("TOKEN", "from-the-variable")
        monkeypatch.setenv("TOKEN_FILE", str(secret_file))
        assert env_str("TOKEN") == "from-the-file"

    def test_lists_are_comma_separated_and_trimmed(self, monkeypatch):
        monkeypatch.setenv("HOSTS", " a.example.cn, b.example.cn ,,")
        assert env_list("HOSTS", []) == ["a.example.cn", "b.example.cn"]


class TestWholeSettings:
    def test_production_refuses_a_missing_secret_key(self):
        env = production_env()
        del env["SECRET_KEY"]
        result = manage("check", **env)
        assert result.returncode != 0
        assert "SECRET_KEY" in result.stderr

    def test_production_refuses_a_short_secret_key(self):
        result = manage("check", **production_env(SECRET_KEY="short-secret"))
        assert result.returncode != 0
        assert "SECRET_KEY" in result.stderr

    def test_production_refuses_debug(self):
        result = manage("check", **production_env(DEBUG="1"))
        assert result.returncode != 0
        assert "DEBUG must be off" in result.stderr

    def test_production_refuses_missing_allowed_hosts(self):
        env = production_env()
        del env["ALLOWED_HOSTS"]
        result = manage("check", **env)
        assert result.returncode != 0
        assert "ALLOWED_HOSTS" in result.stderr

    def test_a_malformed_boolean_stops_start_up(self):
        result = manage("check", DEBUG="maybe")
        assert result.returncode != 0
        assert "DEBUG='maybe' is not a boolean" in result.stderr

    def test_audit_retention_below_184_days_stops_start_up(self):
        result = manage("check", AUDIT_RETENTION_DAYS="90")
        assert result.returncode != 0
        assert "AUDIT_RETENTION_DAYS" in result.stderr

    def test_check_deploy_passes_in_production_mode(self):
        result = manage("check", "--deploy", "--fail-level", "WARNING", **production_env())
        assert result.returncode == 0, result.stdout + result.stderr
        assert "no issues" in result.stdout


class TestProductionBuild:
    def test_collectstatic_builds_every_vendored_file_with_a_hashed_name(self, tmp_path):
        """The Dockerfile's step: the manifest storage resolves every reference inside every CSS and
        JS file (a source map a vendored file names but vendoring did not copy stops the build)."""
        result = manage("collectstatic", "--noinput", "-v0", **production_env(STATIC_ROOT=str(tmp_path)))
        assert result.returncode == 0, result.stdout + result.stderr
        manifest = json.loads((tmp_path / "staticfiles.json").read_text(encoding="utf-8"))["paths"]
        vendored = sorted(
            path.relative_to(BASE_DIR / "static").as_posix()
            for path in (BASE_DIR / "static" / "vendor").rglob("*")
            if path.is_file() and not path.name.startswith(".")
        )
        assert any(name.endswith("tom-select.complete.min.js") for name in vendored)
        for name in vendored:
            hashed = manifest[name]
            assert hashed != name and (tmp_path / hashed).is_file()
            if name.endswith((".css", ".js")):
                assert (tmp_path / f"{hashed}.gz").is_file()  # whitenoise serves it pre-compressed

    def test_postgresql_connections_turn_jit_off(self):
        # JIT compiled for seconds on the big aggregate queries (an export: 5.6 s with it, 2.7 s without).
        shown = "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'])"
        result = manage("shell", "-c", shown, DATABASE_URL="postgres://portal@db.invalid:5432/pairing")
        assert result.returncode == 0, result.stderr
        assert "-c jit=off" in result.stdout

    def test_postgresql_connections_let_the_planner_flatten_a_scoped_list(self):
        # A scoped list with its select_related joins and the scope's `pk IN (subquery)` passes the
        # default collapse limit of 8: the planner joined 108,000 ledger months before the scope.
        shown = "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'])"
        result = manage("shell", "-c", shown, DATABASE_URL="postgres://portal@db.invalid:5432/pairing")
        assert result.returncode == 0, result.stderr
        assert "-c from_collapse_limit=12 -c join_collapse_limit=12" in result.stdout


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_portals_postgresql_sessions_run_without_jit():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
        cursor.execute("SHOW from_collapse_limit")
        assert cursor.fetchone()[0] == "12"
