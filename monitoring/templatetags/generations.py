"""Plan generations on the dashboard's pages: the plan list as lines of generations and an
indicator's earlier generations (monitoring.lineage) without a change to the pages' views."""

from __future__ import annotations

from django import template

from plans.generations import plan_lines as _plan_lines

from ..lineage import earlier_generations as _earlier_generations

register = template.Library()


@register.simple_tag
def plan_lines(plans):
    """The plans already read, as each municipality's line (no query)."""
    return _plan_lines(plans)


@register.simple_tag
def earlier_generations(indicator, internal):
    """The figures of the indicators ``indicator`` continues: three queries, none when it
    continues nothing."""
    return _earlier_generations(indicator, internal=bool(internal))
