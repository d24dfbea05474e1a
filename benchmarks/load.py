"""Load benchmark: the public pages under ``wrk`` on gunicorn with production settings.

A plain script: ``.venv/bin/python benchmarks/load.py --labels 50000``. It

1. builds (or reuses) a PostgreSQL database of the given size, ``clusterlabel_load_50k`` for
   50,000 labels: migrated, the shipped schemes loaded, organisations and labels bulk-created by
   ``benchmark_registry.create_data`` (a fifth as many organisations as labels unless
   ``--organisations`` says otherwise, all confirmed so their holder pages are public),
   ``ANALYZE``d, signing keys made; the public aggregates (statistics, places) counted, as the
   import's commit or the day's run leaves them (``labels.registry.aggregates``). A database is
   reused when it holds the same number of organisations and labels and no migration is
   missing; otherwise it is dropped and built anew
   (``--rebuild`` forces that). Its data directory (keys, collected static files) is
   ``/tmp/clusterlabel-load/<database>``;
2. starts gunicorn with production settings: ``DEBUG`` off, a random ``SECRET_KEY``,
   ``ALLOWED_HOSTS=127.0.0.1``, ``DATABASE_URL``, ``USE_X_FORWARDED_PROTO=1`` (wrk sends
   ``X-Forwarded-Proto: https`` as the TLS-terminating proxy would, so HTTPS redirects and HSTS
   stay on), ``DATABASE_CONN_MAX_AGE=60`` (persistent connections, as a deployment would set);
   ``2 x cores`` sync workers by default (``--workers``, ``--worker-class gthread``);
3. for every public endpoint, runs ``wrk --latency`` against ``/health/`` (the trivial view, no
   database) and then against the endpoint, on the same server, one after the other, so both see
   the same machine; pages about one label or holder rotate through 500 of them (a Lua script),
   so no per-object cache makes them look faster than they are (``--warm`` asks for each of
   them first, to measure them as cached);
4. prints a table: requests per second, the ratio to the trivial view, p50 and p99 latency, the
   CPU time per request of the application (gunicorn's processes) and of the PostgreSQL backends
   of this database (from ``/proc``, before and after, divided by the requests), the non-2xx
   responses and the load average (the machine may be shared).

``wrk`` is Debian's (``apt-get install -y wrk``); gunicorn comes with the ``server`` and ``test``
extras. Options: ``--labels``, ``--connections``, ``--duration``, ``--threads``,
``--only NAME`` (repeatable), ``--database-url`` (the server, default the local one),
``--redis-url`` (the shared cache a deployment with several servers sets; default: each
worker's own memory), ``--warm``.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PROXY_HEADER = "X-Forwarded-Proto: https"
ROTATING = 500  # labels or holders a per-object endpoint rotates through


@dataclass(frozen=True)
class Endpoint:
    name: str
    paths: tuple[str, ...]  # one, or several that wrk rotates through
    least_seconds: int = 0  # a slow endpoint runs this long at least, to finish some requests
    headers: tuple[str, ...] = ()  # e.g. the API token's "Authorization: Bearer ..."


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--labels", type=int, default=50_000)
    parser.add_argument("--organisations", type=int, help="default: a fifth of --labels")
    parser.add_argument("--connections", type=int, default=8, help="wrk's open connections")
    parser.add_argument("--duration", type=int, default=5, help="seconds per endpoint")
    parser.add_argument(
        "--health-duration", type=int, default=3, help="seconds of /health/ before each endpoint"
    )
    parser.add_argument("--threads", type=int, default=2, help="wrk's threads")
    parser.add_argument("--only", action="append", default=[], help="endpoint name (repeatable)")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    parser.add_argument("--worker-class", choices=("sync", "gthread"), default="sync")
    parser.add_argument("--worker-threads", type=int, default=4, help="with gthread")
    parser.add_argument("--conn-max-age", type=int, default=60)
    parser.add_argument("--port", type=int, default=0, help="default: a free one")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--rebuild", action="store_true", help="build the database anew")
    parser.add_argument(
        "--redis-url",
        help="the shared cache, e.g. redis://127.0.0.1:6379/14 (default: each worker's memory)",
    )
    parser.add_argument(
        "--warm",
        action="store_true",
        help="ask for every rotated page before it is measured: the cached pages' figures",
    )
    return parser.parse_args()


def database_name(labels: int) -> str:
    size = f"{labels // 1000}k" if labels % 1000 == 0 else str(labels)
    return f"clusterlabel_load_{size}"


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def admin_execute(server_url: str, statement: str) -> list[tuple]:
    """Run one statement on the server's maintenance database (CREATE/DROP DATABASE)."""
    import psycopg

    with psycopg.connect(with_database(server_url, "postgres"), autocommit=True) as connection:
        cursor = connection.execute(statement)
        return cursor.fetchall() if cursor.description else []


