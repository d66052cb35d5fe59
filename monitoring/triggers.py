"""The database's own rules for figures, as trigger sets for ``InstallTriggers``
(plans.dbtriggers): SQLite and PostgreSQL alike.

- A target's or realization's year lies inside its plan's period.
- A closed year's targets and realizations are not inserted, changed or deleted.
- A plan's period does not shrink past a figure or a closed year.
- Every write to a plan's figures or structure bumps the plan's data version
  (``plans.DataVersion``), the key of the dashboard's cache: ``.update()`` and raw SQL
  included.

- A target's and a realization's ``plan`` and an audit row's ``municipality`` are what
  their owners say: filled when left out, refused when wrong, following an indicator,
  activity, theme or plan that moves (``OWNER_COLUMNS``).

``SET_1`` is what the triggers were before monitoring 0005 (installed after each migrate);
``SET_2`` the set of 0005, ``SET_3`` of 0009; ``SET_4`` is the current set. A new set is a
new constant and a migration installing it.
"""

from __future__ import annotations

from plans.dbtriggers import Bump, Cascade, Check, Derived

# the activity a row belongs to ({row} is NEW, OLD or a transition table's alias)
_TARGET_ACTIVITY = (
    "COALESCE({row}.activity_id, (SELECT i.activity_id FROM plans_indicator i "
    "WHERE i.id = {row}.indicator_id))"
)
_INDICATOR_ACTIVITY = (
    "(SELECT i.activity_id FROM plans_indicator i WHERE i.id = {row}.indicator_id)"
)


def _in_period(activity: str, row: str) -> str:
    return (
        "NOT EXISTS (SELECT 1 FROM plans_activity a "
        "JOIN plans_theme t ON t.id = a.theme_id "
        "JOIN plans_plan p ON p.id = t.plan_id "
        f"WHERE a.id = {activity.format(row=row)} "
        f"AND {row}.year BETWEEN p.first_year AND p.last_year)"
    )


def _closed(activity: str, row: str) -> str:
    return (
        "EXISTS (SELECT 1 FROM monitoring_reportingyear ry "
        "JOIN plans_theme t ON t.plan_id = ry.plan_id "
        "JOIN plans_activity a ON a.theme_id = t.id "
        f"WHERE a.id = {activity.format(row=row)} AND ry.year = {row}.year AND ry.is_closed)"
    )


def _year_check(table: str, name: str, activity: str) -> Check:
    return Check(
        table,
        name,
        (
            ("INSERT", "NEW", _in_period(activity, "NEW")),
            ("UPDATE", "NEW", _in_period(activity, "NEW")),
        ),
        f"{name}: yıl planın dönemi dışında",
    )


def _closed_check(table: str, name: str, activity: str, message: str) -> Check:
    return Check(
        table,
        name,
        (
            ("INSERT", "NEW", _closed(activity, "NEW")),
            ("UPDATE", "NEW", _closed(activity, "NEW")),
            ("UPDATE", "OLD", _closed(activity, "OLD")),
            ("DELETE", "OLD", _closed(activity, "OLD")),
        ),
        message,
    )


_OUTSIDE = "({f}.year < NEW.first_year OR {f}.year > NEW.last_year)"
PLAN_PERIOD = (
    "EXISTS (SELECT 1 FROM plans_theme t JOIN plans_activity a ON a.theme_id = t.id "
    "JOIN plans_target f ON f.activity_id = a.id "
    f"WHERE t.plan_id = NEW.id AND {_OUTSIDE.format(f='f')}) "
    "OR EXISTS (SELECT 1 FROM plans_theme t JOIN plans_activity a ON a.theme_id = t.id "
    "JOIN plans_indicator i ON i.activity_id = a.id JOIN plans_target f ON f.indicator_id = i.id "
    f"WHERE t.plan_id = NEW.id AND {_OUTSIDE.format(f='f')}) "
    "OR EXISTS (SELECT 1 FROM plans_theme t JOIN plans_activity a ON a.theme_id = t.id "
    "JOIN plans_indicator i ON i.activity_id = a.id "
    "JOIN monitoring_realization f ON f.indicator_id = i.id "
    f"WHERE t.plan_id = NEW.id AND {_OUTSIDE.format(f='f')}) "
    "OR EXISTS (SELECT 1 FROM monitoring_reportingyear f WHERE f.plan_id = NEW.id "
    f"AND f.is_closed AND {_OUTSIDE.format(f='f')})"
)

