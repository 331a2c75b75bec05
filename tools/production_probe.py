"""Prove the production shape builds and serves (run by .ci/run; any failure exits non-zero).

What the Dockerfile does, on this machine: collectstatic with PORTAL_MODE=production (the hashed,
compressed files whitenoise serves), then gunicorn with production settings on a free port, against
a throwaway migrated SQLite database. It fetches the login page and every static file the page
references, and checks that the production settings are the ones answering (hashed names, long-lived
caching, HSTS, the redirect to HTTPS). TLS ends at the department's proxy, which sets
X-Forwarded-Proto: the probe sends that header, as the proxy would.

    .venv/bin/python tools/production_probe.py
"""

import re
import secrets
import string
import tempfile
import time
from pathlib import Path

from portal_server import environment, get, gunicorn, manage  # tools/ is sys.path[0] for a script

PROXY = {"X-Forwarded-Proto": "https"}
HASHED = re.compile(r"\.[0-9a-f]{12}\.[a-z0-9]+$")


def check(condition: bool, message: str) -> None:
    if not condition:
        raise SystemExit(f"production probe: {message}")


def main() -> None:
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="portal-probe-") as tmp:
        alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
        env = environment(
            PORTAL_MODE="production",
            SECRET_KEY="".join(secrets.choice(alphabet) for _ in range(60)),
            ALLOWED_HOSTS="127.0.0.1,localhost",
            DATABASE_URL=f"sqlite:///{tmp}/probe.sqlite3",
            STATIC_ROOT=f"{tmp}/static",
            MEDIA_ROOT=f"{tmp}/media",
        )
        manage(env, "collectstatic", "--noinput", "-v0")
        check(Path(tmp, "static", "staticfiles.json").is_file(), "collectstatic wrote no manifest")
        manage(env, "migrate", "--noinput", "-v0")

        with gunicorn(env, ready_headers=PROXY) as base:
            status, headers, _ = get(f"{base}/accounts/login/")
            check(status == 301 and headers["Location"].startswith("https://"), f"plain HTTP gave {status}, not 301")

            status, headers, body = get(f"{base}/accounts/login/", PROXY)
            page = body.decode()
            check(status == 200 and "登录" in page, f"the login page answered {status}")
            check("max-age=31536000" in headers.get("Strict-Transport-Security", ""), "no HSTS header")
            assets = sorted(set(re.findall(r'(?:href|src)="(/static/[^"]+)"', page)))
            check(any(a.endswith(".css") for a in assets) and any(a.endswith(".js") for a in assets), "no assets")
            for asset in assets:
                check(bool(HASHED.search(asset)), f"{asset} is not a hashed name")
                status, headers, body = get(f"{base}{asset}", {**PROXY, "Accept-Encoding": "gzip"})
                check(status == 200 and body, f"{asset} answered {status}")
                check("immutable" in headers.get("Cache-Control", ""), f"{asset} is not cached as immutable")
                if asset.endswith((".css", ".js")):
                    check(headers.get("Content-Encoding") == "gzip", f"{asset} is not served compressed")
            status, _, _ = get(f"{base}/static/vendor/no-such-file.js", PROXY)
            check(status != 200, "a missing static file answered 200")
    print(
        f"production probe: collectstatic, migrate, gunicorn; login page and {len(assets)} hashed assets "
        f"served with production settings ({time.monotonic() - started:.1f} s)"
    )


if __name__ == "__main__":
    main()
