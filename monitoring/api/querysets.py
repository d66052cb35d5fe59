"""Each API list's rows for an audience (monitoring.api.visibility): what the caller may
see, in a stable order, with what its serializer reads joined or prefetched, so a page of
50 rows costs the same queries as a page of 5. The open-data files read the same."""

from __future__ import annotations

from django.db.models import F, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce

from monitoring.models import Realization
from plans.models import (
    Activity,
    Goal,
    Group,
    Indicator,
    Municipality,
    Plan,
    Strategy,
    Target,
    Theme,
    Unit,
)

from .visibility import Audience


def municipalities(audience: Audience) -> QuerySet:
    ids = audience.plan_ids
    return Municipality.objects.filter(
        pk__in=Plan.objects.filter(pk__in=ids).values("municipality_id")
    ).order_by("name", "pk")


def plans(audience: Audience) -> QuerySet:
    return (
        Plan.objects.filter(pk__in=audience.plan_ids)
        .select_related("municipality")
        .order_by("municipality__name", "-first_year", "-version", "pk")
    )


def themes(audience: Audience) -> QuerySet:
    return Theme.objects.filter(plan_id__in=audience.plan_ids).order_by("plan_id", "position")


def goals(audience: Audience) -> QuerySet:
    return (
        Goal.objects.filter(theme__plan_id__in=audience.plan_ids)
        .select_related("theme")
        .order_by("theme__plan_id", "theme__position", "position")
    )


def strategies(audience: Audience) -> QuerySet:
    return (
        Strategy.objects.filter(goal__theme__plan_id__in=audience.plan_ids)
        .select_related("goal__theme")
        .order_by("goal__theme__plan_id", "goal__theme__position", "goal__position", "position")
    )


def units(audience: Audience) -> QuerySet:
    ids = audience.plan_ids
    named = Activity.objects.filter(theme__plan_id__in=ids)
    return Unit.objects.filter(
        Q(pk__in=named.values("responsible_units")) | Q(pk__in=named.values("partner_units"))
    ).order_by("municipality_id", "name", "pk")


def groups(audience: Audience) -> QuerySet:
    return Group.objects.order_by("position", "name")


def activities(audience: Audience) -> QuerySet:
    units = Unit.objects.order_by("name", "pk").only("pk")
    return (
        Activity.objects.filter(theme__plan_id__in=audience.plan_ids)
        .select_related("theme")
        .prefetch_related(
            Prefetch("responsible_units", queryset=units),
            Prefetch("partner_units", queryset=units),
        )
        .order_by(
            "theme__plan_id",
            "theme__position",
            "goal__position",
            "strategy__position",
            "position",
            "pk",
        )
    )


def indicators(audience: Audience) -> QuerySet:
    return (
        Indicator.objects.filter(activity__theme__plan_id__in=audience.plan_ids)
        .select_related("activity__theme__plan")
        .order_by(
            "activity__theme__plan_id",
            "activity__theme__position",
            "activity__goal__position",
            "activity__strategy__position",
            "activity__position",
            "position",
            "pk",
        )
    )


def targets(audience: Audience) -> QuerySet:
    ids = audience.plan_ids
    return (
        Target.objects.filter(plan_id__in=ids)  # the target's own plan column
        .select_related("group")
        .annotate(
            plan_ref=F("plan_id"),
            theme_ref=Coalesce(F("indicator__activity__theme_id"), F("activity__theme_id")),
            activity_ref=Coalesce(F("indicator__activity_id"), F("activity_id")),
        )
        .order_by("plan_ref", "activity_ref", "indicator_id", "year", "group__position", "pk")
    )


def realizations(audience: Audience) -> QuerySet:
    return (
        Realization.objects.filter(audience.realizations_q())
        .select_related("group", "indicator__activity__theme")
        .order_by(
            "plan_id",
            "indicator__activity_id",
            "indicator_id",
            "year",
            "group__position",
            "pk",
        )
    )


def progress_indicators(audience: Audience) -> QuerySet:
    """The indicators whose (indicator, year) rows the progress list shows."""
    return Indicator.objects.filter(activity__theme__plan_id__in=audience.plan_ids)