# --- building the database -------------------------------------------------------------------


def prepare(arguments: argparse.Namespace, name: str, environment: dict[str, str]) -> dict:
    """The database built or reused; returns what the endpoints need (numbers, holder ids)."""
    exists = admin_execute(
        arguments.database_url, f"SELECT 1 FROM pg_database WHERE datname = '{name}'"
    )
    if not exists:
        admin_execute(arguments.database_url, f'CREATE DATABASE "{name}"')
    os.environ.update(environment)
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    organisations = arguments.organisations or arguments.labels // 5
    if arguments.rebuild or not built_with(organisations, arguments.labels):
        connection.close()
        admin_execute(arguments.database_url, f'DROP DATABASE "{name}" WITH (FORCE)')
        admin_execute(arguments.database_url, f'CREATE DATABASE "{name}"')
        build(organisations, arguments.labels)
    else:
        print(f"reusing {name}: {organisations:,} organisations, {arguments.labels:,} labels")
    call_command("collectstatic", interactive=False, verbosity=0)
    # As the commit of the import that wrote the labels, or the day's run, would leave them.
    from clusterlabel.labels.registry.aggregates import public_aggregates_build

    public_aggregates_build()
    fixtures = fixture_values()
    connection.close()
    return fixtures


def built_with(organisations: int, labels: int) -> bool:
    """Whether the database holds this size and every migration is applied."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('load_benchmark')")
        if cursor.fetchone()[0] is None:
            return False
        cursor.execute("SELECT organisations, labels FROM load_benchmark")
        return cursor.fetchone() == (organisations, labels)


def build(organisations: int, labels: int) -> None:
    from benchmark_registry import create_data
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from clusterlabel.organisations.models import Organisation

    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrated = time.perf_counter()
    create_data(organisations, labels)
    # Imported holders are confirmed: their history is public (registry/holders/<id>/).
    Organisation.objects.update(confirmed_at=timezone.now())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("CREATE TABLE load_benchmark (organisations integer, labels integer)")
        cursor.execute("INSERT INTO load_benchmark VALUES (%s, %s)", [organisations, labels])
    call_command("keys", "init", verbosity=0)
    print(
        f"built {connection.settings_dict['NAME']}: migrated in {migrated - start:.0f} s, "
        f"{organisations:,} organisations and {labels:,} labels in "
        f"{time.perf_counter() - migrated:.0f} s"
    )


def fixture_values() -> dict:
    from django.utils import timezone

    from clusterlabel.labels.models import Label

    today = timezone.localdate()
    current = Label.objects.filter(state="active", valid_from__lte=today, valid_until__gte=today)
    rows = list(current.order_by("pk").values_list("certificate_number", "organisation_id"))
    step = max(1, len(rows) // ROTATING)
    chosen = rows[::step][:ROTATING]
    holders = sorted({organisation for _, organisation in chosen})
    return {
        "numbers": [number for number, _ in chosen],
        "holders": holders,
        **token_fixture(holders[:PROGRAMME_MEMBERS]),
    }


PROGRAMME_MEMBERS = 200  # a national programme's size (go-cluster has about 90 members)


def token_fixture(members: list[int]) -> dict:
    """An operator's secretariat (ECEI's operator) and a programme's staff, each with a new API
    token: the token endpoints measured with a real key, hashed lookup and grants included. The
    programme ``load-programme`` has ``members`` (the holders rotated through) and a rule."""
    from clusterlabel.access.models import Grant
    from clusterlabel.access.services import user_flags_sync
    from clusterlabel.accounts.api_tokens import api_token_create
    from clusterlabel.accounts.models import User
    from clusterlabel.organisations.models import Organisation, Programme
    from clusterlabel.schemes.models import SchemeVersion

    operator = SchemeVersion.objects.filter(scheme_id="ecei-gold").first().operator
    programme, _ = Programme.objects.update_or_create(
        slug="load-programme",
        defaults={
            "name": "Load programme",
            "rule": {"any_of": [{"label": "ecei-gold"}, {"procedure": "ecei-silver"}]},
        },
    )
    programme.organisation_set.set(Organisation.objects.filter(pk__in=members))
    keys = {}
    for username, scope in (
        ("load-secretariat", {"role": "secretariat", "operator": operator}),
        ("load-programme", {"role": "programme", "programme": programme}),
    ):
        user, _ = User.objects.get_or_create(
            username=username, defaults={"email": f"{username}@example.org"}
        )
        Grant.objects.get_or_create(user=user, **scope)
        user_flags_sync(user)
        keys[username] = api_token_create(user=user, name="load benchmark", lifetime_days=30).key
    return {
        "secretariat_token": keys["load-secretariat"],
        "programme_token": keys["load-programme"],
    }


def endpoints(fixtures: dict) -> list[Endpoint]:
    numbers, holders = fixtures["numbers"], fixtures["holders"]
    secretariat = f"Authorization: Bearer {fixtures['secretariat_token']}"
    programme = f"Authorization: Bearer {fixtures['programme_token']}"
    return [
        Endpoint("registry", ("/registry/",)),
        Endpoint("registry-filtered", ("/registry/?valid_on=2020-06-30&region=DE-BW",)),
        Endpoint("search", ("/registry/?q=wurttemberg&status=valid",)),
        Endpoint("holder", tuple(f"/registry/holders/{pk}/" for pk in holders)),
        Endpoint("verify", tuple(f"/verify/{number}/" for number in numbers)),
        Endpoint("credential", tuple(f"/labels/{number}/credential.jwt" for number in numbers)),
        Endpoint("badge", tuple(f"/labels/{number}/badge.svg" for number in numbers)),
        Endpoint("status-list", ("/status/revocation/",)),
        Endpoint("statistics", ("/statistics/",)),
        Endpoint("jwks", ("/.well-known/jwks.json",)),
        Endpoint("export-csv", ("/registry/export.csv",), least_seconds=20),
        # The public API (issue 16): the same queries and cache as the pages, as JSON.
        Endpoint("api-labels", ("/api/v1/labels/",)),
        Endpoint("api-filtered", ("/api/v1/labels/?valid_on=2020-06-30&region=DE-BW",)),
        Endpoint("api-label", tuple(f"/api/v1/labels/{number}/" for number in numbers)),
        Endpoint("api-holder", tuple(f"/api/v1/organisations/{pk}/" for pk in holders)),
        Endpoint("api-statistics", ("/api/v1/statistics/",)),
        # With a personal API token (never cached: each answer is the token holder's).
        Endpoint("api-procedures", ("/api/v1/procedures/",), headers=(secretariat,)),
        Endpoint("api-programmes", ("/api/v1/programmes/",), headers=(programme,)),
        Endpoint(
            "api-members",
            ("/api/v1/programmes/load-programme/members/",),
            headers=(programme,),
        ),
    ]


# --- the server ------------------------------------------------------------------------------


def server_environment(arguments: argparse.Namespace, name: str, data_dir: Path) -> dict:
    return {
        "DJANGO_SETTINGS_MODULE": "clusterlabel.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": with_database(arguments.database_url, name),
        "DATABASE_CONN_MAX_AGE": str(arguments.conn_max_age),
        "CLUSTERLABEL_DATA_DIR": str(data_dir),
        "USE_X_FORWARDED_PROTO": "1",
        "LOG_LEVEL": "WARNING",
        # wrk is one client address with one token: the API's rates would answer it 429.
        "API_ANON_RATE": "100000000/minute",
        "API_TOKEN_RATE": "100000000/minute",
        **({"REDIS_URL": arguments.redis_url} if arguments.redis_url else {}),
    }


def start_server(arguments: argparse.Namespace, environment: dict, log: Path) -> subprocess.Popen:
    command = [
        str(BIN / "gunicorn"),
        "clusterlabel.wsgi",
        "--bind",
        f"127.0.0.1:{arguments.port}",
        "--workers",
        str(arguments.workers),
        "--worker-class",
        arguments.worker_class,
        "--timeout",
        "120",
        "--error-logfile",
        str(log),
    ]
    if arguments.worker_class == "gthread":
        command += ["--threads", str(arguments.worker_threads)]
    server = subprocess.Popen(command, env={**os.environ, **environment}, cwd=ROOT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn stopped (exit {server.returncode}); see {log}")
        try:
            if get(arguments.port, "/health/") == 200:
                return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    sys.exit(f"gunicorn did not answer /health/ within 60 s; see {log}")


def get(port: int, path: str, headers: tuple[str, ...] = ()) -> int:
    extra = dict(header.split(": ", 1) for header in headers)
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", headers={"X-Forwarded-Proto": "https", **extra}
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def warm(arguments: argparse.Namespace, endpoint: Endpoint) -> None:
    """``--warm``: every page the endpoint rotates through asked for before it is measured, so
    the run measures answers from the cache (the issue's "cached" figures) rather than the
    first visit of each. Once with a shared cache (``--redis-url``); without one, as many
    times as there are workers, which fills most workers' own caches, not certainly all."""
    passes = 1 if arguments.redis_url else arguments.workers
    for _ in range(passes):
        for path in endpoint.paths:
            get(arguments.port, path, endpoint.headers)


# --- CPU from /proc --------------------------------------------------------------------------


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text.rsplit(")", 1)[1].split()  # [0] is the state, field 3 of proc(5)


def _pids() -> list[int]:
    return [int(entry) for entry in os.listdir("/proc") if entry.isdigit()]


def app_ticks(master: int) -> dict[int, int]:
    """utime + stime of gunicorn's master and its workers, per process."""
    ticks = {}
    for pid in _pids():
        fields = _stat(pid)
        if fields is not None and (pid == master or int(fields[1]) == master):
            ticks[pid] = int(fields[11]) + int(fields[12])
    return ticks


def database_ticks(name: str) -> dict[int, int]:
    """utime + stime of the PostgreSQL backends connected to this database ("postgres: user
    database host(port) state"). A backend that ended between two readings is not counted:
    with persistent connections (the default here) none does."""
    ticks = {}
    for pid in _pids():
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if command.startswith(b"postgres: ") and f" {name} ".encode() in command:
            fields = _stat(pid)
            if fields is not None:
                ticks[pid] = int(fields[11]) + int(fields[12])
    return ticks


def spent(before: dict[int, int], after: dict[int, int]) -> float:
    """Seconds of CPU between two readings (processes new since count from zero)."""
    return sum(after[pid] - before.get(pid, 0) for pid in after) / CLOCK_TICKS


# --- wrk -------------------------------------------------------------------------------------


@dataclass
class Result:
    requests: int
    rate: float
    p50: float  # seconds
    p99: float
    failed: int  # non-2xx/3xx responses and socket errors
    app_cpu: float  # seconds
    database_cpu: float


UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}