TARGET_YEAR = _year_check("plans_target", "target_year_in_plan", _TARGET_ACTIVITY)
REALIZATION_YEAR = _year_check(
    "monitoring_realization", "realization_year_in_plan", _INDICATOR_ACTIVITY
)
REALIZATION_CLOSED = _closed_check(
    "monitoring_realization",
    "realization_closed_year",
    _INDICATOR_ACTIVITY,
    "closed_year: bu yıl kapatılmış; gerçekleşmeler değiştirilemez",
)
TARGET_CLOSED = _closed_check(
    "plans_target",
    "target_closed_year",
    _TARGET_ACTIVITY,
    "closed_year: bu yıl kapatılmış; hedefler değiştirilemez",
)
PLAN_PERIOD_CHECK = Check(
    "plans_plan",
    "plan_period_keeps_figures",
    (("UPDATE", "NEW", PLAN_PERIOD),),
    "plan_period: dönem dışında kalacak hedef, gerçekleşme ya da kapalı yıl var",
)

_THEME_PLAN = "SELECT t.plan_id AS pid FROM plans_theme t WHERE t.id = {th}"
_ACTIVITY_PLAN = (
    "SELECT t.plan_id AS pid FROM plans_activity a JOIN plans_theme t ON t.id = a.theme_id "
    "WHERE a.id = {act}"
)


def _via_activity(expr: str) -> str:
    return _ACTIVITY_PLAN.replace("{act}", expr)


BUMPS = (
    Bump("plans_plan", "plan_bump", "SELECT {row}.id AS pid", ("UPDATE",)),
    Bump("plans_theme", "theme_bump", "SELECT {row}.plan_id AS pid"),
    Bump("plans_goal", "goal_bump", _THEME_PLAN.replace("{th}", "{row}.theme_id")),
    Bump(
        "plans_strategy",
        "strategy_bump",
        "SELECT t.plan_id AS pid FROM plans_goal g JOIN plans_theme t ON t.id = g.theme_id "
        "WHERE g.id = {row}.goal_id",
    ),
    Bump("plans_activity", "activity_bump", _THEME_PLAN.replace("{th}", "{row}.theme_id")),
    Bump("plans_indicator", "indicator_bump", _via_activity("{row}.activity_id")),
    Bump("plans_activity_responsible_units", "unitlink_bump", _via_activity("{row}.activity_id")),
    Bump(
        "plans_unit",
        "unit_bump",
        "SELECT p.id AS pid FROM plans_plan p WHERE p.municipality_id = {row}.municipality_id",
        ("UPDATE",),
    ),
    Bump("plans_target", "target_bump", _via_activity(_TARGET_ACTIVITY)),
    Bump("monitoring_realization", "realization_bump", _via_activity(_INDICATOR_ACTIVITY)),
    Bump("monitoring_reportingyear", "reportingyear_bump", "SELECT {row}.plan_id AS pid"),
)

SET_1 = (TARGET_YEAR, REALIZATION_YEAR, REALIZATION_CLOSED)
SET_2 = (*SET_1, TARGET_CLOSED, PLAN_PERIOD_CHECK, *BUMPS)


# ---------------------------------------------------------------- owner columns

_PLAN_OF_ACTIVITY = (
    "SELECT t.plan_id FROM plans_activity a JOIN plans_theme t ON t.id = a.theme_id "
    "WHERE a.id = {act}"
)
_TARGET_PLAN = "(" + _PLAN_OF_ACTIVITY.replace("{act}", _TARGET_ACTIVITY) + ")"
_REALIZATION_PLAN = "(" + _PLAN_OF_ACTIVITY.replace("{act}", _INDICATOR_ACTIVITY) + ")"
_PLAN_MUNICIPALITY = "(SELECT p.municipality_id FROM plans_plan p WHERE p.id = {row}.plan_id)"

TARGET_PLAN = Derived(
    "plans_target",
    "target_plan",
    "plan_id",
    _TARGET_PLAN,
    ("indicator_id", "activity_id"),
    "figure_plan: hedefin planı göstergesinin ya da faaliyetinin planı olmalı",
)
REALIZATION_PLAN = Derived(
    "monitoring_realization",
    "realization_plan",
    "plan_id",
    _REALIZATION_PLAN,
    ("indicator_id",),
    "figure_plan: gerçekleşmenin planı göstergesinin planı olmalı",
)
AUDIT_MUNICIPALITY = Derived(
    "monitoring_figurechange",
    "figurechange_municipality",
    "municipality_id",
    _PLAN_MUNICIPALITY,
    ("plan_id",),
    "figure_plan: değişiklik kaydının belediyesi planının belediyesi olmalı",
)


def _retarget(table: str, where: str, plan: str) -> str:
    """Give the rows of ``table`` matching ``where`` the plan ``plan`` (SQL of NEW)."""
    return f"UPDATE {table} SET plan_id = {plan} WHERE ({where}) AND plan_id <> {plan}"


