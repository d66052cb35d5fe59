"""The gender budget's read side: planned and actual lira of the plan's activities summed
per year, theme and responsible unit, and the chosen year's activities one by one.

``budget_overview(plan, year)`` runs five queries whatever the plan's size. Only amounts
sum; an activity with no planned amount is counted apart, never as zero.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from plans.models import Activity, Plan, Unit
from plans.text import tr_sort_key

from .budgets import BudgetSums
from .models import ActivityBudget


@dataclass
class BudgetLine:
    activity: Activity
    budget: ActivityBudget

    @property
    def spent_percent(self):
        s = BudgetSums()
        s.add(self.budget)
        return s.spent_percent


@dataclass
class BudgetOverview:
    plan: Plan
    year: int
    total: BudgetSums
    years: list[tuple[int, BudgetSums]]
    themes: list[tuple[object, BudgetSums]]
    units: list[tuple[Unit | None, BudgetSums]]  # None: no responsible unit
    lines: list[BudgetLine] = field(default_factory=list)

    @property
    def has_any(self) -> bool:
        return any(s.activities for _y, s in self.years)


def budget_overview(plan: Plan, year: int) -> BudgetOverview:
    """Every budget of the plan (all years), summed. Five queries."""
    budgets = list(
        ActivityBudget.objects.filter(activity__theme__plan=plan).order_by("year", "activity_id")
    )
    year_ids = {b.activity_id for b in budgets if b.year == year}
    activities = {
        a.pk: a
        for a in Activity.objects.filter(pk__in=year_ids)
        .select_related("theme")
        .order_by("theme__position", "position")
    }
    links: dict[int, list[int]] = defaultdict(list)
    through = Activity.responsible_units.through.objects.filter(activity_id__in=year_ids)
    for activity_id, unit_id in through.values_list("activity_id", "unit_id"):
        links[activity_id].append(unit_id)
    by_year: dict[int, BudgetSums] = {y: BudgetSums() for y in plan.years}
    by_theme: dict[int, BudgetSums] = defaultdict(BudgetSums)
    by_unit: dict[int, BudgetSums] = defaultdict(BudgetSums)
    lines = []
    for b in budgets:
        by_year.setdefault(b.year, BudgetSums()).add(b)
        if b.year != year:
            continue
        act = activities[b.activity_id]
        lines.append(BudgetLine(act, b))
        by_theme[act.theme_id].add(b)
        for unit_id in links.get(b.activity_id) or [0]:
            by_unit[unit_id].add(b)
    themes = {t.pk: t for t in plan.themes.all()}
    units = {u.pk: u for u in Unit.objects.filter(pk__in=[u for u in by_unit if u])}
    lines.sort(key=lambda line: (line.activity.theme.position, line.activity.position))
    return BudgetOverview(
        plan=plan,
        year=year,
        total=by_year.get(year) or BudgetSums(),
        years=sorted(by_year.items()),
        themes=[
            (themes[t], s)
            for t, s in sorted(by_theme.items(), key=lambda kv: themes[kv[0]].position)
        ],
        units=sorted(
            ((units.get(u), s) for u, s in by_unit.items()),
            key=lambda us: (us[0] is None, tr_sort_key(us[0].name if us[0] else "")),
        ),
        lines=lines,
    )


def budget_for_request(request, plan: Plan) -> BudgetOverview:
    from .dashboard import choose_year, figures_internal, plan_fingerprint

    internal = figures_internal(request, plan)
    latest = plan_fingerprint(plan).latest_year(internal=internal)
    return budget_overview(plan, choose_year(plan, request.GET.get("year"), latest))
