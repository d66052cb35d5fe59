"""Read side of the progress dashboard: who may see a plan, which year a page shows, and a
plan's progress in a compact form the pages can aggregate quickly.

Statuses always come from ``IndicatorRow.progress`` (monitoring.figures), that is from
monitoring.progress's arithmetic; nothing here computes a rate itself.

Assessing every indicator of a big plan for every year is linear work in Python, so the
result of one such pass (a ``Snapshot``: per indicator and year the status, rate, target,
realization and whether a figure was entered, plus the tallies per theme, unit and year)
is cached. The cache key is the plan's data version (``plan_fingerprint``), bumped by
database triggers on every change to a target, a realization, an indicator, the plan's
structure or its responsible units, whatever wrote it: a page never shows stale figures.
Names (themes, units) are not in the snapshot; pages read them fresh.
"""

from __future__ import annotations

import math
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import (
    Count,
    Max,
    Prefetch,
    Q,
    QuerySet,
)
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext

from plans.models import Activity, DataVersion, FigureState, Indicator, Plan, Target, Unit
from plans.scoping import municipality_id
from plans.text import tr_sort_key

from .figures import IndicatorRow
from .filters import SORT_KEYS, IndicatorFilter, plan_unit_names
from .models import Realization
from .progress import (
    ACHIEVED,
    BEHIND,
    LEVEL_HELP,
    MILESTONE_DONE,
    MILESTONE_NOT_DONE,
    STATUS_COLORS,
    STATUS_LABELS,
    STATUS_ORDER,
    Progress,
    Rollup,
    Thresholds,
    level_step_of,
)

# ---------------------------------------------------------------------------- access


class LoginRequired(Exception):
    """The plan is not public and the visitor has not signed in."""


def visible_plans(user) -> QuerySet[Plan]:
    """The plans this user may see on the dashboard.

    The one place the access rule lives: public plans for everyone; a signed-in user
    also sees every plan of their own municipality (drafts included); a platform
    administrator sees all.
    """
    plans = Plan.objects.select_related("municipality")
    if getattr(user, "is_superuser", False):
        return plans
    mid = municipality_id(user)
    if mid is not None:
        return plans.filter(Q(is_public=True) | Q(municipality_id=mid))
    return plans.filter(is_public=True)


def get_plan_for(request, pk: int) -> Plan:
    """The plan ``pk`` if this request may see it.

    Raises ``LoginRequired`` for an anonymous visitor (the view sends them to the login
    page; a plan that does not exist looks the same, so nothing leaks) and ``Http404`` for
    a signed-in user.
    """
    plan = visible_plans(request.user).filter(pk=pk).first()
    if plan is None:
        if not request.user.is_authenticated:
            raise LoginRequired
        raise Http404("plan")
    return plan


def shows_internal(user, plan: Plan) -> bool:
    """Whether internal notes, evidence and not yet approved figures are shown.

    Only to the plan's own municipality (and platform administrators): the public, and
    users of other municipalities looking at a public plan, see approved figures only and
    no note marked internal and no evidence.
    """
    if getattr(user, "is_superuser", False):
        return True
    return municipality_id(user) == plan.municipality_id


def figures_internal(request, plan: Plan) -> bool:
    """``shows_internal`` for a page, unless the signed-in user asked to see approved
    figures only (``?onayli=1``): then the page is what the public sees."""
    return shows_internal(request.user, plan) and request.GET.get("onayli") != "1"


# ---------------------------------------------------------------------------- year


def choose_year(plan: Plan, raw: object, default: int | None) -> int:
    """The year asked for in ``?year=`` when it is one of the plan's years; otherwise
    ``default`` (the latest year with a realization), else the plan's first year."""
    try:
        year = int(str(raw))
    except (TypeError, ValueError):
        year = None
    if year in plan.years:
        return year
    if default in plan.years:
        return default
    return plan.first_year


def latest_year_with_data(plan: Plan, *, internal: bool) -> int | None:
    """One query: the latest year that has a realization the audience may see."""
    qs = Realization.objects.for_plan(plan)
    if not internal:
        qs = qs.filter(status=Realization.Status.APPROVED)
    return qs.aggregate(y=Max("year"))["y"]


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


# ---------------------------------------------------------------------------- overview


@dataclass
class NamedTally:
    obj: object
    tally: Tally


@dataclass
class Overview:
    plan: Plan
    year: int
    internal: bool
    activity_count: int
    indicator_count: int
    tally: Tally
    themes: list[NamedTally]
    units: list[NamedTally]  # Turkish alphabetical; obj None: no responsible unit
    silent_units: list[Unit]  # responsible for indicators, entered nothing this year
    years: list[tuple[int, Tally]]  # first year to the chosen year
    behind: list[TableRow]
    over: list[TableRow]

    @property
    def used_statuses(self) -> list[str]:
        """Statuses that occur in one of the years shown, in display order."""
        return [s for s in STATUS_ORDER if any(t.counts[s] for _, t in self.years)]

    @property
    def years_chart(self) -> dict:
        """Indicators per status in each year up to the chosen one (for json_script)."""
        used = self.used_statuses
        return {
            "axis": gettext("gösterge"),
            "labels": [str(y) for y, _ in self.years],
            "datasets": [
                {
                    "label": STATUS_LABELS[s],
                    "color": "#" + STATUS_COLORS[s],
                    "data": [t.counts[s] for _, t in self.years],
                }
                for s in used
            ],
        }


