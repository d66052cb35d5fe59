"""Municipalities are separate: every query a user's request makes goes through
``scope(queryset, user)``. Platform administrators (superusers) see everything; a user
of a municipality sees only its rows; anyone else sees nothing. Directorate staff see
realizations only for activities their unit is responsible for.

A foreign object is answered as a missing one: the same 404, the same import message."""

from __future__ import annotations

from django.db.models import Q, QuerySet

PATHS = {
    "auth.user": "profile__municipality",  # colleagues (a user profile's user field)
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
    "plans.profilefigure": "municipality",  # the local gender profile
    "plans.indicatorprofilelink": "indicator__activity__theme__plan__municipality",
    "monitoring.realization": "indicator__activity__theme__plan__municipality",
    "monitoring.reportingyear": "plan__municipality",
    "monitoring.yearevent": "plan__municipality",
    # an audit row keeps its plan when its indicator or activity is deleted
    "monitoring.figurechange": "plan__municipality",
}
UNSCOPED = {"plans.group", "plans.profilemeasure"}  # shared tables (groups, measures)
EITHER_OWNER = {"plans.target"}  # an indicator's or an activity's


def municipality_id(user) -> int | None:
    if not getattr(user, "is_authenticated", False):
        return None
    profile = getattr(user, "profile", None)
    return profile.municipality_id if profile else None


def _condition(label: str, mid: int) -> Q:
    if label in EITHER_OWNER:
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


def knows(model) -> bool:
    """Whether ``scope`` can limit this model to a municipality."""
    label = model._meta.label_lower
    return label in PATHS or label in UNSCOPED or label in EITHER_OWNER


def scope_import(qs: QuerySet, user) -> QuerySet:
    """``scope`` for an import: a command-line import (no user) is not limited."""
    return qs if user is None else scope(qs, user)


def visible_id(model, value, user) -> int | None:
    """The id typed in an import row ("12", 12, 12.0 from a spreadsheet) when that object
    exists and the importing user may see it; None otherwise, so that a foreign object and
    a missing one read the same."""
    try:
        number = float(str(value).strip())
    except ValueError:
        return None
    if not number.is_integer() or number < 1:
        return None
    pk = int(number)
    return pk if scope_import(model._default_manager.filter(pk=pk), user).exists() else None


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