def _seconds(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * UNITS[unit]


def run_wrk(
    arguments: argparse.Namespace, endpoint: Endpoint, duration: int, master: int, name: str
) -> Result:
    command = [
        "wrk",
        f"--threads={arguments.threads}",
        f"--connections={arguments.connections}",
        f"--duration={duration}s",
        "--timeout=60s",
        "--latency",
        "--header",
        PROXY_HEADER,
    ]
    for header in endpoint.headers:
        command += ["--header", header]
    script = None
    if len(endpoint.paths) > 1:
        listed = ",\n".join(f'  "{path}"' for path in endpoint.paths)
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(
                f"local paths = {{\n{listed}\n}}\nlocal i = 0\n"
                "request = function()\n  i = i + 1\n"
                "  return wrk.format(nil, paths[(i % #paths) + 1])\nend\n"
            )
        command += ["--script", script.name]
    command.append(f"http://127.0.0.1:{arguments.port}{endpoint.paths[0]}")
    app_before, database_before = app_ticks(master), database_ticks(name)
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    app_after, database_after = app_ticks(master), database_ticks(name)
    if script is not None:
        os.unlink(script.name)
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", output, re.MULTILINE))
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return Result(
        requests=requests,
        rate=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        p50=_seconds(latency["50"]) if "50" in latency else float("nan"),
        p99=_seconds(latency["99"]) if "99" in latency else float("nan"),
        failed=(int(failed.group(1)) if failed else 0)
        + (sum(map(int, errors.groups())) if errors else 0),
        app_cpu=spent(app_before, app_after),
        database_cpu=spent(database_before, database_after),
    )


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}" if seconds < 10 else f"{seconds * 1000:.0f}"