def overview(request, plan: Plan) -> Overview:
    pp = plan_progress(request, plan)
    snap, year = pp.snapshot, pp.year
    themes = list(plan.themes.order_by("position"))
    theme_tallies = snap.by_theme[year]
    unit_tallies = snap.by_unit[year]
    units = sorted(
        Unit.objects.filter(pk__in=[u for u in unit_tallies if u]),
        key=lambda u: tr_sort_key(u.name),
    )
    unit_rows = [NamedTally(u, unit_tallies[u.pk]) for u in units]
    if 0 in unit_tallies:
        unit_rows.append(NamedTally(None, unit_tallies[0]))
    behind_ids = snap.extremes(year, BEHIND_LIKE, lowest=True, limit=10)
    over_ids = snap.extremes(year, (ACHIEVED,), lowest=False, limit=5, above=1.0)
    th = thresholds()
    picked = rows_for_ids(plan, behind_ids + over_ids, internal=pp.internal)
    by_id = {r.indicator.pk: TableRow(r, year_cells(r, year, th)) for r in picked}
    return Overview(
        plan=plan,
        year=year,
        internal=pp.internal,
        activity_count=snap.activity_count,
        indicator_count=snap.indicator_count,
        tally=snap.by_year[year],
        themes=[NamedTally(t, theme_tallies.get(t.pk, Tally())) for t in themes],
        units=unit_rows,
        silent_units=[u for u in units if unit_tallies[u.pk].entered == 0],
        years=[(y, snap.by_year[y]) for y in snap.years if y <= year],
        behind=[by_id[pk] for pk in behind_ids if pk in by_id],
        over=[by_id[pk] for pk in over_ids if pk in by_id],
    )


def indicator_rows(plan: Plan, indicators: QuerySet, *, internal: bool) -> list[IndicatorRow]:
    """IndicatorRow objects (the ones plan_table gives) for these indicators only, in plan
    order. Five queries that read just the indicators asked for, their activities' units
    and the figures of both: a page of 50 indicators costs the same in a plan of 300 as
    in one of 30,000. (plan_table reads every figure of the plan, whatever it is given.)
    """
    chosen = indicators.filter(activity__theme__plan=plan)
    inds = list(
        chosen.select_related("activity__theme", "activity__goal", "activity__strategy").order_by(
            *PLAN_ORDER
        )
    )
    if not inds:
        return []
    activities: dict[int, Activity] = {}
    for ind in inds:  # one object per activity, shared by its indicators
        ind.activity = activities.setdefault(ind.activity_id, ind.activity)
    activity_ids = chosen.values("activity_id")
    responsible: dict[int, list[Unit]] = defaultdict(list)
    partners: dict[int, list[Unit]] = defaultdict(list)
    for through, found in (
        (Activity.responsible_units.through, responsible),
        (Activity.partner_units.through, partners),
    ):
        links = (
            through.objects.filter(activity_id__in=activity_ids)
            .select_related("unit")
            .order_by("unit__name")
        )
        for link in links:
            found[link.activity_id].append(link.unit)
    targets: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    activity_targets: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    target_qs = Target.objects.filter(
        Q(indicator__in=chosen.values("pk")) | Q(activity_id__in=activity_ids)
    )
    for t in target_qs.select_related("group").order_by("year", "group__position", "pk"):
        if t.indicator_id:
            targets[t.indicator_id][t.year].append(t)
        else:
            activity_targets[t.activity_id][t.year].append(t)
    realizations: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    real_qs = Realization.objects.filter(indicator__in=chosen.values("pk"))
    if not internal:
        real_qs = real_qs.filter(status=Realization.Status.APPROVED)
    for r in real_qs.select_related("group").order_by("year", "group__position", "pk"):
        realizations[r.indicator_id][r.year].append(r)
    return [
        IndicatorRow(
            indicator=ind,
            activity=ind.activity,
            targets=dict(targets.get(ind.pk, {})),
            activity_targets=dict(activity_targets.get(ind.activity_id, {})),
            realizations=dict(realizations.get(ind.pk, {})),
            responsible=responsible.get(ind.activity_id, []),
            partners=partners.get(ind.activity_id, []),
        )
        for ind in inds
    ]


def rows_for_ids(plan: Plan, ids: list[int], *, internal: bool) -> list[IndicatorRow]:
    """indicator_rows for these ids, in the order given; no query when there are none."""
    if not ids:
        return []
    rows = indicator_rows(plan, Indicator.objects.filter(pk__in=ids), internal=internal)
    position = {pk: i for i, pk in enumerate(ids)}
    return sorted(rows, key=lambda r: position[r.indicator.pk])


# ---------------------------------------------------------------------------- sorting


