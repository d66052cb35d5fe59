"""Drill-down pages (theme, activity, indicator) and the plan list."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import (
    Count,
    Prefetch,
)
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext

from plans.models import Activity, FigureState, Indicator, Plan, Target, Unit
from plans.text import tr_sort_key

from ..figures import IndicatorRow
from .access import choose_year, figures_internal, latest_year_with_data, visible_plans
from .snapshot import Tally, thresholds
from .table import TableRow, YearCells, indicator_rows, year_cells

# ---------------------------------------------------------------------------- drill-down


def _plan_year(request, plan: Plan, internal: bool) -> int:
    return choose_year(
        plan, request.GET.get("year"), latest_year_with_data(plan, internal=internal)
    )


@dataclass
class ActivityBlock:
    activity: Activity
    rows: list[TableRow]


@dataclass
class GoalSection:
    goal: object | None
    tally: Tally
    activities: list[ActivityBlock]


@dataclass
class ThemePage:
    plan: Plan
    year: int
    internal: bool
    theme: object
    tally: Tally
    sections: list[GoalSection]


def theme_page(request, plan: Plan, theme_pk: int) -> ThemePage:
    internal = figures_internal(request, plan)
    year = _plan_year(request, plan, internal)
    theme = get_object_or_404(plan.themes, pk=theme_pk)
    activities = list(
        Activity.objects.filter(theme=theme)
        .select_related("goal", "strategy")
        .order_by("goal__position", "strategy__position", "position")
    )
    rows = indicator_rows(plan, Indicator.objects.filter(activity__theme=theme), internal=internal)
    th = thresholds()
    by_activity: dict[int, list[TableRow]] = defaultdict(list)
    for r in rows:
        by_activity[r.activity.pk].append(TableRow(r, year_cells(r, year, th)))
    sections: list[GoalSection] = []
    total = Tally()
    for act in activities:
        if not sections or sections[-1].goal != act.goal:
            sections.append(GoalSection(act.goal, Tally(), []))
        block = ActivityBlock(act, by_activity.get(act.pk, []))
        sections[-1].activities.append(block)
        for tr in block.rows:
            sections[-1].tally.add(tr.cells.progress.status, tr.cells.has_figure)
            total.add(tr.cells.progress.status, tr.cells.has_figure)
    return ThemePage(plan, year, internal, theme, total, sections)


@dataclass
class GroupLine:
    """One group's figures across the years: {year: (target rows, realization rows)}."""

    group: object
    cells: dict[int, tuple[list, list]]

    def by_year(self, years):
        return [(y, *self.cells.get(y, ([], []))) for y in years]


def group_lines(targets: dict, realizations: dict, years) -> list[GroupLine]:
    """Per-group rows (women, men, girls, boys ...) of these figures, in group order."""
    lines: dict[int, GroupLine] = {}
    for source, slot in ((targets, 0), (realizations, 1)):
        for year, figs in source.items():
            for f in figs:
                if f.group is None:
                    continue
                line = lines.setdefault(f.group.pk, GroupLine(f.group, {}))
                pair = line.cells.setdefault(year, ([], []))
                pair[slot].append(f)
    return sorted(lines.values(), key=lambda g: (g.group.position, tr_sort_key(g.group.name)))


@dataclass
class ActivityPage:
    plan: Plan
    year: int
    internal: bool
    activity: Activity
    rows: list[TableRow]
    activity_targets: dict[int, list]
    group_lines: list[GroupLine]
    tally: Tally


def activity_page(request, plan: Plan, activity_pk: int) -> ActivityPage:
    internal = figures_internal(request, plan)
    year = _plan_year(request, plan, internal)
    activity = get_object_or_404(
        Activity.objects.filter(theme__plan=plan)
        .select_related("theme", "goal", "strategy")
        .prefetch_related(
            Prefetch("activity_targets", queryset=Target.objects.select_related("group")),
            Prefetch("responsible_units", queryset=Unit.objects.order_by("name")),
            Prefetch("partner_units", queryset=Unit.objects.order_by("name")),
        ),
        pk=activity_pk,
    )
    rows = indicator_rows(plan, Indicator.objects.filter(activity=activity), internal=internal)
    th = thresholds()
    table_rows = [TableRow(r, year_cells(r, year, th)) for r in rows]
    targets: dict[int, list] = defaultdict(list)
    for t in activity.activity_targets.all():
        targets[t.year].append(t)
    tally = Tally()
    for tr in table_rows:
        tally.add(tr.cells.progress.status, tr.cells.has_figure)
    return ActivityPage(
        plan,
        year,
        internal,
        activity,
        table_rows,
        dict(targets),
        group_lines(targets, {}, plan.years),
        tally,
    )


@dataclass
class IndicatorPage:
    plan: Plan
    year: int
    internal: bool
    row: IndicatorRow
    years: list[YearCells]
    group_lines: list[GroupLine]
    activity_group_lines: list[GroupLine]
    chart: dict

    @property
    def current(self) -> YearCells:
        return next(c for c in self.years if c.year == self.year)

    @property
    def chart_has_numbers(self) -> bool:
        return any(v is not None for v in self.chart["target"] + self.chart["realized"])


def _chart_number(fig) -> float | None:
    return None if fig.state != FigureState.VALUE or fig.value is None else float(fig.value)


def indicator_page(request, plan: Plan, indicator_pk: int) -> IndicatorPage:
    internal = figures_internal(request, plan)
    year = _plan_year(request, plan, internal)
    rows = indicator_rows(plan, Indicator.objects.filter(pk=indicator_pk), internal=internal)
    if not rows:
        raise Http404("indicator")
    row = rows[0]
    th = thresholds()
    years = [year_cells(row, y, th) for y in plan.years]
    ind = row.indicator
    chart = {
        "names": {
            "target": gettext("Hedef"),
            "realized": gettext("Gerçekleşme"),
            "baseline": gettext("Mevcut (başlangıç)"),
        },
        "labels": [str(y) for y in plan.years],
        "target": [_chart_number(row.target_fig(y)) for y in plan.years],
        "realized": [_chart_number(row.realization_fig(y)) for y in plan.years],
        "baseline": None if ind.baseline_value is None else float(ind.baseline_value),
        "percent": ind.value_type == "percent",
    }
    return IndicatorPage(
        plan,
        year,
        internal,
        row,
        years,
        group_lines(row.targets, row.realizations, plan.years),
        group_lines(row.activity_targets, {}, plan.years),
        chart,
    )


# ---------------------------------------------------------------------------- plan list


def plan_list(user) -> list[Plan]:
    """Visible plans with their numbers of activities and indicators, by municipality in
    Turkish alphabetical order, newest plan first. One query."""
    plans = visible_plans(user).annotate(
        n_activities=Count("themes__activities", distinct=True),
        n_indicators=Count("themes__activities__indicators", distinct=True),
    )
    return sorted(
        plans, key=lambda p: (tr_sort_key(p.municipality.name), -p.first_year, -p.version)
    )
