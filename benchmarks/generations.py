"""Plan generations speed benchmark, run by hand:

    .venv/bin/python benchmarks/generations.py [--activities 1000] [--runs 3]

Builds a plan (benchmarks/dashboard.py's: 3 indicators per activity, targets for 5
years, realizations for three) in a throwaway database, then makes its revision (the
structure and every target cell copied through the target writer, audited) and its
next plan (the structure, baselines from the last realizations) ``--runs`` times each,
and prints the best time and the number of queries of each. The query count does not
depend on the plan's size (tests/test_generations.py checks that); the time is the
database's and the target writer's.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.dashboard import build_plan, setup_database  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--activities", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    where, teardown = setup_database()
    try:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from monitoring.generations import plan_generation_create
        from plans.models import Indicator, Plan, Target

        plan = build_plan(args.activities, seed=1)
        n_ind = Indicator.objects.filter(activity__theme__plan=plan).count()
        n_tgt = Target.objects.filter(indicator__activity__theme__plan=plan).count()
        print(f"{where}: {n_ind} indicators, {n_tgt} target rows")
        for kind in (Plan.Kind.REVISION, Plan.Kind.NEXT):
            times = []
            for run in range(args.runs):
                first = plan.first_year if kind == Plan.Kind.REVISION else plan.last_year + 1 + run
                last = plan.last_year if kind == Plan.Kind.REVISION else first + 2
                title = plan.title if kind == Plan.Kind.REVISION else f"{plan.title} {first}"
                with CaptureQueriesContext(connection) as q:
                    started = time.perf_counter()
                    plan_generation_create(
                        plan, kind=kind, title=title, first_year=first, last_year=last, user=None
                    )
                    times.append(time.perf_counter() - started)
            print(f"{kind:9} best {min(times):.2f} s of {args.runs}, {len(q)} queries")
    finally:
        teardown()


if __name__ == "__main__":
    main()
