"""The database's rules for a line of plan generations (plans 0005), as trigger sets for
``InstallTriggers`` (plans.dbtriggers); what a CHECK constraint on one row cannot say:

- a plan's predecessor belongs to the same municipality;
- a next plan starts later than its predecessor; a revision starts no earlier and has a
  higher version. Along a line the first year never falls and, among plans of one first
  year (revisions only), the version rises: so a line has no cycle.
- an activity or an indicator continues one of its plan's predecessor (so an indicator
  page never shows another municipality's figures as its earlier years), and a plan's
  predecessor does not change under the links of its activities and indicators.

Checked on both sides: writing the successor and writing the predecessor.
"""

from __future__ import annotations

from .dbtriggers import Check


def _bad_link(pred: str, succ: str) -> str:
    """SQL: plan ``succ`` cannot follow plan ``pred`` (aliases or NEW)."""
    return (
        f"({pred}.municipality_id <> {succ}.municipality_id "
        f"OR ({succ}.kind = 'next' AND {succ}.first_year <= {pred}.first_year) "
        f"OR ({succ}.kind = 'revision' AND ({succ}.first_year < {pred}.first_year "
        f"OR {succ}.version <= {pred}.version)))"
    )


_AS_SUCCESSOR = (
    "EXISTS (SELECT 1 FROM plans_plan p WHERE p.id = NEW.predecessor_id "
    f"AND {_bad_link('p', 'NEW')})"
)
_AS_PREDECESSOR = (
    "EXISTS (SELECT 1 FROM plans_plan s WHERE s.predecessor_id = NEW.id "
    f"AND {_bad_link('NEW', 's')})"
)

# the plan of an activity / indicator row
_ACTIVITY_PLAN = "(SELECT t.plan_id FROM plans_theme t WHERE t.id = {theme})"
_INDICATOR_PLAN = (
    "(SELECT t.plan_id FROM plans_activity a JOIN plans_theme t ON t.id = a.theme_id "
    "WHERE a.id = {activity})"
)


def _continues_elsewhere(table: str, own_plan: str, continued_plan: str) -> str:
    """SQL: NEW continues a row that is not in its plan's predecessor."""
    return (
        "NEW.continues_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM plans_plan pp "
        f"JOIN {table} c ON c.id = NEW.continues_id "
        f"WHERE pp.id = {own_plan} AND pp.predecessor_id = {continued_plan})"
    )


_ACTIVITY_RULE = _continues_elsewhere(
    "plans_activity",
    _ACTIVITY_PLAN.format(theme="NEW.theme_id"),
    _ACTIVITY_PLAN.format(theme="c.theme_id"),
)
_INDICATOR_RULE = _continues_elsewhere(
    "plans_indicator",
    _INDICATOR_PLAN.format(activity="NEW.activity_id"),
    _INDICATOR_PLAN.format(activity="c.activity_id"),
)
# a plan whose predecessor changes while its rows continue the old one's
_LINKS_LEFT_BEHIND = (
    "NEW.predecessor_id IS NOT NULL AND ("
    "EXISTS (SELECT 1 FROM plans_theme t JOIN plans_activity a ON a.theme_id = t.id "
    "JOIN plans_activity c ON c.id = a.continues_id JOIN plans_theme ct ON ct.id = c.theme_id "
    "WHERE t.plan_id = NEW.id AND ct.plan_id <> NEW.predecessor_id) "
    "OR EXISTS (SELECT 1 FROM plans_theme t JOIN plans_activity a ON a.theme_id = t.id "
    "JOIN plans_indicator i ON i.activity_id = a.id "
    "JOIN plans_indicator c ON c.id = i.continues_id "
    "JOIN plans_activity ca ON ca.id = c.activity_id JOIN plans_theme ct ON ct.id = ca.theme_id "
    "WHERE t.plan_id = NEW.id AND ct.plan_id <> NEW.predecessor_id))"
)

PLAN_LINEAGE = Check(
    "plans_plan",
    "plan_lineage",
    (
        ("INSERT", "NEW", _AS_SUCCESSOR),
        ("UPDATE", "NEW", f"{_AS_SUCCESSOR} OR {_AS_PREDECESSOR} OR ({_LINKS_LEFT_BEHIND})"),
    ),
    "plan_lineage: önceki plan aynı belediyenin daha önceki bir planı olmalı",
)
ACTIVITY_CONTINUES = Check(
    "plans_activity",
    "activity_continues",
    (("INSERT", "NEW", _ACTIVITY_RULE), ("UPDATE", "NEW", _ACTIVITY_RULE)),
    "continues: yalnızca önceki plandaki bir faaliyet sürdürülebilir",
)
INDICATOR_CONTINUES = Check(
    "plans_indicator",
    "indicator_continues",
    (("INSERT", "NEW", _INDICATOR_RULE), ("UPDATE", "NEW", _INDICATOR_RULE)),
    "continues: yalnızca önceki plandaki bir gösterge sürdürülebilir",
)

LINEAGE_SET = (PLAN_LINEAGE, ACTIVITY_CONTINUES, INDICATOR_CONTINUES)
