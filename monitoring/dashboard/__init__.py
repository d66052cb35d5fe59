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

The package has a module per job: ``access`` (who sees a plan, which year), ``snapshot``
(the cached assessment), ``overview``, ``table`` (indicator rows and the table) and
``pages`` (theme, activity and indicator pages, the plan list).
"""

from .access import (
    LoginRequired,
    choose_year,
    figures_internal,
    get_plan_for,
    latest_year_with_data,
    shows_internal,
    visible_plans,
)
from .overview import (
    NamedTally,
    Overview,
    overview,
)
from .pages import (
    ActivityBlock,
    ActivityPage,
    GoalSection,
    GroupLine,
    IndicatorPage,
    ThemePage,
    activity_page,
    group_lines,
    indicator_page,
    plan_list,
    theme_page,
)
from .snapshot import (
    ACHIEVED_LIKE,
    BEHIND_LIKE,
    CACHE_SECONDS,
    NAN,
    PLAN_ORDER,
    SNAPSHOT_VERSION,
    STATUS_CODE,
    Fingerprint,
    PlanProgress,
    Snapshot,
    Tally,
    build_snapshot,
    entered,
    plan_fingerprint,
    plan_progress,
    plan_snapshot,
    thresholds,
)
from .table import (
    IndicatorTable,
    TableRow,
    YearCells,
    indicator_rows,
    indicator_table,
    rows_for_ids,
    sort_ids,
    year_cells,
)

__all__ = [
    "LoginRequired",
    "visible_plans",
    "get_plan_for",
    "shows_internal",
    "figures_internal",
    "choose_year",
    "latest_year_with_data",
    "STATUS_CODE",
    "ACHIEVED_LIKE",
    "BEHIND_LIKE",
    "PLAN_ORDER",
    "entered",
    "thresholds",
    "Tally",
    "NAN",
    "Snapshot",
    "build_snapshot",
    "Fingerprint",
    "plan_fingerprint",
    "CACHE_SECONDS",
    "SNAPSHOT_VERSION",
    "plan_snapshot",
    "PlanProgress",
    "plan_progress",
    "NamedTally",
    "Overview",
    "overview",
    "indicator_rows",
    "rows_for_ids",
    "sort_ids",
    "YearCells",
    "year_cells",
    "TableRow",
    "IndicatorTable",
    "indicator_table",
    "ActivityBlock",
    "GoalSection",
    "ThemePage",
    "theme_page",
    "GroupLine",
    "group_lines",
    "ActivityPage",
    "activity_page",
    "IndicatorPage",
    "indicator_page",
    "plan_list",
]
