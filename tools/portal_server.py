"""Run the portal under gunicorn for a probe (tools/production_probe.py, tools/fuzz_api.py).

The process gets its own environment (the variables the settings read are cleared first, so the
caller's shell cannot leak into it), a free port on 127.0.0.1, and is stopped on exit, however the
probe ends.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

# Everything config/settings.py reads; a probe states what it wants and nothing else comes through.
SETTINGS_VARIABLES = {
    "PORTAL_MODE",
    "SECRET_KEY",
    "SECRET_KEY_FILE",
    "DEBUG",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "DEMO_MODE",
    "DATABASE_URL",
    "REDIS_URL",
    "STATIC_ROOT",
    "MEDIA_ROOT",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "AXES_ENABLED",
}


def environment(**settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    env.update(settings)
    return env


def manage(env: dict[str, str], *args: str) -> None:
    """Run a manage.py command; its failure ends the probe with the command's own output."""
    subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str, headers: dict[str, str] | None = None, timeout: float = 20):
    """GET without following redirects: (status, headers, body bytes)."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@contextmanager
def gunicorn(env: dict[str, str], *, workers: int = 2, ready_headers: dict[str, str] | None = None, log=None):
    """Serve config.wsgi with gunicorn (the Dockerfile's command) and yield its base URL.

    `log`: an open file for the server's output (default: this process's stdout and stderr)."""
    import gunicorn as gunicorn_package

    port = free_port()
    args = [
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--timeout",
        "120",
        "--log-level",
        "warning",
    ]
    if gunicorn_package.version_info >= (27, 0):
        # Gunicorn 27's control socket defaults to one path per user; two probes would share it.
        args.append("--no-control-socket")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", *args],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT if log else None,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise SystemExit(f"gunicorn exited with {process.returncode} before it answered")
            try:
                status, _, _ = get(f"{base}/health/", ready_headers, timeout=2)
                if status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("gunicorn did not answer /health/ within 60 s")
            time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
