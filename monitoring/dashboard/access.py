"""Who may see a plan, which year a page shows."""

from __future__ import annotations

from django.db.models import (
    Max,
    Q,
    QuerySet,
)
from django.http import Http404

from plans.models import Plan
from plans.scoping import municipality_id

from ..models import Realization

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
