"""National-scale benchmark, run by hand (PostgreSQL):

    .venv/bin/python benchmarks/scale.py [--municipalities 300] [--runs 9] [--keep] [--reuse]

One installation serves hundreds of municipalities: does a municipality's page cost the
same in a database of 300 municipalities as in a database of that municipality alone?

Builds two PostgreSQL databases of its own (never the developer's or a test one):

- ``yeep_bench_scale``: N municipalities (300 by default), each with a plan of 120
  activities and 150 indicators in 8 themes, targets for 2024-2026 (some split by group,
  "50 Kadın 50 Erkek"; some activity targets), realizations for the three years, the
  audit rows the writers keep: about 170,000 targets, 160,000 realizations and 275,000
  audit rows at 300;
- ``yeep_bench_scale_alone``: the first of those municipalities and nothing else,
  built by the same code from the same seed, so its ids, pages and figures are the same.

Everything is written by the product's own path (``build_plan`` and
``store_plan_figures``: the bulk writer with COPY, the target and realization writers,
the audit). Then every page is asked through Django's test Client (signed in with
``force_login``) as the municipality's equality unit and as a platform administrator,
alternating between the two databases request by request so that a busy machine slows
both alike, and the script prints per page the median of each, the growth (nation /
alone) and the number of queries.

Goals: every page of one municipality (its equality unit) at most 1.2x its time alone
and at most 150 ms at 300 municipalities; a platform administrator's admin search at
most 300 ms; the yearly entry page (150 indicators) at most 150 ms.

``--keep`` leaves the databases for another run; ``--reuse`` uses them when they are
there (built with the same number of municipalities) instead of building again.
Set ``DATABASE_URL`` to point at another server; its database name is not used.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks._common import THEMES  # noqa: E402

NATION_DB, ALONE_DB = "yeep_bench_scale", "yeep_bench_scale_alone"
YEARS = (2024, 2025, 2026)
ACTIVITIES_PER_THEME = 15  # 120 activities
GOALS_PER_THEME = 3
TWO_INDICATORS_EVERY = 4  # every 4th activity has two indicators: 150 indicators
UNITS = [
    f"{name} Müdürlüğü"
    for name in (
        "Kadın ve Aile Hizmetleri",
        "Sosyal Destek Hizmetleri",
        "İnsan Kaynakları ve Eğitim",
        "Sağlık İşleri",
        "Kültür ve Sosyal İşler",
        "Strateji Geliştirme",
        "Gençlik ve Spor Hizmetleri",
        "Ulaşım Hizmetleri",
        "İmar ve Şehircilik",
        "Park ve Bahçeler",
        "Basın Yayın ve Halkla İlişkiler",
        "Bilgi İşlem",
        "Zabıta",
        "Muhtarlık İşleri",
        "İtfaiye",
    )
]
WORDS = [
    "eğitim",
    "İSTİHDAM",
    "danışmanlık",
    "kadın kooperatifi",
    "ŞİDDET ÖNLEME",
    "ışıklandırma",
    "kreş",
    "farkındalık semineri",
    "engelli erişimi",
    "yaşlı bakım",
]
SEARCH = "istihdam"  # finds "İSTİHDAM" (Turkish folding): a tenth of the indicators
PAGE_GOAL_MS, GROWTH_GOAL, SEARCH_GOAL_MS, ENTRY_GOAL_MS = 150.0, 1.2, 300.0, 150.0


# ------------------------------------------------------------------ databases


def server_url() -> str:
    url = os.environ.get("DATABASE_URL", "").strip() or "postgres://postgres@127.0.0.1:5432/x"
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("benchmarks/scale.py needs PostgreSQL: DATABASE_URL=postgres://...")
    return url


def with_name(url: str, name: str) -> str:
    parts = urlsplit(url)
    return parts._replace(path=f"/{name}").geturl()


def setup_django(url: str):
    os.environ["DATABASE_URL"] = with_name(url, NATION_DB)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yeep.settings")
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment(debug=False)  # "testserver" allowed, no query log


class Databases:
    """The two databases, each a connection of its own; ``use(name)`` makes one of them
    Django's default connection (and gives the cache a prefix of its own)."""

    def __init__(self):
        from django.core.cache import cache
        from django.db import connections
        from django.db.utils import load_backend

        self.handler = connections
        self.cache = cache
        base = connections.settings["default"]
        backend = load_backend(base["ENGINE"])
        self.wrappers = {
            name: backend.DatabaseWrapper({**base, "NAME": name}, "default")
            for name in (NATION_DB, ALONE_DB)
        }

    def use(self, name: str) -> None:
        self.handler._connections.default = self.wrappers[name]
        self.cache.key_prefix = name

    def close(self) -> None:
        for w in self.wrappers.values():
            w.close()


