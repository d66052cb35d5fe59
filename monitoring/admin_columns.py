"""The realization changelist's review columns: the year's target beside the figure
and the reason for deviation, read in the list's own query (subqueries), so the
list stays one query per page and fits a 1366 px screen."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import admin
from django.db.models import OuterRef, Subquery
from django.template.defaultfilters import truncatechars
from django.utils.translation import gettext_lazy as _

from plans.admin import value_column
from plans.models import Target

from .templatetags.yeep_format import format_number


def _target(column: str, **owner) -> Subquery:
    """The first target of the figure's indicator (or activity) and year: one column."""
    targets = Target.objects.filter(year=OuterRef("year"), **owner).order_by(
        "group__position", "pk"
    )
    return Subquery(targets.values(column)[:1])


class ReviewColumnsMixin:
    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                target_raw=_target("raw_text", indicator=OuterRef("indicator")),
                target_value=_target("value", indicator=OuterRef("indicator")),
                activity_target_raw=_target(
                    "raw_text", activity=OuterRef("indicator__activity"), indicator=None
                ),
            )
        )

    @admin.display(description=_("gösterge"), ordering="indicator__name")
    def indicator_short(self, obj):
        return truncatechars(obj.indicator.name, 70)

    @admin.display(description=_("hedef"))
    def target_column(self, obj):
        if getattr(obj, "target_raw", None):
            return obj.target_raw
        if getattr(obj, "target_value", None) is not None:
            return format_number(Decimal(obj.target_value))
        return getattr(obj, "activity_target_raw", None) or "–"

    @admin.display(description=_("gerçekleşme"), ordering="value")
    def figure_column(self, obj):
        """The number as people read it (7,88), else the cell's text; with its group."""
        text = value_column(obj) if obj.value is not None else (obj.raw_text or "–")
        return f"{text} {obj.group.name}" if obj.group_id else text

    @admin.display(description=_("sapma nedeni"))
    def reason_column(self, obj):
        return truncatechars(obj.deviation_reason, 60) or "–"
