"""HTTP headers (SECURITY.md 19, 23): a Content-Security-Policy without inline script and a
Permissions-Policy on every page, Swagger UI included, in production settings; no template carries
an inline script or event handler that the policy would block."""

import json
import re
from pathlib import Path

from tests.test_settings import manage, production_env

BASE_DIR = Path(__file__).resolve().parent.parent
PROBE = """
import json
from django.conf import settings
from django.test import Client
from django.test.utils import override_settings
# The manifest storage needs collectstatic; the headers do not depend on it.
override_settings(STORAGES={**settings.STORAGES, 'staticfiles': {
    'BACKEND': 'django.contrib.staticfiles.storage.StaticFilesStorage'}}).enable()
from pairing.models import User
from django.utils import timezone
c = Client(HTTP_HOST='dangjian.example.gov.cn')
out = {}
r = c.get('/accounts/login/', secure=True)
out['login'] = dict(r.headers) | {'status': r.status_code}
u = User.objects.create_superuser('probe', password='x', must_change_password=False, password_changed_at=timezone.now())
c.force_login(u)
for name, url in [('docs', '/api/docs/'), ('docs_script', '/api/docs/?script')]:
    r = c.get(url, secure=True)
    out[name] = dict(r.headers) | {'status': r.status_code, 'body': r.content.decode()[:20000]}
print(json.dumps(out))
"""


def test_security_23_production_pages_carry_the_csp_and_permissions_policy(tmp_path):
    database = f"sqlite:///{tmp_path / 'headers.sqlite3'}"
    assert manage("migrate", "-v0", DATABASE_URL=database, **production_env()).returncode == 0
    result = manage("shell", "-c", PROBE, DATABASE_URL=database, **production_env())
    assert result.returncode == 0, result.stderr
    pages = json.loads(result.stdout.strip().splitlines()[-1])
    for name in ("login", "docs"):
        csp = pages[name]["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
        assert "camera=()" in pages[name]["Permissions-Policy"]
        assert pages[name]["X-Content-Type-Options"] == "nosniff"
    assert pages["login"]["status"] == 200 and pages["docs"]["status"] == 200
    # Swagger UI starts from a script file, not an inline block.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", pages["docs"]["body"])
    assert pages["docs_script"]["status"] == 200


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=\s*[\"']", re.IGNORECASE)


def test_security_19_no_template_has_an_inline_script_or_event_handler():
    offenders = []
    for path in BASE_DIR.glob("**/templates/**/*.html"):
        if ".venv" in path.parts or "node_modules" in path.parts:
            continue
        if INLINE_SCRIPT.search(path.read_text(encoding="utf-8")):
            offenders.append(str(path.relative_to(BASE_DIR)))
    assert offenders == []