def admin_connection(url: str, dbname: str = "postgres"):
    import psycopg

    p = urlsplit(url)
    return psycopg.connect(
        host=p.hostname or "127.0.0.1",
        port=p.port or 5432,
        user=p.username or "postgres",
        password=p.password or None,
        dbname=dbname,
        autocommit=True,
    )


def recreate(url: str, name: str) -> None:
    with admin_connection(url) as c:
        c.execute(f"DROP DATABASE IF EXISTS {name}")
        c.execute(f"CREATE DATABASE {name}")


def drop(url: str, name: str) -> None:
    with admin_connection(url) as c:
        c.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def exists(url: str, name: str) -> bool:
    with admin_connection(url) as c:
        return bool(c.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone())


# ------------------------------------------------------------------ the data


def plan_rows(k: int) -> list:
    """The plan table of municipality ``k``: 120 activities, 150 indicators, targets and
    realizations for three years, drawn from a generator seeded by ``k``."""
    from monitoring.excel.plan_build import PlanRow

    rnd = random.Random(k)
    rows = []
    n_act = 0
    for t, theme in enumerate(THEMES, start=1):
        for a in range(1, ACTIVITIES_PER_THEME + 1):
            n_act += 1
            g = (a - 1) % GOALS_PER_THEME + 1
            word = WORDS[rnd.randrange(len(WORDS))]
            units = rnd.sample(UNITS, rnd.choice((1, 1, 2)))
            act_targets = (
                {y: f"{rnd.randint(1, 9) * 10} Kadın {rnd.randint(1, 9) * 10} Erkek" for y in YEARS}
                if n_act % 10 == 0
                else {}
            )
            for i in range(2 if n_act % TWO_INDICATORS_EVERY == 0 else 1):
                base = rnd.randint(5, 400)
                targets, reals = {}, {}
                for y in YEARS:
                    goal = base + rnd.randint(0, 60) * (y - 2023)
                    split = n_act % 6 == 0
                    targets[y] = f"{goal // 2} Kadın {goal - goal // 2} Erkek" if split else goal
                    if rnd.random() < 0.03:
                        targets[y] = "-"
                    if rnd.random() < 0.92:
                        got = int(goal * rnd.uniform(0.5, 1.3))
                        reals[y] = f"{got // 2} Kadın {got - got // 2} Erkek" if split else got
                rows.append(
                    PlanRow(
                        theme_code=str(t),
                        theme_title=theme,
                        goal_code=f"{t}.{g}",
                        goal_title=f"{theme.title()} alanında hedef {g}",
                        activity_code=f"{t}.{g}.{a}",
                        activity_title=f"{word.capitalize()} çalışmaları ({t}.{a})",
                        responsible="\n".join(units),
                        partners="İl Sağlık Müdürlüğü" if a % 3 == 0 else "",
                        indicator=f"{word} kapsamında ulaşılan kişi sayısı {i + 1}",
                        baseline=base,
                        targets=targets,
                        realizations=reals,
                        activity_targets=act_targets,
                        activity_key=n_act,
                    )
                )
    return rows


def build_municipality(k: int):
    """Municipality ``k`` and its plan, through the product's own writers."""
    from django.db import transaction

    from monitoring.excel.plan_build import build_plan, get_or_create_municipality
    from monitoring.excel.plan_table import store_plan_figures
    from plans.models import Plan

    with transaction.atomic():
        municipality = get_or_create_municipality(f"Belediye {k + 1:03d}")
        plan, summary, row_indicators = build_plan(
            municipality=municipality,
            title="Yerel Eşitlik Eylem Planı 2024-2026",
            first_year=YEARS[0],
            last_year=YEARS[-1],
            rows=plan_rows(k),
            status=Plan.Status.IN_FORCE,
            version=1,
        )
        store_plan_figures(
            plan=plan, summary=summary, row_indicators=row_indicators, source="benchmark"
        )
    return plan


def make_users() -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from monitoring.roles import EQUALITY_UNIT
    from plans.models import Municipality, UserProfile

    User = get_user_model()
    User.objects.create_superuser("platform", "p@example.org", "x-Bench-123")
    unit_user = User.objects.create_user("esitlik", "e@example.org", "x-Bench-123", is_staff=True)
    unit_user.groups.add(Group.objects.get(name=EQUALITY_UNIT))
    UserProfile.objects.create(user=unit_user, municipality=Municipality.objects.order_by("pk")[0])


