"""Load benchmark, run by hand: gunicorn with two workers on PostgreSQL, under wrk.

    .venv/bin/python benchmarks/load.py [--seconds 5] [--rounds 3] [--connections 4]
                                        [--only cached|uncached] [--keep]

What it does, only ever on 127.0.0.1:

1. creates its own PostgreSQL database (``yeep_bench_load`` on 127.0.0.1:5432, user
   postgres; ``--database-url`` for another server), dropped again at the end (``--keep``
   keeps it), migrates it and loads the demo plans and users (``manage.py load_demo``);
2. collects the static files into a temporary folder and starts gunicorn with the
   project's ``yeep/gunicorn.conf.py``, two workers, ``DEBUG=0``, a secret key made for
   the run, ``CONN_MAX_AGE=60`` (as compose.yaml) and the Redis cache at
   ``redis://127.0.0.1:6379/7`` (emptied first), on a free loopback port;
3. signs the Mersin equality unit's user (``esitlik``) in through the admin's login form
   for a session cookie;
4. runs ``wrk --latency`` (4 connections, 2 threads, ``--seconds`` per URL, every URL
   once per round, ``--rounds`` rounds; per URL the best round counts) against a
   trivial Django view (``/``: Django's RedirectView to the plan list, through every
   middleware; the request the issue measured), ``/healthz`` (one ``SELECT 1`` and a cache
   round trip), the Mersin plan's overview and indicator table (anonymous and signed in)
   and the yearly entry page (signed in, a form per user: never cached), and prints
   requests per second, p50/p95/p99 latency and each page's share of the trivial view's
   throughput;
5. does all of it twice, with the rendered-page cache off (``PAGE_CACHE=0``: every request
   renders the page, as before monitoring/pagecache.py) and on, in the same run; then
   stops gunicorn.

Goal (issue 13, item 3): the overview and the table at 25% or more of the trivial view's
requests per second with the page cache on.

wrk is the Debian package ``wrk``: ``apt-get install -y wrk``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
HOST = "127.0.0.1"
REDIS = "redis://127.0.0.1:6379/7"
USER, PASSWORD = "esitlik", "yeep-demo-2024"
GOAL = 0.25

# wrk's Lua hook: one JSON line with the figures wrk --latency prints, plus p95
LUA = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "p50": %d, "p95": %d, "p99": %d, '
    .. '"non2xx3xx": %d, "socket_errors": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), e.status, e.connect + e.read + e.write + e.timeout))
end
"""


@dataclass
class Result:
    name: str
    rps: float
    p50: float
    p95: float
    p99: float
    errors: int


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def run(cmd: list[str], env: dict, **kw) -> str:
    done = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, **kw)
    if done.returncode:
        sys.exit(f"{' '.join(cmd)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def postgres(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)


def prepare(db_url: str, admin_url: str, name: str, env: dict) -> dict:
    postgres(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    postgres(admin_url, f'CREATE DATABASE "{name}"')
    run([PY, "manage.py", "migrate", "--noinput", "-v", "0"], env)
    run([PY, "manage.py", "compilemessages", "-v", "0", "--ignore=.venv"], env)
    run([PY, "manage.py", "collectstatic", "--noinput", "-v", "0"], env)
    run([PY, "manage.py", "load_demo"], env)
    code = (
        "import json; from plans.models import Indicator, Plan;"
        "from monitoring.models import Realization;"
        "p = Plan.objects.filter(is_public=True).order_by('-pk')"
        ".filter(municipality__name__startswith='Mersin').first();"
        "y = Realization.objects.for_plan(p).order_by('-year').values_list('year', flat=True)"
        ".first();"
        "print(json.dumps({'plan': p.pk, 'year': y or p.first_year, "
        "'indicators': Indicator.objects.filter(activity__theme__plan=p).count()}))"
    )
    return json.loads(run([PY, "manage.py", "shell", "-c", code], env).strip().splitlines()[-1])


def request(port: int, method: str, path: str, headers=None, body=None):
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response, data


def cookies_of(response) -> dict[str, str]:
    found = {}
    for header, value in response.getheaders():
        if header.lower() == "set-cookie":
            name, _, rest = value.partition("=")
            found[name.strip()] = rest.split(";", 1)[0]
    return found


def sign_in(port: int) -> str:
    """The admin's login form, as a browser fills it: the Cookie header of the session."""
    response, page = request(port, "GET", "/admin/login/")
    jar = cookies_of(response)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
    form = urlencode(
        {"username": USER, "password": PASSWORD, "csrfmiddlewaretoken": token, "next": "/admin/"}
    )
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": "; ".join(f"{k}={v}" for k, v in jar.items()),
        "Origin": f"http://{HOST}:{port}",
        "Referer": f"http://{HOST}:{port}/admin/login/",
    }
    response, _ = request(port, "POST", "/admin/login/", headers, form)
    jar.update(cookies_of(response))
    if response.status != 302 or "sessionid" not in jar:
        sys.exit(f"signing in as {USER} failed: {response.status}")
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def start_gunicorn(env: dict, port: int, log: Path, *, page_cache: bool) -> subprocess.Popen:
    env = {
        **env,
        "GUNICORN_BIND": f"{HOST}:{port}",
        "WEB_CONCURRENCY": "2",
        "PAGE_CACHE": "1" if page_cache else "0",
    }
    with log.open("ab") as out:
        server = subprocess.Popen(
            [GUNICORN, "-c", "yeep/gunicorn.conf.py", "yeep.wsgi"],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn stopped at start-up:\n{log.read_text()[-3000:]}")
        try:
            response, _ = request(port, "GET", "/healthz")
            if response.status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.3)
    stop(server)
    sys.exit(f"gunicorn did not answer /healthz within 60 s:\n{log.read_text()[-3000:]}")


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def wrk(port: int, path: str, cookie: str | None, args, lua: Path) -> dict:
    cmd = ["wrk", "-t2", f"-c{args.connections}", f"-d{args.seconds}s", "--latency"]
    cmd += ["--timeout", "30s", "-s", str(lua)]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    cmd.append(f"http://{HOST}:{port}{path}")
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("WRKJSON "))
    return json.loads(line.removeprefix("WRKJSON "))


