"""Progress per indicator and year, as the dashboard computes it.

Which rows exist and their status come from each plan's cached ``Snapshot``
(``plan_snapshot``, keyed by the plan's data version): a status filter costs no
assessment. The rows of the page asked for are then read as the dashboard's pages read
them (``rows_for_ids`` -> ``IndicatorRow.progress``), so rate, percent and the figures
are the pages' own, to the decimal. Queries: a fixed number per plan on the page,
whatever the number of rows.
"""

from __future__ import annotations

from collections import defaultdict
from typing import NamedTuple

from monitoring.audit import cell_text
from monitoring.dashboard import (
    PLAN_ORDER,
    entered,
    plan_fingerprint,
    plan_snapshot,
    rows_for_ids,
    thresholds,
)
from plans.models import Plan

from .serializers import number
from .visibility import Audience


class Key(NamedTuple):
    plan: int
    theme: int
    activity: int
    indicator: int
    year: int


def progress_keys(
    audience: Audience, indicators, *, year: int | None, status: str | None
) -> list[Key]:
    """The (indicator, year) rows of these indicators, in plan order then year; only
    those in ``status`` when given. Two queries and the plans' snapshots."""
    found = list(
        indicators.order_by("activity__theme__plan_id", *PLAN_ORDER).values_list(
            "id", "activity__theme__plan_id", "activity__theme_id", "activity_id"
        )
    )
    plans = {p.pk: p for p in Plan.objects.filter(pk__in={f[1] for f in found})}
    snapshots = {
        pk: plan_snapshot(p, internal=audience.internal(pk), fingerprint=plan_fingerprint(p))
        for pk, p in plans.items()
    }
    indexes = {pk: snap.index() for pk, snap in snapshots.items()}
    keys: list[Key] = []
    for ind_id, plan_id, theme_id, activity_id in found:
        snap, i = snapshots[plan_id], indexes[plan_id].get(ind_id)
        if i is None:  # written since the snapshot: the next request has it
            continue
        for y in [year] if year else snap.years:
            if y not in snap.status:
                continue
            if status and snap.status_of(y, i) != status:
                continue
            keys.append(Key(plan_id, theme_id, activity_id, ind_id, y))
    return keys


def progress_rows(audience: Audience, keys: list[Key]) -> list[dict]:
    """The page's rows, assessed as the dashboard's pages assess them."""
    by_plan: dict[int, list[int]] = defaultdict(list)
    for k in keys:
        if k.indicator not in by_plan[k.plan]:
            by_plan[k.plan].append(k.indicator)
    plans = {p.pk: p for p in Plan.objects.filter(pk__in=by_plan)}
    th = thresholds()
    rows = {}
    for plan_id, ids in by_plan.items():
        internal = audience.internal(plan_id)
        for r in rows_for_ids(plans[plan_id], ids, internal=internal):
            rows[r.indicator.pk] = r
    return [_row(k, rows[k.indicator], th, audience) for k in keys if k.indicator in rows]


def _row(k: Key, r, th, audience: Audience) -> dict:
    progress = r.progress(k.year, th)
    target, real = r.target_fig(k.year), r.realization_fig(k.year)
    return {
        "plan": k.plan,
        "theme": k.theme,
        "activity": k.activity,
        "indicator": k.indicator,
        "year": k.year,
        "status": progress.status,
        "status_label": progress.label,
        "rate": None if progress.rate is None else float(progress.rate),
        "percent": None if progress.percent is None else float(progress.percent),
        "target_value": number(target.value),
        "target_text": cell_text(r.targets.get(k.year)),
        "realization_value": number(real.value),
        "realization_text": cell_text(r.realizations.get(k.year)),
        "has_realization": entered(r.realizations.get(k.year)),
        "figures": audience.figures(k.plan),
    }
