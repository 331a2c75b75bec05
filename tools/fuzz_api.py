"""A bounded schemathesis run against the OpenAPI schema (SECURITY.md 22; run by .ci/run).

Builds the small demo county in a throwaway database, serves it with gunicorn, and lets
schemathesis send generated requests to every operation of /api/schema/ with a county admin's token
and, side by side, with a village secretary's. Two checks, both must hold for every response:
`not_a_server_error` (no 5xx, whatever the input) and `response_schema_conformance` (every response
the schema declares has the declared shape, so the mini-program can be generated from the schema).
Any failure exits non-zero with schemathesis's report and a curl line to reproduce it.

Path ids are drawn mostly from rows the account can see (listed through the API before the run),
plus some of the county's rows for the village secretary (out of scope: 404), so generated requests
reach real rows instead of 404ing on random numbers. `auth/logout/` is left out: it would end the
token mid-run.

    .venv/bin/python tools/fuzz_api.py                      # throwaway SQLite
    .venv/bin/python tools/fuzz_api.py --database-url postgres://postgres@127.0.0.1:5432/empty_db

The database must be empty (seed_demo refuses one that holds data). `--max-examples` bounds the
fuzzing phase per operation; the coverage phase sends a fixed set of boundary and invalid values.
"""

import argparse
import json
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

from portal_server import BASE_DIR, environment, get, gunicorn, manage  # tools/ is sys.path[0] for a script

ACCOUNTS = {"demo_county": "county admin", "demo_village": "village secretary"}
EXCLUDED = ["/api/v1/auth/logout/"]
CHECKS = "not_a_server_error,response_schema_conformance"

TOKENS = """
import json
from rest_framework.authtoken.models import Token
from pairing.models import User

tokens = {}
for name in %r:
    user = User.objects.get(username=name)
    Token.objects.filter(user=user).delete()
    tokens[name] = Token.objects.create(user=user).key
print(json.dumps(tokens))
"""


def api_get(base: str, token: str, path: str):
    status, _, body = get(f"{base}{path}", {"Authorization": f"Token {token}", "Accept": "application/json"})
    if status != 200:
        raise SystemExit(f"fuzz: GET {path} answered {status} before the run")
    return json.loads(body)


def path_values(base: str, token: str, schema: dict) -> dict[str, list]:
    """For each `/api/v1/<resource>/{param}/…` prefix, values of the parameter the account can see."""
    values = {}
    for path in schema["paths"]:
        match = re.match(r"^(/api/v1/[^{]+/)\{(\w+)\}/", path)
        if not match or match.group(1) in values:
            continue
        listing = match.group(1)
        if "get" not in schema["paths"].get(listing, {}):
            continue
        data = api_get(base, token, listing)
        if isinstance(data, dict) and "results" in data:
            values[listing] = [row["id"] for row in data["results"]]
        elif isinstance(data, dict) and "rules" in data:  # compliance/: one entry per rule
            values[listing] = [rule["code"] for rule in data["rules"]]
    return values


def toml_value(value) -> str:
    return json.dumps(value, ensure_ascii=False)  # JSON strings, numbers and arrays are valid TOML


def write_config(path: Path, schema: dict, values: dict[str, list]) -> None:
    # PUT takes the same fields as POST and PATCH, which the coverage phase already walks field by
    # field; PUT is fuzzed like every operation. This keeps the run to a few minutes.
    lines = ["[[operations]]", 'include-method = "PUT"', "phases.coverage.enabled = false", ""]
    for number, (listing, found) in enumerate(sorted(values.items())):
        if not found:
            continue
        name = f"rows{number}"
        lines += [f"[dictionaries.{name}]", f"values = {toml_value(sorted(set(found), key=str))}", ""]
        param = next(p[len(listing) + 1 :].split("}")[0] for p in schema["paths"] if p.startswith(listing + "{"))
        regex = "^" + re.escape(listing) + r"\{"
        lines += [
            "[[operations]]",
            f"include-path-regex = {toml_value(regex)}",
            f'parameters = {{ "path.{param}" = {{ dictionary = "{name}", probability = 0.85 }} }}',
            "",
        ]
    path.write_text("\n".join(lines), encoding="utf-8")


