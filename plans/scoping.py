"""Municipalities are separate: every query a user's request makes goes through
``scope(queryset, user)``. Platform administrators (superusers) see everything; a user
of a municipality sees only its rows; anyone else sees nothing. Directorate staff see
realizations only for activities their unit is responsible for."""

from __future__ import annotations

from django.db.models import Q, QuerySet

PATHS = {
    "plans.municipality": "pk",
    "plans.unit": "municipality",
    "plans.unitalias": "municipality",
    "plans.userprofile": "municipality",
    "plans.plan": "municipality",
    "plans.theme": "plan__municipality",
    "plans.goal": "theme__plan__municipality",
    "plans.strategy": "goal__theme__plan__municipality",
    "plans.activity": "theme__plan__municipality",
    "plans.indicator": "activity__theme__plan__municipality",
    "monitoring.realization": "indicator__activity__theme__plan__municipality",
    "monitoring.reportingyear": "plan__municipality",
    "monitoring.yearevent": "plan__municipality",
}
UNSCOPED = {"plans.group"}  # shared tables (groups of people)


def municipality_id(user) -> int | None:
    if not getattr(user, "is_authenticated", False):
        return None
    profile = getattr(user, "profile", None)
    return profile.municipality_id if profile else None


def _condition(label: str, mid: int) -> Q:
    if label in ("plans.target", "monitoring.figurechange"):  # an indicator's or an activity's
        return Q(indicator__activity__theme__plan__municipality=mid) | Q(
            activity__theme__plan__municipality=mid
        )
    return Q(**{PATHS[label]: mid})


def scope(qs: QuerySet, user) -> QuerySet:
    label = qs.model._meta.label_lower
    if label in UNSCOPED or getattr(user, "is_superuser", False):
        return qs
    mid = municipality_id(user)
    if mid is None:
        return qs.none()
    qs = qs.filter(_condition(label, mid))
    unit = directorate_unit(user)
    if unit is not None and label == "monitoring.realization":
        qs = qs.filter(indicator__activity__responsible_units=unit).distinct()
    return qs


def directorate_unit(user) -> int | None:
    """The unit id a directorate user is limited to; None when not limited."""
    if getattr(user, "is_superuser", False) or not getattr(user, "is_authenticated", False):
        return None
    if user.has_perm("monitoring.approve_realization") or not user.has_perm(
        "monitoring.submit_realization"
    ):
        return None
    profile = getattr(user, "profile", None)
    return profile.unit_id if profile else -1  # a directorate user without a unit: none
