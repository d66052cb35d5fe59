"""Reads a plan's figures once and assesses every indicator: the one place the report,
the dashboard and the entry pages get "target, realization, rate, status" from.

``plan_table(plan)`` runs a fixed number of queries whatever the plan's size.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import ClassVar

from django.db.models import Q

from plans.models import (
    Activity,
    Goal,
    Group,
    Indicator,
    Plan,
    Strategy,
    Target,
    Theme,
    Unit,
    ValueType,
)

from .models import Realization
from .progress import NO_DATA, Fig, Progress, Thresholds, assess, combine


@dataclass(slots=True)
class TargetFigure:
    """A target as the report and the pages read it: a plan has tens of thousands, and
    these cost a tenth of a model instance. Same attribute names as ``Target``; all but
    ``group`` are read straight from the table (``COLUMNS``)."""

    COLUMNS: ClassVar[tuple[str, ...]]
    pk: int
    year: int
    state: str
    value: Decimal | None
    raw_text: str
    group_id: int | None
    indicator_id: int | None
    activity_id: int | None
    group: Group | None = None


TargetFigure.COLUMNS = tuple(f.name for f in fields(TargetFigure) if f.name != "group")


@dataclass
class IndicatorRow:
    indicator: Indicator | None
    activity: Activity
    targets: dict[int, list[TargetFigure]] = field(default_factory=dict)
    activity_targets: dict[int, list[TargetFigure]] = field(default_factory=dict)
    realizations: dict[int, list[Realization]] = field(default_factory=dict)
    responsible: list[Unit] = field(default_factory=list)
    partners: list[Unit] = field(default_factory=list)

    def target_fig(self, year: int) -> Fig:
        rows = self.targets.get(year) or []
        return combine(
            (t.state, t.value, t.group.code if t.group else "", t.raw_text) for t in rows
        )

    def realization_fig(self, year: int) -> Fig:
        rows = self.realizations.get(year) or []
        return combine(
            (r.state, r.value, r.group.code if r.group else "", r.raw_text) for r in rows
        )

    def realization(self, year: int) -> Realization | None:
        rows = self.realizations.get(year) or []
        return rows[0] if rows else None

    def progress(self, year: int, thresholds: Thresholds | None = None) -> Progress:
        ind = self.indicator
        if ind is None:
            return Progress(NO_DATA)
        real = self.realization(year)
        return assess(
            target=self.target_fig(year),
            realization=self.realization_fig(year),
            baseline=ind.baseline_value,
            direction=ind.direction,
            accumulation=ind.accumulation,
            milestone=ind.value_type == ValueType.MILESTONE,
            milestone_done=real.milestone_done if real else None,
            thresholds=thresholds or Thresholds.from_settings(),
        )

    @property
    def theme(self):
        return self.activity.theme

    @property
    def goal(self):
        return self.activity.goal


def plan_table(
    plan: Plan,
    *,
    indicators=None,
    approved_only: bool = False,
    with_empty_activities: bool = False,
) -> list[IndicatorRow]:
    """Every indicator of the plan with its targets, realizations and units.

    Queries: themes, goals, strategies, activities, the links to responsible and partner
    units, the units, the groups, targets (of indicators and of activities),
    realizations and indicators: eleven, whatever the size. Each activity is one object
    shared by its indicators, and figures are grouped in plain lists, so a plan of 10,000
    indicators stays small in memory.
    """
    qs = (
        indicators
        if indicators is not None
        else Indicator.objects.filter(activity__theme__plan=plan)
    ).order_by(
        "activity__theme__position",
        "activity__goal__position",
        "activity__strategy__position",
        "activity__position",
        "position",
    )
    acts = Activity.objects.filter(theme__plan=plan)
    target_filter = Q()  # figures carry their plan: one index (monitoring.triggers)
    real_qs = Realization.objects.filter(plan=plan)
    if indicators is not None:  # a subset (one unit's form): read only what it needs
        wanted = qs.values("pk")
        acts = acts.filter(pk__in=qs.values("activity_id"))
        target_filter = Q(indicator__in=wanted) | Q(activity__in=qs.values("activity_id"))
        real_qs = real_qs.filter(indicator__in=wanted)
    activities = _activities(plan, acts)
    targets: dict[int, dict[int, list[TargetFigure]]] = defaultdict(lambda: defaultdict(list))
    activity_targets: dict[int, dict[int, list[TargetFigure]]] = defaultdict(
        lambda: defaultdict(list)
    )
    groups = {g.pk: g for g in Group.objects.all()}
    for values in Target.objects.filter(target_filter, plan=plan).values_list(
        *TargetFigure.COLUMNS
    ):
        t = TargetFigure(*values)
        t.group = groups.get(t.group_id)
        if t.indicator_id:
            targets[t.indicator_id][t.year].append(t)
        else:
            activity_targets[t.activity_id][t.year].append(t)
    if approved_only:
        real_qs = real_qs.filter(status=Realization.Status.APPROVED)
    realizations: dict[int, dict[int, list[Realization]]] = defaultdict(lambda: defaultdict(list))
    for r in real_qs.select_related("group").order_by("year", "group__position", "pk"):
        realizations[r.indicator_id][r.year].append(r)
    rows = []
    for ind in qs:
        act = activities[ind.activity_id]
        ind.activity = act  # one shared object per activity
        rows.append(
            IndicatorRow(
                indicator=ind,
                activity=act,
                targets=dict(targets.get(ind.pk, {})),
                activity_targets=dict(activity_targets.get(act.pk, {})),
                realizations=dict(realizations.get(ind.pk, {})),
                responsible=act.responsible_list,
                partners=act.partner_list,
            )
        )
    if with_empty_activities:
        rows = _merge_empty_activities(plan, rows, activities, activity_targets)
    return rows


def _activities(plan: Plan, acts) -> dict[int, Activity]:
    """The activities with their theme, goal and strategy, and their responsible and
    partner units (``responsible_list``, ``partner_list``, by name). Levels and units
    are read once and shared: a plan of 4,000 activities has 8 themes, not 4,000."""
    themes = {t.pk: t for t in Theme.objects.filter(plan=plan)}
    goals = {g.pk: g for g in Goal.objects.filter(theme__plan=plan)}
    strategies = {s.pk: s for s in Strategy.objects.filter(goal__theme__plan=plan)}
    activities = {}
    for a in acts:
        a.theme = themes[a.theme_id]
        a.goal = goals.get(a.goal_id)
        a.strategy = strategies.get(a.strategy_id)
        a.responsible_list, a.partner_list = [], []
        activities[a.pk] = a
    links = [
        (
            attr,
            list(through.objects.filter(activity__in=acts).values_list("activity_id", "unit_id")),
        )
        for through, attr in (
            (Activity.responsible_units.through, "responsible_list"),
            (Activity.partner_units.through, "partner_list"),
        )
    ]
    units = {u.pk: u for u in Unit.objects.filter(municipality_id=plan.municipality_id)}
    missing = {u for _, pairs in links for _, u in pairs} - units.keys()
    if missing:  # a unit of another municipality: should not happen, but show it
        units.update((u.pk, u) for u in Unit.objects.filter(pk__in=missing))
    for attr, pairs in links:
        for activity_id, unit_id in pairs:
            getattr(activities[activity_id], attr).append(units[unit_id])
    for a in activities.values():
        a.responsible_list.sort(key=_unit_order)
        a.partner_list.sort(key=_unit_order)
    return activities


def _unit_order(unit: Unit):
    return (unit.name, unit.pk)


def plan_order(r: IndicatorRow) -> tuple:
    """Where a row stands in the plan: theme, goal, strategy, activity, indicator."""
    a = r.activity
    return (
        a.theme.position,
        a.goal.position if a.goal else 0,
        a.strategy.position if a.strategy else 0,
        a.position,
        r.indicator.position if r.indicator else 0,
    )


def _merge_empty_activities(plan, rows, activities, activity_targets) -> list[IndicatorRow]:
    """Activities without an indicator get a row of their own (indicator None), in plan
    order, so a report shows every activity. No more queries."""
    with_indicators = {r.activity.pk for r in rows}
    extra = [
        IndicatorRow(
            indicator=None,
            activity=act,
            activity_targets=dict(activity_targets.get(act.pk, {})),
            responsible=act.responsible_list,
            partners=act.partner_list,
        )
        for act in activities.values()
        if act.pk not in with_indicators
    ]
    if not extra:
        return rows

    return sorted(rows + extra, key=plan_order)
