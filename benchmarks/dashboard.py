"""Dashboard speed benchmark, run by hand:

    .venv/bin/python benchmarks/dashboard.py [--runs 15] [--activities 1000]

Builds two plans in a throwaway database with bulk inserts: one of 1,000 activities,
3,000 indicators and 5 years (targets for every year, realizations for the first three),
and one ten times smaller. Then asks every dashboard page of both through Django's test
Client, signed in, and prints the median server time of each page for both sizes and the
ratio large / small.

Goal: the overview and the paginated indicator table take at most twice as long for the
large plan as for the small one.

"warm" is the ordinary case: the plan's snapshot (every indicator assessed for every
year) is in the cache because the data has not changed since the last visit. "cold"
clears the cache before each request: the first visit after a change of the data.

The database: a fresh temporary SQLite file, removed at the end; with DATABASE_URL set,
a throwaway test database beside it (``test_<name>_dashbench``); the developer's
database is never touched.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import _common as common  # noqa: E402

YEARS = (2024, 2025, 2026, 2027, 2028)
YEARS_WITH_DATA = YEARS[:3]
INDICATORS_PER_ACTIVITY = 3
GOALS_PER_THEME = 4
UNITS = [
    f"{name} Dairesi Başkanlığı"
    for name in (
        "Kadın ve Aile Hizmetleri",
        "Sosyal Hizmetler",
        "İnsan Kaynakları ve Eğitim",
        "Sağlık İşleri",
        "Kültür ve Sosyal İşler",
        "Strateji Geliştirme",
        "Gençlik ve Spor Hizmetleri",
        "Ulaşım",
        "İmar ve Şehircilik",
        "Park ve Bahçeler",
        "Tarımsal Hizmetler",
        "Basın Yayın ve Halkla İlişkiler",
        "Bilgi İşlem",
        "Destek Hizmetleri",
        "Çevre Koruma ve Kontrol",
        "Zabıta",
        "Muhtarlık İşleri",
        "İtfaiye",
        "Emlak ve İstimlak",
        "Mali Hizmetler",
    )
]
GOAL_RATIO = 2.0  # large / small, at most, for the overview and the paginated table


# ------------------------------------------------------------------ database


def setup_database():
    """Point Django at a throwaway database and migrate it. Returns (description,
    teardown)."""
    return common.setup_database("dashbench", test_environment=True, describe_server=False)


# ------------------------------------------------------------------ the plan


def build_plan(n_activities: int, seed: int):
    """A plan of n activities, 3 indicators each, with bulk inserts: 8 themes of 4 goals,
    one or two of 20 responsible units and a partner per activity, a target for every
    one of 5 years (a dash now and then, some percentages), realizations for the first
    three years spread around the targets (some missing, some over), deviation reasons
    for some of those behind."""
    from plans.models import Municipality, Plan
    from plans.text import tr_capitalize

    rnd = random.Random(seed)
    mun = Municipality.objects.create(
        name=f"Deneme {n_activities} Belediyesi", slug=f"deneme-{n_activities}"
    )
    units, partners = common.create_units(mun, UNITS)
    plan = Plan.objects.create(
        municipality=mun,
        title=f"Yerel Eşitlik Eylem Planı ({n_activities} faaliyet)",
        first_year=YEARS[0],
        last_year=YEARS[-1],
        status=Plan.Status.IN_FORCE,
    )
    _, goals = common.create_themes_and_goals(
        plan,
        GOALS_PER_THEME,
        lambda theme, g: f"{tr_capitalize(theme)} alanında eşit fırsatlar ({g})",
    )
    acts = create_activities(goals, n_activities)
    link_units(acts, units, partners)
    inds = create_indicators(acts, rnd)
    create_figures(inds, rnd)
    return plan


def create_activities(goals, n_activities: int) -> list:
    """n activities spread evenly over the goals, numbered within their theme."""
    from plans.models import Activity

    acts = []
    positions: dict[int, int] = {}
    for i in range(n_activities):
        goal = goals[i * len(goals) // n_activities]
        positions[goal.theme_id] = positions.get(goal.theme_id, 0) + 1
        acts.append(
            Activity(
                theme_id=goal.theme_id,
                goal=goal,
                code=f"{goal.code}.{positions[goal.theme_id]}",
                title=f"Kadınların ve kız çocuklarının {i + 1}. faaliyete katılımını artırmak",
                position=positions[goal.theme_id],
            )
        )
    Activity.objects.bulk_create(acts)
    return acts


def link_units(acts, units, partners) -> None:
    """One or two responsible units and a partner for every activity."""
    from plans.models import Activity

    responsible = Activity.responsible_units.through
    responsible.objects.bulk_create(
        responsible(activity_id=a.pk, unit_id=u.pk)
        for i, a in enumerate(acts)
        for u in {units[i % len(units)], units[(i * 7) % len(units)]}
    )
    partner = Activity.partner_units.through
    partner.objects.bulk_create(
        partner(activity_id=a.pk, unit_id=partners[i % len(partners)].pk)
        for i, a in enumerate(acts)
    )


def create_indicators(acts, rnd: random.Random) -> list:
    """3 indicators per activity, the third a percentage for every fifth activity."""
    from plans.models import Indicator

    return Indicator.objects.bulk_create(
        Indicator(
            activity=a,
            position=j + 1,
            name=("Kadın personel oranı" if j == 2 and i % 5 == 0 else f"Gösterge {j + 1}")
            + f" ({a.code})",
            value_type="percent" if j == 2 and i % 5 == 0 else "count",
            baseline_value=Decimal(rnd.randint(0, 200)),
            baseline_raw="",
        )
        for i, a in enumerate(acts)
        for j in range(INDICATORS_PER_ACTIVITY)
    )


def create_figures(inds, rnd: random.Random) -> None:
    """Targets for every year (a dash now and then), realizations for the years with
    data (some missing, some behind with a reason)."""
    from monitoring.models import Realization
    from plans.models import Target

    targets, realizations = [], []
    for ind in inds:
        base = int(ind.baseline_value) + rnd.randint(5, 100)
        for k, year in enumerate(YEARS):
            if rnd.random() < 0.05:
                targets.append(Target(indicator=ind, year=year, state="na", raw_text="-"))
                continue
            value = base + 10 * k
            targets.append(Target(indicator=ind, year=year, value=value, raw_text=str(value)))
            if year in YEARS_WITH_DATA and rnd.random() < 0.9:
                real = int(value * rnd.uniform(0.4, 1.8))
                behind = real < value * 0.85
                realizations.append(
                    Realization(
                        indicator=ind,
                        year=year,
                        value=real,
                        raw_text=str(real),
                        status=Realization.Status.APPROVED,
                        deviation_reason="Bütçe gecikti." if behind and rnd.random() < 0.5 else "",
                    )
                )
    Target.objects.bulk_create(targets, batch_size=5000)
    Realization.objects.bulk_create(realizations, batch_size=5000)


# ------------------------------------------------------------------ measuring


def pages(plan) -> list[tuple[str, str, dict, bool]]:
    """(label, url, query, in the goal) for every page of a plan."""
    from django.urls import reverse

    from plans.models import Activity, Indicator, Unit

    theme = plan.themes.order_by("position").first()
    act = Activity.objects.filter(theme__plan=plan).order_by("theme__position", "position")[5]
    ind = Indicator.objects.filter(activity=act).first()
    unit = Unit.objects.filter(responsible_for__theme__plan=plan).order_by("name").first()
    table = reverse("monitoring:indicator_table", args=[plan.pk])
    return [
        ("overview", reverse("monitoring:overview", args=[plan.pk]), {}, True),
        ("overview, 2024", reverse("monitoring:overview", args=[plan.pk]), {"year": 2024}, True),
        ("table, page 1", table, {}, True),
        ("table, page 3", table, {"page": 3}, True),
        ("table, one unit", table, {"unit": unit.pk}, True),
        ("table, behind by rate", table, {"status": "behind", "sort": "-oran"}, True),
        ("table, search, by name", table, {"q": "kadın", "sort": "gosterge"}, False),
        ("theme", reverse("monitoring:theme", args=[plan.pk, theme.pk]), {}, False),
        ("activity", reverse("monitoring:activity", args=[plan.pk, act.pk]), {}, False),
        ("indicator", reverse("monitoring:indicator", args=[plan.pk, ind.pk]), {}, False),
        ("table, CSV (all rows)", table, {"export": "csv"}, False),
        ("table, XLSX (all rows)", table, {"export": "xlsx"}, False),
    ]


def timed(client, url, query, *, cold: bool) -> float:
    from django.core.cache import cache

    if cold:
        cache.clear()
    start = time.perf_counter()
    response = client.get(url, query)
    elapsed = time.perf_counter() - start
    assert response.status_code == 200, (url, query, response.status_code)
    return elapsed * 1000


def measure(client, plans, runs: int) -> list[tuple[str, bool, float, float]]:
    """(page, in the goal, small median ms, large median ms) for every page. Requests to
    the two plans alternate, so that a busy machine slows both alike."""
    results = []
    small_pages, large_pages = pages(plans[0]), pages(plans[1])
    for (label, url_s, q_s, in_goal), (_, url_l, q_l, _) in zip(
        small_pages, large_pages, strict=True
    ):
        variants = [(label, False, runs)]
        if label in {"overview", "table, page 1"}:
            variants.append((f"{label} (cold)", True, max(5, runs // 3)))
        for name, cold, n in variants:
            client.get(url_s, q_s)  # warm up: templates, snapshot
            client.get(url_l, q_l)
            small, large = [], []
            for _ in range(n):
                small.append(timed(client, url_s, q_s, cold=cold))
                large.append(timed(client, url_l, q_l, cold=cold))
            results.append(
                (name, in_goal and not cold, statistics.median(small), statistics.median(large))
            )
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="requests per page (median)")
    parser.add_argument("--activities", type=int, default=1000, help="the large plan's size")
    args = parser.parse_args()

    desc, teardown = setup_database()
    try:
        from django.contrib.auth import get_user_model
        from django.test import Client

        from plans.models import Indicator

        sizes = (args.activities // 10, args.activities)
        print(f"Database: {desc}")
        plans = []
        for n in sizes:
            start = time.perf_counter()
            plan = build_plan(n, seed=n)
            count = Indicator.objects.filter(activity__theme__plan=plan).count()
            print(
                f"Built a plan of {n} activities, {count} indicators, {len(YEARS)} years "
                f"in {time.perf_counter() - start:.1f} s"
            )
            plans.append(plan)
        user = get_user_model().objects.create_superuser("bench", "b@example.org", "x-Bench-123")
        client = Client()
        client.force_login(user)
        results = measure(client, plans, args.runs)

        width = max(len(r[0]) for r in results) + 2
        print()
        print(
            f"Median server time (ms) of {args.runs} requests per page and plan "
            "(cold: 5), signed in, Django test Client"
        )
        header = f"{'page'.ljust(width)}{sizes[0]:>9} act{sizes[1]:>9} act{'ratio':>8}  goal"
        print(header)
        print("-" * len(header))
        met = True
        for label, in_goal, small, large in results:
            ratio = large / small
            goal = ""
            if in_goal:
                ok = ratio <= GOAL_RATIO
                met &= ok
                goal = f"<= {GOAL_RATIO:g}x {'ok' if ok else 'NOT MET'}"
            print(f"{label.ljust(width)}{small:>13.1f}{large:>13.1f}{ratio:>8.2f}  {goal}")
        print()
        print(
            "Goal (overview and paginated table at most "
            f"{GOAL_RATIO:g}x slower for the large plan): {'met' if met else 'NOT met'}"
        )
        return 0 if met else 1
    finally:
        teardown()


if __name__ == "__main__":
    sys.exit(main())