def build(dbs: Databases, url: str, n: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    for name, count in ((ALONE_DB, 1), (NATION_DB, n)):
        recreate(url, name)
        dbs.use(name)
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        for k in range(count):
            build_municipality(k)
            if (k + 1) % 50 == 0:
                print(f"  {name}: {k + 1} municipalities, {time.perf_counter() - started:.0f} s")
        make_users()
        with connection.cursor() as c:
            c.execute("CREATE TABLE bench_built (municipalities int)")
            c.execute("INSERT INTO bench_built VALUES (%s)", [count])
        connection.close()
        with admin_connection(url, name) as c:  # outside a transaction
            c.execute("VACUUM ANALYZE")
        print(f"Built {name}: {count} municipalities in {time.perf_counter() - started:.0f} s")


def built_count(dbs: Databases, name: str) -> int | None:
    from django.db import connection

    dbs.use(name)
    try:
        with connection.cursor() as c:
            c.execute("SELECT municipalities FROM bench_built")
            return c.fetchone()[0]
    except Exception:  # noqa: BLE001 - not built, or built by another version
        connection.close()
        return None


def sizes(dbs: Databases) -> str:
    from monitoring.models import FigureChange, Realization
    from plans.models import Activity, Indicator, Municipality, Target

    dbs.use(NATION_DB)
    counts = [
        (Municipality, "municipalities"),
        (Activity, "activities"),
        (Indicator, "indicators"),
        (Target, "targets"),
        (Realization, "realizations"),
        (FigureChange, "audit rows"),
    ]
    return ", ".join(f"{m.objects.count():,} {label}" for m, label in counts)


# ------------------------------------------------------------------ the pages


def pages() -> list[tuple[str, str, str, dict, str]]:
    """(label, who, url, query, goal) for every page; ``goal``: "page" (1.2x and 150 ms),
    "search" (300 ms), "entry" (150 ms) or "" (printed only)."""
    from django.urls import reverse

    from plans.models import Plan, Theme

    plan = Plan.objects.order_by("pk").first()
    theme = Theme.objects.filter(plan=plan).order_by("position").first()
    a = "admin:plans_activity_changelist"
    i = "admin:plans_indicator_changelist"
    r = "admin:monitoring_realization_changelist"
    f = "admin:monitoring_figurechange_changelist"
    out = [
        ("dashboard: plan list", "unit", reverse("monitoring:plan_list"), {}, "page"),
        ("dashboard: overview", "unit", reverse("monitoring:overview", args=[plan.pk]), {}, "page"),
        (
            "dashboard: indicator table",
            "unit",
            reverse("monitoring:indicator_table", args=[plan.pk]),
            {},
            "page",
        ),
        (
            "dashboard: theme",
            "unit",
            reverse("monitoring:theme", args=[plan.pk, theme.pk]),
            {},
            "page",
        ),
        (
            "report xlsx",
            "unit",
            reverse("monitoring:report_xlsx", args=[plan.pk]),
            {"year": 2025},
            "page",
        ),
        (
            "yearly entry (150 indicators)",
            "unit",
            reverse("admin:monitoring_realization_yearly_entry"),
            {"plan": plan.pk, "year": 2025},
            "entry",
        ),
    ]
    for label, name in (
        ("activities", a),
        ("indicators", i),
        ("realizations", r),
        ("audit (FigureChange)", f),
    ):
        url = reverse(name)
        out.append((f"admin {label}", "unit", url, {}, "page"))
        out.append((f"admin {label}, search", "unit", url, {"q": SEARCH}, "page"))
    out.append(("dashboard: plan list", "platform", reverse("monitoring:plan_list"), {}, ""))
    for label, name in (
        ("activities", a),
        ("indicators", i),
        ("realizations", r),
        ("audit (FigureChange)", f),
    ):
        url = reverse(name)
        out.append((f"admin {label}", "platform", url, {}, ""))
        out.append((f"admin {label}, search", "platform", url, {"q": SEARCH}, "search"))
    return out


def clients(dbs: Databases) -> dict[tuple[str, str], object]:
    """A signed-in test Client per (database, who): each session lives in its database."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    out = {}
    for name in (ALONE_DB, NATION_DB):
        dbs.use(name)
        for who, username in (("unit", "esitlik"), ("platform", "platform")):
            c = Client()
            c.force_login(get_user_model().objects.get(username=username))
            out[name, who] = c
    return out


def timed(client, url: str, query: dict, cpu: list | None = None) -> float:
    """Wall time of one request (ms); its Python CPU time is appended to ``cpu``."""
    started, cpu_started = time.perf_counter(), time.process_time()
    response = client.get(url, query)
    if response.status_code != 200:
        raise SystemExit(f"{url} {query}: HTTP {response.status_code}")
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)
    if cpu is not None:
        cpu.append((time.process_time() - cpu_started) * 1000)
    return (time.perf_counter() - started) * 1000


def query_count(client, url: str, query: dict) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        timed(client, url, query)
    return len(ctx.captured_queries)


def measure(dbs: Databases, runs: int, only: str = "") -> list[tuple]:
    users = clients(dbs)
    dbs.use(ALONE_DB)
    todo = [p for p in pages() if only in p[0]]
    results = []
    for label, who, url, query, goal in todo:
        times: dict[str, list[float]] = {ALONE_DB: [], NATION_DB: []}
        cpu: list[float] = []  # the nation's, Python only (what the machine's load hides)
        counts = {}
        for name in (ALONE_DB, NATION_DB):  # warm up: templates, caches; count queries
            dbs.use(name)
            timed(users[name, who], url, query)
            counts[name] = query_count(users[name, who], url, query)
        for _ in range(runs):
            for name in (ALONE_DB, NATION_DB):
                dbs.use(name)
                times[name].append(
                    timed(users[name, who], url, query, cpu if name == NATION_DB else None)
                )
        results.append(
            (
                label,
                who,
                goal,
                statistics.median(times[ALONE_DB]),
                statistics.median(times[NATION_DB]),
                counts[ALONE_DB],
                counts[NATION_DB],
                statistics.median(cpu),
            )
        )
        print(".", end="", flush=True)
    print()
    return results


def verdict(goal: str, alone: float, nation: float) -> str:
    if goal == "page":
        ok = nation <= PAGE_GOAL_MS and nation <= GROWTH_GOAL * alone
        return f"<= {GROWTH_GOAL:g}x, <= {PAGE_GOAL_MS:g} ms: {'ok' if ok else 'MISSED'}"
    if goal == "search":
        return f"<= {SEARCH_GOAL_MS:g} ms: {'ok' if nation <= SEARCH_GOAL_MS else 'MISSED'}"
    if goal == "entry":
        return f"<= {ENTRY_GOAL_MS:g} ms: {'ok' if nation <= ENTRY_GOAL_MS else 'MISSED'}"
    return ""


def report(results: list[tuple], n: int, runs: int) -> bool:
    width = max(len(r[0]) for r in results) + 2
    print(
        f"\nMedian server time (ms) of {runs} requests per page, alone (1 municipality) and "
        f"nation ({n}), alternating; queries per request; cpu: the nation's median Python "
        "CPU time (ms), the part of the wall time that does not wait for the database or "
        "for a busy machine"
    )
    print(f"Load average at the start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    head = (
        f"{'page'.ljust(width)}{'who':<10}{'alone':>8}{'nation':>8}{'growth':>8}"
        f"{'queries':>10}{'cpu':>7}  goal"
    )
    print(head)
    print("-" * len(head))
    met = True
    for label, who, goal, alone, nation, qa, qn, cpu in results:
        v = verdict(goal, alone, nation)
        met &= "MISSED" not in v
        q = f"{qa}" if qa == qn else f"{qa}/{qn}"
        print(
            f"{label.ljust(width)}{who:<10}{alone:>8.1f}{nation:>8.1f}"
            f"{nation / alone:>7.2f}x{q:>10}{cpu:>7.0f}  {v}"
        )
    print(f"\nGoals: {'met' if met else 'NOT met'}")
    return met


def main() -> int:
    global NATION_DB, ALONE_DB
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--municipalities", type=int, default=300)
    parser.add_argument("--runs", type=int, default=9, help="requests per page and database")
    parser.add_argument("--keep", action="store_true", help="leave the databases")
    parser.add_argument("--reuse", action="store_true", help="use databases already built")
    parser.add_argument("--only", default="", help="time only pages whose label has this")
    parser.add_argument(
        "--name", default=NATION_DB, help="database name (+ _alone for the one municipality)"
    )
    args = parser.parse_args()
    NATION_DB, ALONE_DB = args.name, f"{args.name}_alone"

    url = server_url()
    setup_django(url)
    dbs = Databases()
    try:
        reuse = (
            args.reuse
            and exists(url, NATION_DB)
            and exists(url, ALONE_DB)
            and built_count(dbs, NATION_DB) == args.municipalities
            and built_count(dbs, ALONE_DB) == 1
        )
        if reuse:
            from django.core.management import call_command

            for name in (ALONE_DB, NATION_DB):  # the code may have new migrations
                dbs.use(name)
                call_command("migrate", verbosity=0)
            print("Reusing the databases built before")
        else:
            build(dbs, url, args.municipalities)
        print(f"Nation: {sizes(dbs)}")
        results = measure(dbs, args.runs, args.only)
        return 0 if report(results, args.municipalities, args.runs) else 1
    finally:
        dbs.close()
        if not args.keep:
            drop(url, NATION_DB)
            drop(url, ALONE_DB)


if __name__ == "__main__":
    sys.exit(main())
