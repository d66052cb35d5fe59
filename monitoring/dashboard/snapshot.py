"""A plan's progress in compact form (a ``Snapshot``), cached per data version."""

from __future__ import annotations

import math
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.core.cache import cache
from django.db.models import (
    Max,
    Q,
)

from plans.models import Activity, DataVersion, FigureState, Indicator, Plan, Target

from ..figures import IndicatorRow
from ..models import Realization
from ..progress import (
    ACHIEVED,
    BEHIND,
    MILESTONE_DONE,
    MILESTONE_NOT_DONE,
    STATUS_ORDER,
    Progress,
    Rollup,
    Thresholds,
)
from .access import choose_year, figures_internal

# ---------------------------------------------------------------------------- figures


STATUS_CODE = {status: code for code, status in enumerate(STATUS_ORDER)}
ACHIEVED_LIKE = (ACHIEVED, MILESTONE_DONE)
BEHIND_LIKE = (BEHIND, MILESTONE_NOT_DONE)

# The plan's own order (plan_table's too).
PLAN_ORDER = (
    "activity__theme__position",
    "activity__goal__position",
    "activity__strategy__position",
    "activity__position",
    "position",
)


def entered(rows: Iterable | None) -> bool:
    """A realization was entered: a number, a dash, "to be decided" or a text."""
    return any(r.state != FigureState.BLANK for r in rows or ())


def thresholds() -> Thresholds:
    return Thresholds.from_settings()


@dataclass
class Tally:
    """Statuses of a set of indicators in one year, and how many have a realization."""

    counts: Counter = field(default_factory=Counter)
    entered: int = 0

    def add(self, status: str, has_figure: bool) -> None:
        self.counts[status] += 1
        self.entered += has_figure

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def missing(self) -> int:
        return self.total - self.entered

    @property
    def achieved(self) -> int:
        return sum(self.counts[s] for s in ACHIEVED_LIKE)

    @property
    def behind(self) -> int:
        return sum(self.counts[s] for s in BEHIND_LIKE)

    def percent(self, n: int) -> Decimal:
        if not self.total:
            return Decimal(0)
        return (Decimal(n) * 100 / Decimal(self.total)).quantize(Decimal("0.1"))

    @property
    def entered_percent(self) -> Decimal:
        return self.percent(self.entered)

    def shares(self) -> list[dict]:
        """Every status in display order with count and percent, zeros included."""
        rollup = Rollup(self.counts)
        return [
            {
                "status": s,
                "count": self.counts[s],
                "percent": (rollup.share(s) * 100).quantize(Decimal("0.1")),
            }
            for s in STATUS_ORDER
        ]


NAN = float("nan")


@dataclass
class Snapshot:
    """Every indicator of a plan assessed for every plan year.

    Parallel arrays indexed by the indicator's position in ``ids`` (the plan order when
    it was built: it only breaks ties); values that are not numbers are NaN. Status codes
    index ``progress.STATUS_ORDER``.
    """

    plan_id: int
    years: tuple[int, ...]
    activity_count: int
    ids: array
    units: tuple[tuple[int, ...], ...]
    status: dict[int, bytes]
    rate: dict[int, array]
    target: dict[int, array]
    realized: dict[int, array]
    has_figure: dict[int, bytes]
    by_year: dict[int, Tally]
    by_theme: dict[int, dict[int, Tally]]
    by_unit: dict[int, dict[int, Tally]]  # unit 0: no responsible unit

    @property
    def indicator_count(self) -> int:
        return len(self.ids)

    def index(self) -> dict[int, int]:
        return {pk: i for i, pk in enumerate(self.ids)}

    def status_of(self, year: int, i: int) -> str:
        return STATUS_ORDER[self.status[year][i]]

    def ids_where(self, year: int, *, statuses=(), has_figure=None) -> list[int]:
        codes = {STATUS_CODE[s] for s in statuses}
        st, hf = self.status[year], self.has_figure[year]
        return [
            pk
            for i, pk in enumerate(self.ids)
            if (not codes or st[i] in codes) and (has_figure is None or bool(hf[i]) == has_figure)
        ]

    def extremes(
        self, year: int, statuses, *, lowest: bool, limit: int, above: float | None = None
    ) -> list[int]:
        """Ids of indicators in these statuses with the lowest (or highest) rates; only
        rates over ``above`` when given."""
        codes = {STATUS_CODE[s] for s in statuses}
        st, rates = self.status[year], self.rate[year]
        found = [
            (rates[i], i)
            for i in range(len(self.ids))
            if st[i] in codes and (above is None or rates[i] > above)
        ]
        found.sort(key=lambda x: (math.isnan(x[0]), x[0] if lowest else -x[0], x[1]))
        return [self.ids[i] for _, i in found[:limit]]


# Lightweight stand-ins for the models, so that IndicatorRow.progress (the only code that
# turns cells into a status) can run on plain value rows: model instances for every
# target of a 3,000-indicator plan cost seconds.
class _IndicatorFields(NamedTuple):
    baseline_value: Decimal | None
    direction: str
    accumulation: str
    value_type: str


class _GroupRef(NamedTuple):
    code: str


class _Cell(NamedTuple):
    state: str
    value: Decimal | None
    group: _GroupRef | None
    raw_text: str
    milestone_done: bool | None = None


def _float(value: Decimal | None) -> float:
    return NAN if value is None else float(value)