def measure_once(port: int, name: str, path: str, cookie: str | None, args, lua) -> Result:
    figures = wrk(port, path, cookie, args, lua)
    seconds = figures["duration_us"] / 1e6
    return Result(
        name,
        figures["requests"] / seconds,
        figures["p50"] / 1000,
        figures["p95"] / 1000,
        figures["p99"] / 1000,
        figures["non2xx3xx"] + figures["socket_errors"],
    )


def measure(port: int, targets, args, lua: Path) -> list[Result]:
    """Each URL once per round, the rounds one after the other; per URL the round with
    the most requests per second (the least disturbed by the machine's other work, as
    timeit's best of), errors summed over the rounds."""
    for name, path, cookie, expect in targets:
        headers = {"Cookie": cookie} if cookie else {}
        for _ in range(3):  # warm: each worker's first request, the caches
            response, _ = request(port, "GET", path, headers)
        if response.status != expect:
            sys.exit(f"{name}: {path} answered {response.status}, not {expect}")
    rounds: dict[str, list[Result]] = {name: [] for name, *_ in targets}
    for n in range(args.rounds):
        for name, path, cookie, _ in targets:
            rounds[name].append(measure_once(port, name, path, cookie, args, lua))
        line = ", ".join(f"{runs[-1].rps:.0f}" for runs in rounds.values())
        print(f"  round {n + 1}: req/s {line}", flush=True)
    best = []
    for runs in rounds.values():
        top = max(runs, key=lambda r: r.rps)
        top.errors = sum(r.errors for r in runs)
        best.append(top)
    return best


def table(title: str, results: list[Result]) -> str:
    base = results[0].rps
    lines = [
        title,
        f"| {'URL':<34} | {'req/s':>8} | {'p50 ms':>7} | {'p95 ms':>7} | {'p99 ms':>7} "
        f"| {'of trivial':>10} | {'errors':>6} |",
        f"|{'-' * 36}|{'-' * 10}|{'-' * 9}|{'-' * 9}|{'-' * 9}|{'-' * 12}|{'-' * 8}|",
    ]
    for r in results:
        lines.append(
            f"| {r.name:<34} | {r.rps:8.1f} | {r.p50:7.1f} | {r.p95:7.1f} | {r.p99:7.1f} "
            f"| {r.rps / base:9.1%} | {r.errors:>6} |"
        )
    return "\n".join(lines)