def sort_ids(
    ids: list[int],
    sort: str,
    *,
    snapshot: Snapshot,
    year: int,
    names: dict[int, str] | None = None,
    unit_names: dict[int, str] | None = None,
) -> list[int]:
    """Indicator ids (given in plan order) in the order of a table column; "-" in front
    reverses it. Rows without a value (no number, no rate) stay at the end either way;
    ties keep the plan order."""
    descending = sort.startswith("-")
    key = sort.lstrip("-") or "kod"
    if key == "kod" or key not in SORT_KEYS:
        return ids[::-1] if descending else list(ids)
    index = snapshot.index()
    if key == "gosterge":
        names = names or {}

        def value(pk: int):
            return tr_sort_key(names.get(pk, ""))
    elif key == "birim":
        unit_names = unit_names or {}
        rank = {
            pk: r
            for r, pk in enumerate(sorted(unit_names, key=lambda u: tr_sort_key(unit_names[u])))
        }

        def value(pk: int):
            return min((rank[u] for u in snapshot.units[index[pk]] if u in rank), default=None)
    elif key == "durum":
        statuses = snapshot.status[year]

        def value(pk: int):
            return statuses[index[pk]]
    else:
        series = {"hedef": snapshot.target, "gerceklesme": snapshot.realized}.get(
            key, snapshot.rate
        )[year]

        def value(pk: int):
            number = series[index[pk]]
            return None if math.isnan(number) else number

    keyed = [(value(pk), position, pk) for position, pk in enumerate(ids)]
    present = sorted((k for k in keyed if k[0] is not None), key=lambda k: (k[0], k[1]))
    if descending:
        present.sort(key=lambda k: k[0], reverse=True)
    absent = [k for k in keyed if k[0] is None]
    return [k[2] for k in present + absent]


# ---------------------------------------------------------------------------- cells


@dataclass
class YearCells:
    """One indicator in one year as a page shows it."""

    year: int
    progress: Progress
    targets: list
    activity_targets: list
    realizations: list
    step: str | None = None  # a running level: "+5 / +10 planlanan artış"

    @property
    def step_help(self) -> str:
        return str(LEVEL_HELP) if self.step else ""

    @property
    def realization(self) -> Realization | None:
        return self.realizations[0] if self.realizations else None

    @property
    def has_figure(self) -> bool:
        return entered(self.realizations)


def year_cells(row: IndicatorRow, year: int, th: Thresholds | None = None) -> YearCells:
    return YearCells(
        year=year,
        progress=row.progress(year, th or thresholds()),
        targets=row.targets.get(year, []),
        activity_targets=row.activity_targets.get(year, []),
        realizations=row.realizations.get(year, []),
        step=level_step_of(
            baseline=row.indicator.baseline_value,
            target=row.target_fig(year),
            realization=row.realization_fig(year),
            accumulation=row.indicator.accumulation,
        )
        if row.indicator is not None
        else None,
    )


@dataclass
class TableRow:
    row: IndicatorRow
    cells: YearCells


# ---------------------------------------------------------------------------- table


@dataclass
class IndicatorTable:
    plan: Plan
    year: int
    internal: bool
    filterset: IndicatorFilter
    sort: str
    total: int
    rows: list[TableRow]
    page: object | None  # django.core.paginator.Page of ids; None for a download


def indicator_table(request, plan: Plan, *, per_page: int = 50, everything: bool = False):
    """The filtered, sorted indicators of the plan: one page of them, or all of them for a
    download. A fixed number of queries whatever the plan's size."""
    pp = plan_progress(request, plan)
    unit_names = plan_unit_names(plan)
    data = request.GET.copy()
    data["year"] = str(pp.year)
    if data.get("sort") not in set(SORT_KEYS) | {f"-{k}" for k in SORT_KEYS}:
        data["sort"] = "kod"
    fs = IndicatorFilter(data, plan=plan, snapshot=pp.snapshot, year=pp.year, unit_names=unit_names)
    sort = data["sort"]
    names = None
    in_plan_order = fs.qs.order_by(*PLAN_ORDER)
    if sort.lstrip("-") == "gosterge":
        names = dict(in_plan_order.values_list("id", "name"))
        ids = list(names)
    else:
        ids = list(in_plan_order.values_list("id", flat=True))
    ids = sort_ids(
        ids, sort, snapshot=pp.snapshot, year=pp.year, names=names, unit_names=unit_names
    )
    th = thresholds()
    page = None
    if everything:
        # the filtered queryset itself, not a list of thousands of ids, then sorted
        position = {pk: i for i, pk in enumerate(ids)}
        found = indicator_rows(plan, fs.qs, internal=pp.internal)
        found.sort(key=lambda r: position[r.indicator.pk])
    else:
        page = Paginator(ids, per_page).get_page(request.GET.get("page"))
        found = rows_for_ids(plan, list(page.object_list), internal=pp.internal)
    rows = [TableRow(r, year_cells(r, pp.year, th)) for r in found]
    return IndicatorTable(plan, pp.year, pp.internal, fs, sort, len(ids), rows, page)


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