def st_command(workdir: Path, base: str, token: str, args) -> list[str]:
    # One thread per schemathesis process, and the two accounts' runs side by side: with threads,
    # CPython 3.11's ast module can fail ("AST constructor recursion depth mismatch") when hypothesis
    # parses lambda sources in two threads at once.
    return [
        str(Path(sys.executable).with_name("st")),
        "--config-file",
        str(workdir / "schemathesis.toml"),
        "run",
        f"{base}/api/schema/?{urllib.parse.urlencode({'format': 'json'})}",
        "--header",
        f"Authorization: Token {token}",
        "--checks",
        CHECKS,
        "--phases",
        "coverage,fuzzing",
        "--max-examples",
        str(args.max_examples),
        "--seed",
        str(args.seed),
        "--workers",
        "1",
        "--no-color",
        "--warnings",
        "off",
        "--generation-database",
        "none",
        *[arg for path in EXCLUDED for arg in ("--exclude-path", path)],
    ]


def server_errors(log: Path) -> list[str]:
    """The server's own account of each 5xx: Django logs it at ERROR with the traceback."""
    blocks, current = [], None
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        if re.match(r"^\d{4}-\d\d-\d\d [\d:,]+ ", line):
            current = [line] if " ERROR django.request " in line else None
            if current:
                blocks.append(current)
        elif current is not None:
            current.append(line)
    return ["\n".join(block) for block in blocks]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="an empty database (default: a throwaway SQLite file)")
    parser.add_argument("--max-examples", type=int, default=8, help="fuzzing-phase examples per operation")
    parser.add_argument("--seed", type=int, default=20261201, help="schemathesis seed (same seed, same requests)")
    args = parser.parse_args()
    # A CI time-out's SIGTERM unwinds like Ctrl-C, so gunicorn and schemathesis are stopped too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    started = time.monotonic()
    failed = []
    with tempfile.TemporaryDirectory(prefix="portal-fuzz-") as tmp:
        env = environment(
            PORTAL_MODE="development",
            DEBUG="0",
            DEMO_MODE="1",
            DATABASE_URL=args.database_url or f"sqlite:///{tmp}/fuzz.sqlite3",
            MEDIA_ROOT=f"{tmp}/media",
        )
        manage(env, "migrate", "--noinput", "-v0")
        subprocess.run(
            [sys.executable, "manage.py", "seed_demo", "--scale", "small", "--seed", "1"],
            cwd=BASE_DIR,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,  # the demo passwords: not needed, not printed
        )
        tokens = json.loads(
            subprocess.run(
                [sys.executable, "manage.py", "shell", "-v0", "-c", TOKENS % list(ACCOUNTS)],
                cwd=BASE_DIR,
                env=env,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        )
        log_path = Path(tmp, "server.log")
        with log_path.open("w", encoding="utf-8") as log, gunicorn(env, log=log) as base:
            schema = api_get(base, tokens["demo_county"], "/api/schema/?format=json")
            county_values = path_values(base, tokens["demo_county"], schema)
            for username in ACCOUNTS:  # before either run changes the rows
                values = path_values(base, tokens[username], schema)
                if username != "demo_county":  # and some rows out of scope, which must answer 404
                    values = {k: v + county_values.get(k, [])[-5:] for k, v in values.items()}
                Path(tmp, username).mkdir()
                write_config(Path(tmp, username, "schemathesis.toml"), schema, values)
            runs = []
            try:
                for username, who in ACCOUNTS.items():
                    workdir = Path(tmp, username)
                    output = (workdir / "output.txt").open("w", encoding="utf-8")
                    command = st_command(workdir, base, tokens[username], args)
                    process = subprocess.Popen(command, cwd=workdir, stdout=output, stderr=subprocess.STDOUT)
                    runs.append((username, who, output, process))
                for username, who, output, process in runs:
                    process.wait()
                    output.close()
                    print(f"\n==> schemathesis as the {who} ({username})\n", flush=True)
                    print(Path(tmp, username, "output.txt").read_text(encoding="utf-8"), flush=True)
                    if process.returncode != 0:
                        failed.append(f"as the {who}")
            finally:
                for _, _, _, process in runs:
                    if process.poll() is None:
                        process.kill()
                        process.wait()
        errors = server_errors(log_path)
        for error in errors[:5]:
            print(f"\n--- the server's log of a server error ---\n{error}")
        if errors:
            failed.append(f"server ({len(errors)} server errors logged)")
    outcome = f"failures: {', '.join(failed)}" if failed else "no failures"
    print(f"\nfuzz: {outcome} ({time.monotonic() - started:.0f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
