"""Reads a plan's figures once and assesses every indicator: the one place the report,
the dashboard and the entry pages get "target, realization, rate, status" from.

``plan_table(plan)`` runs a fixed number of queries whatever the plan's size.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch

from plans.models import Activity, Indicator, Plan, Target, Unit, ValueType

from .models import Realization
from .progress import NO_DATA, Fig, Progress, Thresholds, assess, combine
from .services import cell_text  # noqa: F401  (re-exported for the report)


@dataclass
class IndicatorRow:
    indicator: Indicator | None
    activity: Activity
    targets: dict[int, list[Target]] = field(default_factory=dict)
    activity_targets: dict[int, list[Target]] = field(default_factory=dict)
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
            thresholds=thresholds,
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

    Queries: indicators (with activity, theme, goal, strategy), targets, activity targets,
    realizations, responsible units, partner units: six, whatever the size.
    """
    real_qs = Realization.objects.select_related("group")
    if approved_only:
        real_qs = real_qs.filter(status=Realization.Status.APPROVED)
    qs = (
        indicators
        if indicators is not None
        else Indicator.objects.filter(activity__theme__plan=plan)
    )
    qs = (
        qs.select_related("activity__theme", "activity__goal", "activity__strategy")
        .prefetch_related(
            Prefetch("targets", queryset=Target.objects.select_related("group")),
            Prefetch("activity__activity_targets", queryset=Target.objects.select_related("group")),
            Prefetch("realizations", queryset=real_qs),
            Prefetch("activity__responsible_units", queryset=Unit.objects.order_by("name")),
            Prefetch("activity__partner_units", queryset=Unit.objects.order_by("name")),
        )
        .order_by(
            "activity__theme__position",
            "activity__goal__position",
            "activity__strategy__position",
            "activity__position",
            "position",
        )
    )
    rows = []
    for ind in qs:
        by_year_t: dict[int, list[Target]] = defaultdict(list)
        for t in ind.targets.all():
            by_year_t[t.year].append(t)
        by_year_at: dict[int, list[Target]] = defaultdict(list)
        for t in ind.activity.activity_targets.all():
            by_year_at[t.year].append(t)
        by_year_r: dict[int, list[Realization]] = defaultdict(list)
        for r in ind.realizations.all():
            by_year_r[r.year].append(r)
        rows.append(
            IndicatorRow(
                indicator=ind,
                activity=ind.activity,
                targets=dict(by_year_t),
                activity_targets=dict(by_year_at),
                realizations=dict(by_year_r),
                responsible=list(ind.activity.responsible_units.all()),
                partners=list(ind.activity.partner_units.all()),
            )
        )
    if with_empty_activities:
        rows = _merge_empty_activities(plan, rows)
    return rows


def _merge_empty_activities(plan, rows) -> list[IndicatorRow]:
    """Activities without an indicator get a row of their own (indicator None), in plan
    order, so a report shows every activity. Four more queries."""
    acts = (
        Activity.objects.filter(theme__plan=plan, indicators__isnull=True)
        .select_related("theme", "goal", "strategy")
        .prefetch_related(
            Prefetch("activity_targets", queryset=Target.objects.select_related("group")),
            Prefetch("responsible_units", queryset=Unit.objects.order_by("name")),
            Prefetch("partner_units", queryset=Unit.objects.order_by("name")),
        )
    )
    extra = []
    for act in acts:
        by_year: dict[int, list[Target]] = defaultdict(list)
        for t in act.activity_targets.all():
            by_year[t.year].append(t)
        extra.append(
            IndicatorRow(
                indicator=None,
                activity=act,
                activity_targets=dict(by_year),
                responsible=list(act.responsible_units.all()),
                partners=list(act.partner_units.all()),
            )
        )
    if not extra:
        return rows

    def order(r: IndicatorRow):
        a = r.activity
        return (
            a.theme.position,
            a.goal.position if a.goal else 0,
            a.strategy.position if a.strategy else 0,
            a.position,
            r.indicator.position if r.indicator else 0,
        )

    return sorted(rows + extra, key=order)


def as_number(fig: Fig) -> Decimal | None:
    return fig.value if fig.state == "value" else None
