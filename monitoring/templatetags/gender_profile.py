"""The local gender profile on the public plan pages: ``{% gender_profile plan %}``
shows the plan's municipality's profile (one query; nothing when it has none), with
women's shares the Turkish way ("%51,3"). The plan is already one the visitor may see
(``get_plan_for``): the profile is its municipality's, no other."""

from __future__ import annotations

from django import template

from plans.gender_profile import profile_summary, share

from .yeep_format import format_percent

register = template.Library()


@register.inclusion_tag("monitoring/_gender_profile.html")
def gender_profile(plan):
    return {"plan": plan, "profile": profile_summary(plan.municipality_id)}


@register.filter
def profile_share(figure, sex="women"):
    """A figure's (or a summary's) share of women ("%51,3") or of men (``"men"``)."""
    part = figure.men if sex == "men" else figure.women
    return format_percent(share(part, figure.women + figure.men)) or "–"


@register.filter
def share_of(women, men):
    """Women's share of women + men: ``{{ w|share_of:m }}`` -> "%51,3"."""
    return format_percent(share(women, women + men)) or "–"