_IND_OF_ACT = "SELECT i.id FROM plans_indicator i WHERE i.activity_id = NEW.id"
_ACT_OF_THEME = "SELECT a.id FROM plans_activity a WHERE a.theme_id = NEW.id"
_IND_OF_THEME = (
    "SELECT i.id FROM plans_indicator i JOIN plans_activity a ON a.id = i.activity_id "
    "WHERE a.theme_id = NEW.id"
)
_NEW_ACTIVITY_PLAN = "(" + _PLAN_OF_ACTIVITY.replace("{act}", "NEW.activity_id") + ")"
_NEW_THEME_PLAN = "(SELECT t.plan_id FROM plans_theme t WHERE t.id = NEW.theme_id)"

OWNER_MOVES = (
    Cascade(
        "plans_indicator",
        "indicator_moves_figures",
        ("activity_id",),
        (
            _retarget("plans_target", "indicator_id = NEW.id", _NEW_ACTIVITY_PLAN),
            _retarget("monitoring_realization", "indicator_id = NEW.id", _NEW_ACTIVITY_PLAN),
        ),
    ),
    Cascade(
        "plans_activity",
        "activity_moves_figures",
        ("theme_id",),
        (
            _retarget(
                "plans_target",
                f"activity_id = NEW.id OR indicator_id IN ({_IND_OF_ACT})",
                _NEW_THEME_PLAN,
            ),
            _retarget(
                "monitoring_realization", f"indicator_id IN ({_IND_OF_ACT})", _NEW_THEME_PLAN
            ),
        ),
    ),
    Cascade(
        "plans_theme",
        "theme_moves_figures",
        ("plan_id",),
        (
            _retarget(
                "plans_target",
                f"activity_id IN ({_ACT_OF_THEME}) OR indicator_id IN ({_IND_OF_THEME})",
                "NEW.plan_id",
            ),
            _retarget(
                "monitoring_realization", f"indicator_id IN ({_IND_OF_THEME})", "NEW.plan_id"
            ),
        ),
    ),
    Cascade(
        "plans_plan",
        "plan_moves_audit",
        ("municipality_id",),
        (
            "UPDATE monitoring_figurechange SET municipality_id = NEW.municipality_id "
            "WHERE plan_id = NEW.id",
        ),
    ),
)
OWNER_COLUMNS = (TARGET_PLAN, REALIZATION_PLAN, AUDIT_MUNICIPALITY, *OWNER_MOVES)

SET_3 = (*SET_2, *OWNER_COLUMNS)

# Fills the owner columns of rows written before they existed (monitoring 0007).
FILL_OWNER_COLUMNS = (
    f"UPDATE plans_target SET plan_id = {_TARGET_PLAN.format(row='plans_target')}",
    "UPDATE monitoring_realization SET plan_id = "
    + _REALIZATION_PLAN.format(row="monitoring_realization"),
    "UPDATE monitoring_figurechange SET municipality_id = "
    + _PLAN_MUNICIPALITY.format(row="monitoring_figurechange")
    + " WHERE plan_id IS NOT NULL",
)

# Cached pages (monitoring.pagecache) show more than the plan's own figures: the
# municipality's gender profile on the overview, the activity's budget, and on a later
# plan's indicator page the figures of the plans it continues (two generations back).
# Writes to those bump the data version of every plan whose pages show them.
_SUCCESSORS = (
    "SELECT p.id AS pid FROM plans_plan p WHERE p.predecessor_id = {row}.plan_id "
    "OR p.predecessor_id IN "
    "(SELECT q.id FROM plans_plan q WHERE q.predecessor_id = {row}.plan_id)"
)
PAGE_BUMPS = (
    Bump(
        "plans_profilefigure",
        "profile_bump",
        "SELECT p.id AS pid FROM plans_plan p WHERE p.municipality_id = {row}.municipality_id",
    ),
    Bump("monitoring_activitybudget", "budget_bump", _via_activity("{row}.activity_id")),
    Bump("plans_target", "target_successor_bump", _SUCCESSORS),
    Bump("monitoring_realization", "realization_successor_bump", _SUCCESSORS),
)
# A budget (monitoring.budgets) lives by the figures' year rules: the plan's period, and
# a closed year refuses every write, whatever writes it.
BUDGET_YEAR = _year_check("monitoring_activitybudget", "budget_year_in_plan", "{row}.activity_id")
BUDGET_CLOSED = _closed_check(
    "monitoring_activitybudget",
    "budget_closed_year",
    "{row}.activity_id",
    "closed_year: bu yıl kapatılmış; bütçeler değiştirilemez",
)
ADDED_IN_0010 = (*PAGE_BUMPS, BUDGET_YEAR, BUDGET_CLOSED)
SET_4 = (*SET_3, *ADDED_IN_0010)