def verdict(results: list[Result]) -> list[str]:
    base = results[0].rps
    missed = []
    for r in results:
        if r.name.startswith(("overview", "table")) and r.rps / base < GOAL:
            missed.append(f"{r.name}: {r.rps / base:.1%} of the trivial view, goal {GOAL:.0%}")
    return missed


def targets_for(plan: int, year: int, cookie: str) -> list[tuple]:
    """(name, path, cookie, expected status) of every URL measured."""
    entry = f"/admin/monitoring/realization/yillik-giris/?plan={plan}&year={year}"
    return [
        ("/ (trivial view, redirect)", "/", None, 302),
        ("/healthz (DB + cache)", "/healthz", None, 200),
        ("overview, anonymous", f"/plan/{plan}/", None, 200),
        ("overview, signed in", f"/plan/{plan}/", cookie, 200),
        ("table, anonymous", f"/plan/{plan}/gostergeler/", None, 200),
        ("table, signed in", f"/plan/{plan}/gostergeler/", cookie, 200),
        ("table p.2 sorted, signed in", f"/plan/{plan}/gostergeler/?sort=oran&page=2", cookie, 200),
        ("entry page, signed in (a form)", entry, cookie, 200),
    ]  # fmt: skip


def run_mode(env: dict, log: Path, lua: Path, demo: dict, args, *, page_cache: bool):
    """One gunicorn with the page cache on or off, every URL measured; the table printed."""
    subprocess.run(["redis-cli", "-u", REDIS, "FLUSHDB"], capture_output=True, check=True)
    port = free_port()
    server = start_gunicorn(env, port, log, page_cache=page_cache)
    try:
        targets = targets_for(demo["plan"], demo["year"], sign_in(port))
        print(f"page cache {'on' if page_cache else 'off'}, port {port}:", flush=True)
        results = measure(port, targets, args, lua)
    finally:
        stop(server)
    boots = log.read_text(errors="replace").count("Booting worker")
    log.write_text("")
    title = (
        f"\nPage cache {'ON' if page_cache else 'OFF (PAGE_CACHE=0)'}: gunicorn 2 workers, "
        f"PostgreSQL, Redis; wrk -t2 -c{args.connections} -d{args.seconds}s, "
        f"best of {args.rounds}; {boots - 2} worker restarts (max_requests)"
    )
    print(table(title, results), flush=True)
    return results


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=5, help="wrk duration per URL")
    parser.add_argument("--rounds", type=int, default=3, help="runs per URL, the best counts")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--only", choices=["cached", "uncached"], help="one of the two runs")
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/yeep_bench_load"
    )
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    return parser.parse_args()


def main() -> int:
    args = arguments()
    if not shutil.which("wrk"):
        print("wrk is not installed: apt-get install -y wrk (Debian/Ubuntu)", file=sys.stderr)
        return 2
    if not re.match(r"postgres(ql)?://[^/]*(127\.0\.0\.1|localhost)[:/]", args.database_url):
        print("only a PostgreSQL server on 127.0.0.1 is used", file=sys.stderr)
        return 2
    name = args.database_url.rsplit("/", 1)[1]
    admin_url = args.database_url.rsplit("/", 1)[0] + "/postgres"
    tmp = Path(tempfile.mkdtemp(prefix="yeep-load-"))
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "0",
        "REDIS_URL": REDIS,
        "CONN_MAX_AGE": "60",
        "STATIC_ROOT": str(tmp / "static"),
        "MEDIA_ROOT": str(tmp / "media"),
        "LOG_LEVEL": "WARNING",
    }
    lua = tmp / "percentiles.lua"
    lua.write_text(LUA)
    missed: list[str] = []
    try:
        print(f"database {name}: migrate, load_demo ...", flush=True)
        demo = prepare(args.database_url, admin_url, name, env)
        print(f"Mersin plan {demo['plan']}, {demo['indicators']} indicators, "
              f"year {demo['year']}", flush=True)  # fmt: skip
        for label, page_cache in [("uncached", False), ("cached", True)]:
            if args.only and args.only != label:
                continue
            results = run_mode(env, tmp / "gunicorn.log", lua, demo, args, page_cache=page_cache)
            if page_cache:
                missed = verdict(results)
    finally:
        if not args.keep:
            postgres(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(tmp, ignore_errors=True)
    for line in missed:
        print("OVER GOAL:", line)
    if not missed and args.only != "uncached":
        print(f"\nOK: the overview and the table at {GOAL:.0%} or more of the trivial view.")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
