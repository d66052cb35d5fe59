"""The indicator rows, their sorting and cells, and the indicator table."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import (
    Q,
    QuerySet,
)

from plans.models import Activity, Indicator, Plan, Target, Unit
from plans.text import tr_sort_key

from ..figures import IndicatorRow
from ..filters import SORT_KEYS, IndicatorFilter, plan_unit_names
from ..models import Realization
from ..progress import (
    LEVEL_HELP,
    Progress,
    Thresholds,
    level_step_of,
)
from .snapshot import PLAN_ORDER, Snapshot, entered, plan_progress, thresholds


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
