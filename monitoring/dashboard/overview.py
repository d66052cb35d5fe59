"""The plan's overview page: tallies per theme, unit and year."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext

from plans.models import Plan, Unit
from plans.text import tr_sort_key

from ..progress import (
    ACHIEVED,
    STATUS_COLORS,
    STATUS_LABELS,
    STATUS_ORDER,
)
from .snapshot import BEHIND_LIKE, Tally, plan_progress, thresholds
from .table import TableRow, rows_for_ids, year_cells

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
