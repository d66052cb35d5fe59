"""Who sees what through the API: exactly the dashboard's rule, from the dashboard's own
functions (``visible_plans``, ``shows_internal``), never a second copy of it.

- plans: ``visible_plans(user)``: public plans for everyone, every plan of the user's
  municipality for its staff, all for platform administrators;
- figures: per plan, ``shows_internal(user, plan)`` decides whether realizations that are
  not yet approved, internal notes and evidence are shown; otherwise approved
  realizations only, no internal note, no evidence. ``?approved_only=true`` asks for the
  public's view, as ``?onayli=1`` does on the dashboard.

A request's ``Audience`` is worked out once (one query over the visible plans) and every
queryset of the API is limited by it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from monitoring.dashboard import shows_internal, visible_plans
from monitoring.models import Realization
from plans.models import Plan

APPROVED_ONLY_PARAM = "approved_only"
TRUE_WORDS = {"true"}  # the schema's boolean; anything else is refused by the filter


@dataclass(frozen=True)
class Audience:
    plan_ids: frozenset[int]  # plans the caller may see
    internal_ids: frozenset[int]  # of those, plans whose unapproved figures it sees

    def internal(self, plan_id: int) -> bool:
        return plan_id in self.internal_ids

    def figures(self, plan_id: int) -> str:
        return "all" if self.internal(plan_id) else "approved"

    def realizations_q(self, prefix: str = "") -> Q:
        """Realizations the caller may see: of a visible plan, and approved unless the
        plan's unapproved figures are shown to it. ``prefix`` leads to a realization."""
        plan = f"{prefix}plan_id__in"  # the realization's own plan column
        approved = Q(**{f"{prefix}status": Realization.Status.APPROVED})
        return Q(**{plan: self.plan_ids}) & (approved | Q(**{plan: self.internal_ids}))


NOBODY = Audience(frozenset(), frozenset())


def wants_approved_only(request) -> bool:
    raw = request.GET.get(APPROVED_ONLY_PARAM, "") if request is not None else ""
    return str(raw).strip().lower() in TRUE_WORDS


def audience_of(user, *, approved_only: bool = False) -> Audience:
    plans: list[Plan] = list(visible_plans(user).only("pk", "municipality_id", "is_public"))
    internal = (
        frozenset() if approved_only else frozenset(p.pk for p in plans if shows_internal(user, p))
    )
    return Audience(frozenset(p.pk for p in plans), internal)


def public_audience(plan: Plan) -> Audience:
    """What an anonymous visitor sees of one public plan (the open-data files)."""
    if not plan.is_public:
        return NOBODY
    return Audience(frozenset({plan.pk}), frozenset())


def request_audience(request) -> Audience:
    """The request's audience, worked out once per request."""
    cached = getattr(request, "_yeep_audience", None)
    if cached is None:
        cached = audience_of(request.user, approved_only=wants_approved_only(request))
        request._yeep_audience = cached
    return cached
