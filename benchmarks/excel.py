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
import pstats
import resource
import sys
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import _common as common  # noqa: E402
from benchmarks import workbooks  # noqa: E402
from benchmarks._common import THEMES  # noqa: E402

YEARS = (2024, 2025, 2026)
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

GOAL_RATIO = 3.0  # ours / baseline, at most (plan import, report export)
SPEEDUP_GOAL = 10.0  # baseline / ours, at least (realization import)
MEMORY_GOAL_MB = 300.0


# ------------------------------------------------------------------ database


def setup_database() -> tuple[str, callable]:
    """Point Django at a throwaway database and migrate it. Returns (description,
    teardown)."""
    return common.setup_database("bench", test_environment=False, describe_server=True)


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
    from plans.models import Municipality, Plan
    from plans.text import tr_capitalize

    mun = Municipality.objects.create(name="Deneme Büyükşehir Belediyesi", slug="deneme-bsb")
    units, partners = common.create_units(mun, UNITS)
    plan = Plan.objects.create(
        municipality=mun,
        title="Yerel Eşitlik Eylem Planı",
        first_year=YEARS[0],
        last_year=YEARS[-1],
        status=Plan.Status.IN_FORCE,
    )
    themes, goals = common.create_themes_and_goals(
        plan,
        GOALS_PER_THEME,
        lambda theme, g: (
            f"{tr_capitalize(theme)} alanında kadın ve erkeklerin eşit fırsatlara "
            f"erişimi güçlendirilecek ({g})"
        ),
    )
    sizes = activity_sizes(n_indicators)
    acts = create_activities(themes, goals, len(sizes))
    link_units(acts, units, partners)
    inds = create_indicators(acts, sizes)
    create_figures(inds)
    return plan


def create_activities(themes, goals, n_acts: int) -> list:
    """n activities spread evenly over the goals, numbered within their goal (code) and
    their theme (position)."""
    from plans.models import Activity

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
    return acts


def link_units(acts, units, partners) -> None:
    """One or two responsible units for every activity, a partner for every other one."""
    from plans.models import Activity

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


def create_indicators(acts, sizes: list[int]) -> list:
    """``sizes[i]`` indicators for activity i: counts, and now and then a percentage as
    the third."""
    from plans.models import Indicator, ValueType

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
    return inds


def create_figures(inds) -> None:
    """A target for every indicator and year, an approved realization for 2024."""
    from monitoring.models import Realization
    from plans.models import Target, ValueType

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
    print(f"DB: {db_desc}")
    print(f"Plan: {n} indicators")
    runner.note("migrate")

    t0 = time.perf_counter()
    plan = build_plan(n)
    n_acts = len(activity_sizes(n))
    print(f"  built with bulk inserts in {time.perf_counter() - t0:.1f}s: ", end="")
    print(f"{len(THEMES)} themes, {len(THEMES) * GOALS_PER_THEME} goals, {n_acts} activities")
    runner.note("build plan")

    report, t_export, t_write = measure_export(plan, runner, save)  # 3.
    t_import, t_read = measure_plan_import(report, n, runner)  # 1.
    t_real, t_ie = measure_realization_import(plan, n, runner, save)  # 2.

    table = goals_table(t_import, t_read, t_real, t_ie, t_export, t_write)
    print_results(table, runner, started)
    return 0 if all(r[5] == "OK" for r in table) else 1


def measure_export(plan, runner: Runner, save: str | None) -> tuple[bytes, float, float]:
    """3. report export: (the 2024 report, ours, baseline)."""
    from monitoring.excel.report import report_bytes

    report, t_export = runner.ours("report export", lambda: report_bytes(plan, 2024))
    if save:
        Path(save).mkdir(parents=True, exist_ok=True)
        (Path(save) / "report-2024.xlsx").write_bytes(report)
    cells = workbooks.read_values(report)
    width = max(len(r) for r in cells)
    print(f"  report: {len(report) / 2**20:.2f} MB, {len(cells)} rows x {width} columns")
    t_write = best_of(runner.repeat, workbooks.write_only, cells)
    del cells
    runner.note("export baseline")
    return report, t_export, t_write


def measure_plan_import(report: bytes, n: int, runner: Runner) -> tuple[float, float]:
    """1. plan import of the report as a new plan: (ours, baseline)."""
    from django.conf import settings

    from monitoring.excel.plan_table import import_plan
    from plans.models import Indicator

    settings.UPLOAD_MAX_BYTES = max(settings.UPLOAD_MAX_BYTES, len(report) + 1)  # big --indicators
    t_read = best_of(runner.repeat, workbooks.read_only_pass, report)
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
    return t_import, t_read


def measure_realization_import(
    plan, n: int, runner: Runner, save: str | None
) -> tuple[float, float]:
    """2. realization import of the filled-in 2025 form: (ours, baseline)."""
    from monitoring.excel.realization_form import import_realizations
    from monitoring.excel.report import report_bytes
    from monitoring.models import Realization

    form = report_bytes(plan, 2025, with_realizations=False)
    filled, values, where = workbooks.in_child(workbooks.fill_form, form)
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
    t_ie = measure_import_export(values, n, in_plan, runner)
    assert in_plan.filter(year=2025, value__isnull=False).count() == n
    return t_real, t_ie


def measure_import_export(values, n: int, in_plan, runner: Runner) -> float:
    """The realization import's baseline: django-import-export storing the same figures
    for 2026 from a tablib Dataset (and, for reference, tablib reading them from .xlsx)."""
    from tablib import Dataset

    dataset = Dataset(headers=["id", "indicator", "year", "value", "raw_text", "state"])
    for key, value in values:
        dataset.append(["", key, 2026, value, str(value), "value"])
    resource_ = workbooks.realization_resource()
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
    return t_ie


# ------------------------------------------------------------------ the table


def goals_table(t_import, t_read, t_real, t_ie, t_export, t_write) -> list[tuple]:
    """A row per phase: (phase, ours, baseline, ratio, goal, verdict, baseline is)."""
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
    return table


def print_results(table: list[tuple], runner: Runner, started: float) -> None:
    """The table, every run of ours, the peaks after each step, the profiles."""
    head = ("phase", "ours (s)", "baseline (s)", "ratio", "goal", "verdict", "baseline is")
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


if __name__ == "__main__":
    sys.exit(main())
