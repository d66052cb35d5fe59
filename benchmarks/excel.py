"""Excel speed and memory benchmark, run by hand:

    .venv/bin/python benchmarks/excel.py [--indicators 10000] [--repeat 3] [--save DIR]
                                         [--profile] [--tracemalloc]

Builds a plan of N indicators (2-3 per activity, 8 themes of 4 goals, targets for
2024-2026, realizations for 2024) with bulk inserts in a throwaway database, then
measures, each against a bare baseline over the same data:

1. plan import (``monitoring.excel.plan_table.import_plan``) of our own report export of the plan
   vs. one openpyxl read-only pass over the same bytes; goal: at most 3x;
2. realization import (``monitoring.excel.realization_form.import_realizations``) of the
   filled-in 2025 form vs. a plain django-import-export ``ModelResource`` importing the
   same rows for 2026; goal: ours at least 10x faster;
3. report export (``monitoring.excel.report.report_bytes``) vs. writing the same cells with
   openpyxl write-only; goal: at most 3x;
4. peak memory of the whole run (``ru_maxrss``); goal: under 300 MB.

Every time printed, ours and the baselines alike, is the best of ``--repeat`` runs (3 by
default), the way ``timeit`` reports: the imports run for real in a transaction rolled
back before the run that keeps its writes, so each run starts from the same database.

The database: a fresh temporary SQLite file, removed at the end; with DATABASE_URL set,
a throwaway test database next to it (``test_<name>_bench``, created and destroyed the
way Django's test runner does). The developer's database is never touched.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import multiprocessing
import os
import pstats
import resource
import shutil
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

YEARS = (2024, 2025, 2026)
THEMES = [
    "KADIN İSTİHDAMI",
    "EĞİTİM",
    "SAĞLIK",
    "ŞİDDETLE MÜCADELE",
    "KATILIM",
    "KENT HİZMETLERİ",
    "SOSYAL HİZMETLER",
    "KURUMSAL KAPASİTE",
]
GOALS_PER_THEME = 4
INDICATOR_NAMES = [
    "Düzenlenen eğitim sayısı",
    "Eğitime katılan kadın sayısı",
    "Ulaşılan kişi sayısı",
]
PERCENT_NAME = "Kadın personel oranı"
UNITS = [
    "Kadın ve Aile Hizmetleri Dairesi Başkanlığı",
    "Sosyal Hizmetler Dairesi Başkanlığı",
    "İnsan Kaynakları ve Eğitim Dairesi Başkanlığı",
    "Sağlık İşleri Dairesi Başkanlığı",
    "Kültür ve Sosyal İşler Dairesi Başkanlığı",
    "Strateji Geliştirme Dairesi Başkanlığı",
]
PARTNERS = ["İl Sağlık Müdürlüğü", "Mersin Üniversitesi", "Kadın Kooperatifleri Birliği"]

GOAL_RATIO = 3.0  # ours / baseline, at most (plan import, report export)
SPEEDUP_GOAL = 10.0  # baseline / ours, at least (realization import)
MEMORY_GOAL_MB = 300.0


# ------------------------------------------------------------------ database


def setup_database() -> tuple[str, callable]:
    """Point Django at a throwaway database and migrate it. Returns (description,
    teardown)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yeep.settings")
    env_url = os.environ.get("DATABASE_URL", "").strip()
    tmpdir = Path(tempfile.mkdtemp(prefix="yeep-bench-"))
    if not env_url:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmpdir / 'bench.sqlite3'}"

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.DEBUG = False  # no query log (as under Django's test runner)

    if not env_url:
        call_command("migrate", verbosity=0)
        desc = f"sqlite (temporary file {settings.DATABASES['default']['NAME']})"

        def teardown():
            connection.close()
            shutil.rmtree(tmpdir, ignore_errors=True)

        return desc, teardown

    # DATABASE_URL given: never use that database, create a test one beside it.
    db = settings.DATABASES["default"]
    test = db.setdefault("TEST", {})
    if connection.vendor == "sqlite":
        test["NAME"] = str(tmpdir / "bench.sqlite3")
    else:
        test["NAME"] = f"test_{db['NAME']}_bench"
    old_name = db["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    desc = f"{connection.vendor} (throwaway test database {db['NAME']!s}"
    if db.get("HOST"):
        desc += f" on {db['HOST']}:{db.get('PORT') or ''}".rstrip(":")
    desc += "; DATABASE_URL's own database untouched)"

    def teardown():
        connection.creation.destroy_test_db(old_name, verbosity=0)
        shutil.rmtree(tmpdir, ignore_errors=True)

    return desc, teardown


# ------------------------------------------------------------------ the plan


def activity_sizes(n: int) -> list[int]:
    """2 and 3 indicators per activity, alternately, n in all."""
    sizes, k = [], 0
    while n > 0:
        s = min(2 if k % 2 == 0 else 3, n)
        sizes.append(s)
        n -= s
        k += 1
    return sizes


def build_plan(n_indicators: int):
    """A plan of n indicators with bulk inserts: themes, goals, activities with
    responsible and partner units, indicators, targets for every year, realizations for
    2024."""
    from monitoring.models import Realization
    from plans.models import (
        Activity,
        Goal,
        Indicator,
        Municipality,
        Plan,
        Target,
        Theme,
        Unit,
        ValueType,
    )
    from plans.text import tr_capitalize, unit_key

    mun = Municipality.objects.create(name="Deneme Büyükşehir Belediyesi", slug="deneme-bsb")
    units = [Unit(municipality=mun, name=n) for n in UNITS]
    partners = [Unit(municipality=mun, name=n, kind=Unit.Kind.EXTERNAL) for n in PARTNERS]
    for u in units + partners:
        u.key = unit_key(u.name)  # bulk_create skips Unit.save(), which sets it
    Unit.objects.bulk_create(units + partners)
    plan = Plan.objects.create(
        municipality=mun,
        title="Yerel Eşitlik Eylem Planı",
        first_year=YEARS[0],
        last_year=YEARS[-1],
        status=Plan.Status.IN_FORCE,
    )
    themes = Theme.objects.bulk_create(
        Theme(plan=plan, code=str(i + 1), title=t, position=i + 1) for i, t in enumerate(THEMES)
    )
    goals = Goal.objects.bulk_create(
        Goal(
            theme=th,
            code=f"{th.code}.{g + 1}",
            title=f"{tr_capitalize(th.title)} alanında kadın ve erkeklerin eşit fırsatlara "
            f"erişimi güçlendirilecek ({g + 1})",
            position=g + 1,
        )
        for th in themes
        for g in range(GOALS_PER_THEME)
    )
    sizes = activity_sizes(n_indicators)
    n_acts = len(sizes)
    acts: list[Activity] = []
    pos_in_theme: dict[int, int] = {}
    pos_in_goal: dict[int, int] = {}
    for i in range(n_acts):
        goal = goals[i * len(goals) // n_acts]
        theme = themes[(i * len(goals) // n_acts) // GOALS_PER_THEME]
        pos_in_theme[theme.pk] = pos_in_theme.get(theme.pk, 0) + 1
        pos_in_goal[goal.pk] = pos_in_goal.get(goal.pk, 0) + 1
        acts.append(
            Activity(
                theme=theme,
                goal=goal,
                code=f"{goal.code}.{pos_in_goal[goal.pk]}",
                position=pos_in_theme[theme.pk],
                title=f"Kadınlara yönelik mesleki eğitim ve danışmanlık programlarının "
                f"düzenlenmesi, faaliyet {i + 1}",
            )
        )
    Activity.objects.bulk_create(acts, batch_size=2000)
    resp = Activity.responsible_units.through
    resp.objects.bulk_create(
        (
            resp(activity_id=a.pk, unit_id=u.pk)
            for i, a in enumerate(acts)
            for u in {units[i % len(units)], units[(i * 7 + 1) % len(units)]}
        ),
        batch_size=2000,
    )
    part = Activity.partner_units.through
    part.objects.bulk_create(
        (
            part(activity_id=a.pk, unit_id=partners[i % len(partners)].pk)
            for i, a in enumerate(acts)
            if i % 2 == 0
        ),
        batch_size=2000,
    )
    inds: list[Indicator] = []
    for a, size in zip(acts, sizes, strict=True):
        for j in range(size):
            k = len(inds)
            percent = j == 2 and k % 5 == 0
            base = 20 + k % 30 if percent else k % 40
            inds.append(
                Indicator(
                    activity=a,
                    position=j + 1,
                    name=PERCENT_NAME if percent else INDICATOR_NAMES[j],
                    value_type=ValueType.PERCENT if percent else ValueType.COUNT,
                    unit_of_measure="%" if percent else "",
                    baseline_value=Decimal(base),
                    baseline_raw=f"%{base}" if percent else str(base),
                )
            )
    Indicator.objects.bulk_create(inds, batch_size=2000)
    targets, reals = [], []
    for k, ind in enumerate(inds):
        pct = ind.value_type == ValueType.PERCENT
        for n, y in enumerate(YEARS):
            v = int(ind.baseline_value) + 5 * (n + 1) + k % 7
            targets.append(
                Target(indicator=ind, year=y, value=Decimal(v), raw_text=f"%{v}" if pct else str(v))
            )
        v = int(ind.baseline_value) + 3 + k % 9
        reals.append(
            Realization(
                indicator=ind,
                year=2024,
                value=Decimal(v),
                raw_text=f"%{v}" if pct else str(v),
                status=Realization.Status.APPROVED,
            )
        )
    Target.objects.bulk_create(targets, batch_size=2000)
    Realization.objects.bulk_create(reals, batch_size=2000)
    return plan


# ------------------------------------------------------------------ helpers


def maxrss_mb() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


class Runner:
    """Times (and, if asked, profiles or traces) one operation of ours."""

    def __init__(self, profile: bool, trace: bool, repeat: int = 3):
        self.profile, self.trace = profile, trace
        self.repeat = max(1, repeat)
        self.profiles: dict[str, pstats.Stats] = {}
        self.heap_peaks: dict[str, float] = {}
        self.rss_after: list[tuple[str, float]] = []
        self.runs: dict[str, list[float]] = {}

    def ours(self, name: str, fn, rehearse=None):
        """``fn()``'s result and the best time of ``repeat`` runs: ``repeat - 1`` runs
        of ``rehearse`` (the same work, then rolled back) or of ``fn`` itself,
        then ``fn`` for good (profiled or traced, when asked, is that last run only)."""
        times = []
        for _ in range(self.repeat - 1):
            t0 = time.perf_counter()
            (rehearse or fn)()
            times.append(time.perf_counter() - t0)
        result, elapsed = self._once(name, fn)
        self.runs[name] = [*times, elapsed]
        return result, min(self.runs[name])

    def _once(self, name: str, fn):
        prof = cProfile.Profile() if self.profile else None
        if self.trace:
            tracemalloc.start()
        t0 = time.perf_counter()
        if prof:
            prof.enable()
        result = fn()
        if prof:
            prof.disable()
        elapsed = time.perf_counter() - t0
        if self.trace:
            self.heap_peaks[name] = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
        if prof:
            self.profiles[name] = pstats.Stats(prof)
        self.note(name)
        return result, elapsed

    def note(self, step: str) -> None:
        self.rss_after.append((step, maxrss_mb()))


def best_of(n: int, fn, *args) -> float:
    times = [float("inf")]
    for _ in range(n):
        t0 = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - t0)
    return min(times)


class _Rollback(Exception):
    pass


def rolled_back(fn, **kwargs) -> None:
    """Run ``fn`` for real (every write) in a transaction, then roll it back."""
    from django.db import transaction

    try:
        with transaction.atomic():
            fn(**kwargs)
            raise _Rollback
    except _Rollback:
        pass


def read_values(data: bytes) -> list[tuple]:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    rows = [row for ws in wb.worksheets for row in ws.iter_rows(values_only=True)]
    wb.close()
    return rows


def fill_form(form: bytes) -> tuple[bytes, list[tuple[int, int]], str]:
    """The 2025 form with a number in every indicator's Gerçekleşme cell; runs in a child
    process so openpyxl's full (not read-only) load does not count in our peak memory."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    wb = load_workbook(io.BytesIO(form))
    ws = wb.worksheets[0]
    header = [c.value for c in ws[3]]
    real_col = header.index("Gerçekleşme") + 1
    key_col = header.index("yeep:gösterge") + 1
    filled: list[tuple[int, int]] = []
    for row in ws.iter_rows(min_row=4):
        key = row[key_col - 1].value if len(row) >= key_col else None
        if isinstance(key, int):
            value = 1 + (key * 7) % 60
            row[real_col - 1].value = value
            filled.append((key, value))
    out = io.BytesIO()
    wb.save(out)
    where = f"Gerçekleşme = column {get_column_letter(real_col)}, "
    where += f"yeep:gösterge = column {get_column_letter(key_col)}"
    return out.getvalue(), filled, where


def in_child(fn, *args):
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(1) as pool:
        return pool.apply(fn, args)


def realization_resource():
    from import_export import resources

    from monitoring.models import Realization

    class RealizationResource(resources.ModelResource):
        class Meta:
            model = Realization
            fields = ("id", "indicator", "year", "value", "raw_text", "state")
            import_id_fields = ("indicator", "year")

    return RealizationResource()


# ------------------------------------------------------------------ the run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--indicators", type=int, default=10_000, help="default: 10000")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="run our three operations under cProfile and print the top 15 (slower)",
    )
    parser.add_argument(
        "--tracemalloc",
        action="store_true",
        help="trace Python heap peaks of our operations (much slower timings)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        metavar="N",
        help="time every operation, ours and baselines, as the best of N runs (default 3)",
    )
    parser.add_argument(
        "--save", metavar="DIR", help="also write the report and the filled form to DIR"
    )
    args = parser.parse_args()
    n = args.indicators
    started = time.perf_counter()

    db_desc, teardown = setup_database()
    try:
        return run(
            n, db_desc, Runner(args.profile, args.tracemalloc, args.repeat), started, args.save
        )
    finally:
        teardown()


def run(n: int, db_desc: str, runner: Runner, started: float, save: str | None = None) -> int:
    from django.conf import settings
    from openpyxl import Workbook, load_workbook
    from tablib import Dataset

    from monitoring.excel.plan_table import import_plan
    from monitoring.excel.realization_form import import_realizations
    from monitoring.excel.report import report_bytes
    from monitoring.models import Realization
    from plans.models import Indicator

    print(f"DB: {db_desc}")
    print(f"Plan: {n} indicators")
    runner.note("migrate")

    t0 = time.perf_counter()
    plan = build_plan(n)
    n_acts = len(activity_sizes(n))
    print(f"  built with bulk inserts in {time.perf_counter() - t0:.1f}s: ", end="")
    print(f"{len(THEMES)} themes, {len(THEMES) * GOALS_PER_THEME} goals, {n_acts} activities")
    runner.note("build plan")

    # 3. report export ------------------------------------------------------------------
    report, t_export = runner.ours("report export", lambda: report_bytes(plan, 2024))
    if save:
        Path(save).mkdir(parents=True, exist_ok=True)
        (Path(save) / "report-2024.xlsx").write_bytes(report)
    cells = read_values(report)
    width = max(len(r) for r in cells)
    print(f"  report: {len(report) / 2**20:.2f} MB, {len(cells)} rows x {width} columns")

    def write_only(rows):
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("2024 Gerçekleşme")
        for row in rows:
            ws.append(row)
        buf = io.BytesIO()
        wb.save(buf)
        return buf

    t_write = best_of(runner.repeat, write_only, cells)
    del cells
    runner.note("export baseline")

    # 1. plan import --------------------------------------------------------------------
    settings.UPLOAD_MAX_BYTES = max(settings.UPLOAD_MAX_BYTES, len(report) + 1)  # big --indicators

    def read_only():
        wb = load_workbook(io.BytesIO(report), read_only=True, data_only=True)
        for ws in wb.worksheets:
            for _row in ws.iter_rows(values_only=True):
                pass
        wb.close()

    t_read = best_of(runner.repeat, read_only)
    runner.note("read-only baseline")
    result, t_import = runner.ours(
        "plan import",
        lambda: import_plan(source=report, municipality_name="Tarsus Belediyesi", dry_run=False),
        rehearse=lambda: rolled_back(
            import_plan, source=report, municipality_name="Tarsus Belediyesi"
        ),
    )
    copy = result.plan
    got = Indicator.objects.filter(activity__theme__plan=copy).count()
    assert got == n, f"plan import stored {got} indicators, expected {n}"
    print(
        f"  plan import stored {result.summary.indicators} indicators, "
        f"{result.summary.targets} targets, {result.summary.realizations} realizations "
        f"({len(result.warnings)} warnings)"
    )

    # 2. realization import -------------------------------------------------------------
    form = report_bytes(plan, 2025, with_realizations=False)
    filled, values, where = in_child(fill_form, form)
    del form
    if save:
        (Path(save) / "form-2025-filled.xlsx").write_bytes(filled)
    print(f"  2025 form: {len(filled) / 2**20:.2f} MB, {len(values)} figures filled ({where})")
    runner.note("fill 2025 form (child process)")
    in_plan = Realization.objects.filter(indicator__activity__theme__plan=plan)
    assert not in_plan.filter(year__in=(2025, 2026)).exists()
    res, t_real = runner.ours(
        "realization import",
        lambda: import_realizations(source=filled, year=2025, plan=plan),
        rehearse=lambda: rolled_back(import_realizations, source=filled, year=2025, plan=plan),
    )
    got = in_plan.filter(year=2025).count()
    assert got == n == res.counts["new"], f"realization import: {got} rows, {res.counts}"

    dataset = Dataset(headers=["id", "indicator", "year", "value", "raw_text", "state"])
    for key, value in values:
        dataset.append(["", key, 2026, value, str(value), "value"])
    resource_ = realization_resource()
    # best of N like ours: N - 1 dry runs (rolled back), then the one that stores
    t_ie = best_of(
        runner.repeat - 1,
        lambda: resource_.import_data(
            dataset, dry_run=True, raise_errors=True, use_transactions=True
        ),
    )
    t0 = time.perf_counter()
    ie = resource_.import_data(dataset, dry_run=False, raise_errors=True, use_transactions=True)
    t_ie = min(t_ie, time.perf_counter() - t0)
    runner.note("django-import-export baseline")
    got = in_plan.filter(year=2026).count()
    assert got == n and not ie.has_errors(), f"django-import-export: {got} rows, {ie.totals}"
    print(f"  realizations stored: 2025 (ours) {n}, 2026 (django-import-export) {got}")
    flat = dataset.export("xlsx")
    t_tablib = best_of(runner.repeat, lambda: Dataset().load(flat, format="xlsx"))
    print(
        f"  for reference: tablib reading those {n} rows from a flat .xlsx takes "
        f"{t_tablib:.2f}s (not part of the baseline, which starts from the Dataset)"
    )
    assert in_plan.filter(year=2025, value__isnull=False).count() == n

    # ------------------------------------------------------------------ the table
    peak = maxrss_mb()
    rows = [
        (
            "1. plan import (import_plan)",
            t_import,
            t_read,
            f"{t_import / t_read:.1f}x",
            f"<= {GOAL_RATIO:g}x",
            t_import / t_read <= GOAL_RATIO,
            "openpyxl read-only pass",
        ),
        (
            "2. realization import",
            t_real,
            t_ie,
            f"{t_ie / t_real:.1f}x faster",
            f">= {SPEEDUP_GOAL:g}x faster",
            t_ie / t_real >= SPEEDUP_GOAL,
            "django-import-export ModelResource",
        ),
        (
            "3. report export (report_bytes)",
            t_export,
            t_write,
            f"{t_export / t_write:.1f}x",
            f"<= {GOAL_RATIO:g}x",
            t_export / t_write <= GOAL_RATIO,
            "openpyxl write-only, same cells",
        ),
    ]
    head = ("phase", "ours (s)", "baseline (s)", "ratio", "goal", "verdict", "baseline is")
    table = [
        (p, f"{o:.2f}", f"{b:.2f}", r, g, "OK" if ok else "OVER", what)
        for p, o, b, r, g, ok, what in rows
    ]
    table.append(
        (
            "4. peak memory (ru_maxrss)",
            f"{peak:.0f} MB",
            "-",
            "-",
            f"< {MEMORY_GOAL_MB:g} MB",
            "OK" if peak < MEMORY_GOAL_MB else "OVER",
            "whole process",
        )
    )
    widths = [max(len(str(r[i])) for r in [head, *table]) for i in range(len(head))]
    print()
    if runner.profile or runner.trace:
        print("NOTE: timings of ours taken under cProfile/tracemalloc; verdicts are pessimistic.")
    line = "  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True))
    print(line)
    print("-" * len(line))
    for r in table:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)))
    print()
    for name, times in runner.runs.items():
        print(f"Runs of ours, {name} (s): " + ", ".join(f"{t:.2f}" for t in times))
    steps = ", ".join(f"{s} {m:.0f}" for s, m in runner.rss_after)
    print(f"Peak RSS after each step (MB): {steps}")
    if runner.heap_peaks:
        print(
            "tracemalloc heap peaks (MB): "
            + ", ".join(f"{s} {m:.0f}" for s, m in runner.heap_peaks.items())
        )
    for name, stats in runner.profiles.items():
        print(f"\n--- cProfile: {name}, top 15 by cumulative time ---")
        stats.sort_stats("cumulative").print_stats(30)
    print(f"Total run time: {time.perf_counter() - started:.0f}s")
    return 0 if all(r[5] == "OK" for r in table) else 1


if __name__ == "__main__":
    sys.exit(main())