def build_snapshot(plan: Plan, *, internal: bool) -> Snapshot:
    """Assess every indicator of the plan for every year. Five queries."""
    th = thresholds()
    indicators = list(
        Indicator.objects.filter(activity__theme__plan=plan)
        .order_by(*PLAN_ORDER)
        .values_list(
            "id",
            "activity_id",
            "activity__theme_id",
            "baseline_value",
            "direction",
            "accumulation",
            "value_type",
        )
    )
    targets: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    target_rows = (
        Target.objects.filter(indicator__activity__theme__plan=plan)
        .order_by("year", "group__position", "pk")
        .values_list("indicator_id", "year", "group_id", "state", "value", "raw_text")
    )
    for ind_id, year, group_id, state, value, raw in target_rows:
        group = _GroupRef(str(group_id)) if group_id else None
        targets[ind_id][year].append(_Cell(state, value, group, raw))
    realizations: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    real_qs = Realization.objects.for_plan(plan)
    if not internal:
        real_qs = real_qs.filter(status=Realization.Status.APPROVED)
    real_rows = real_qs.order_by("year", "group__position", "pk").values_list(
        "indicator_id", "year", "group_id", "state", "value", "raw_text", "milestone_done"
    )
    for ind_id, year, group_id, state, value, raw, done in real_rows:
        group = _GroupRef(str(group_id)) if group_id else None
        realizations[ind_id][year].append(_Cell(state, value, group, raw, done))
    units_of: dict[int, list[int]] = defaultdict(list)
    through = Activity.responsible_units.through.objects.filter(activity__theme__plan=plan)
    for activity_id, unit_id in through.values_list("activity_id", "unit_id"):
        units_of[activity_id].append(unit_id)
    activity_count = Activity.objects.for_plan(plan).count()

    years = tuple(plan.years)
    snap = Snapshot(
        plan_id=plan.pk,
        years=years,
        activity_count=activity_count,
        ids=array("q"),
        units=(),
        status={y: bytearray() for y in years},
        rate={y: array("d") for y in years},
        target={y: array("d") for y in years},
        realized={y: array("d") for y in years},
        has_figure={y: bytearray() for y in years},
        by_year={y: Tally() for y in years},
        by_theme={y: defaultdict(Tally) for y in years},
        by_unit={y: defaultdict(Tally) for y in years},
    )
    units: list[tuple[int, ...]] = []
    for pk, activity_id, theme_id, baseline, direction, accumulation, vtype in indicators:
        row = IndicatorRow(
            indicator=_IndicatorFields(baseline, direction, accumulation, vtype),
            activity=None,
            targets=targets.get(pk, {}),
            realizations=realizations.get(pk, {}),
        )
        unit_ids = tuple(units_of.get(activity_id, ())) or (0,)
        snap.ids.append(pk)
        units.append(unit_ids)
        for y in years:
            progress: Progress = row.progress(y, th)
            has_figure = entered(row.realizations.get(y))
            snap.status[y].append(STATUS_CODE[progress.status])
            snap.rate[y].append(_float(progress.rate))
            snap.target[y].append(_float(row.target_fig(y).value))
            snap.realized[y].append(_float(row.realization_fig(y).value))
            snap.has_figure[y].append(has_figure)
            snap.by_year[y].add(progress.status, has_figure)
            snap.by_theme[y][theme_id].add(progress.status, has_figure)
            for unit_id in unit_ids:
                snap.by_unit[y][unit_id].add(progress.status, has_figure)
    snap.units = tuple(units)
    snap.status = {y: bytes(v) for y, v in snap.status.items()}
    snap.has_figure = {y: bytes(v) for y, v in snap.has_figure.items()}
    snap.by_theme = {y: dict(v) for y, v in snap.by_theme.items()}
    snap.by_unit = {y: dict(v) for y, v in snap.by_unit.items()}
    return snap


# ---------------------------------------------------------------------------- fingerprint


@dataclass(frozen=True)
class Fingerprint:
    key: str
    last_year: int | None  # the latest year with any realization
    last_approved_year: int | None

    def latest_year(self, *, internal: bool) -> int | None:
        return self.last_year if internal else self.last_approved_year


def plan_fingerprint(plan: Plan) -> Fingerprint:
    """What a snapshot of the plan depends on: the plan's data version, which database
    triggers bump on every write to its figures or structure, by any path (the ORM,
    ``.update()``, raw SQL). One query while nothing changed."""
    version = DataVersion.of(plan.pk)
    th = thresholds()
    key = f"{version}:{th.achieved}:{th.on_track}"
    cache_key = f"yeep:years:{plan.pk}:{key}"
    years = cache.get(cache_key)
    if years is None:
        approved = Q(status=Realization.Status.APPROVED)
        years = Realization.objects.for_plan(plan).aggregate(
            last_year=Max("year"), last_approved_year=Max("year", filter=approved)
        )
        cache.set(cache_key, years, CACHE_SECONDS)
    return Fingerprint(key, years["last_year"], years["last_approved_year"])


CACHE_SECONDS = 60 * 60
SNAPSHOT_VERSION = 2  # raise when Snapshot's fields change: old cache entries are skipped


def plan_snapshot(plan: Plan, *, internal: bool, fingerprint: Fingerprint) -> Snapshot:
    """The plan's snapshot from the cache, built (five queries) when the data changed."""
    key = f"yeep:snapshot:v{SNAPSHOT_VERSION}:{plan.pk}:{int(internal)}:{fingerprint.key}"
    snap = cache.get(key)
    if snap is None:
        snap = build_snapshot(plan, internal=internal)
        cache.set(key, snap, CACHE_SECONDS)
    return snap


@dataclass
class PlanProgress:
    """What the overview and the indicator table start from."""

    plan: Plan
    internal: bool
    year: int
    snapshot: Snapshot


def plan_progress(request, plan: Plan) -> PlanProgress:
    internal = figures_internal(request, plan)
    fp = plan_fingerprint(plan)
    year = choose_year(plan, request.GET.get("year"), fp.latest_year(internal=internal))
    return PlanProgress(
        plan, internal, year, plan_snapshot(plan, internal=internal, fingerprint=fp)
    )