def main() -> None:
    arguments = parse_arguments()
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install -y wrk")
    if not arguments.port:  # a free port: another server on a fixed one would answer instead
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            arguments.port = probe.getsockname()[1]
    name = database_name(arguments.labels)
    data_dir = Path("/tmp/clusterlabel-load") / name
    data_dir.mkdir(parents=True, exist_ok=True)
    environment = server_environment(arguments, name, data_dir)
    fixtures = prepare(arguments, name, environment)
    health = Endpoint("health", ("/health/",))
    every = [health, *endpoints(fixtures)]
    chosen = [e for e in every if not arguments.only or e.name in arguments.only]
    log = data_dir / "gunicorn.log"
    server = start_server(arguments, environment, log)
    try:
        for endpoint in chosen:  # every worker answers each once before it is measured
            status = {
                get(arguments.port, path, endpoint.headers)
                for path in endpoint.paths[:1] * arguments.workers
            }
            if status != {200}:
                sys.exit(f"{endpoint.name} {endpoint.paths[0]} answers {status}; see {log}")
            if arguments.warm and len(endpoint.paths) > 1:
                warm(arguments, endpoint)
        threads = (
            f" x {arguments.worker_threads} threads" if arguments.worker_class == "gthread" else ""
        )
        print(
            f"\n{name}: gunicorn {arguments.workers} {arguments.worker_class} workers{threads}"
            f", wrk {arguments.threads} threads {arguments.connections} connections,"
            f" {arguments.duration} s per endpoint after {arguments.health_duration} s of /health/;"
            f" cache: {arguments.redis_url or 'per worker (memory)'}"
            f"{', rotated pages warmed' if arguments.warm else ''};"
            f" {os.cpu_count()} cores\n"
        )
        header = (
            f"{'endpoint':<18} {'req/s':>9} {'health':>7} {'ratio':>7} {'p50 ms':>8}"
            f" {'p99 ms':>8} {'app ms/req':>10} {'db ms/req':>9} {'fail':>5} {'load':>5}"
        )
        print(header)
        print("-" * len(header))
        for endpoint in chosen:
            trivial = run_wrk(arguments, health, arguments.health_duration, server.pid, name)
            duration = max(arguments.duration, endpoint.least_seconds)
            result = run_wrk(arguments, endpoint, duration, server.pid, name)
            ratio = f"{result.rate / trivial.rate:.1%}" if trivial.rate else "-"
            app, database = "-", "-"
            if result.requests:
                app = f"{result.app_cpu / result.requests * 1000:.2f}"
                database = f"{result.database_cpu / result.requests * 1000:.2f}"
            print(
                f"{endpoint.name:<18} {result.rate:>9.1f} {trivial.rate:>7.0f}"
                f" {ratio:>7} {_ms(result.p50):>8} {_ms(result.p99):>8}"
                f" {app:>10} {database:>9}"
                f" {result.failed + trivial.failed:>5} {os.getloadavg()[0]:>5.1f}",
                flush=True,
            )
        print(
            "\nhealth: /health/ (no database) just before each endpoint; ratio = req/s over"
            " health's; CPU per request from /proc (gunicorn's processes; PostgreSQL backends of"
            " this database), '-' when no request finished; load: 1-minute load average after"
            " the endpoint's run. Slow endpoints run longer (export-csv: 20 s at least)."
        )
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
