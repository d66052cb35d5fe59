"""Filters of the API's lists (django-filter): plan, theme, year, responsible unit and
status, the same words on every list that has them. Ids and years are bounded integers,
so a wrong or huge value is a 400 with the field's name, never a database error.

``status`` is the dashboard's progress status of an indicator in a year (from the plan's
cached snapshot, monitoring.dashboard); ``approval`` is a realization's approval state.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from monitoring.dashboard import plan_fingerprint, plan_snapshot
from monitoring.lineage import lineage_ids
from monitoring.models import Realization
from monitoring.progress import STATUS_ORDER
from plans.models import Activity, FigureState, Goal, Indicator, Plan, Strategy, Target, Theme

from .visibility import request_audience

MAX_ID = 2**63 - 1
STATUS_CHOICES = [(s, s) for s in STATUS_ORDER]


class IdField(forms.IntegerField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class YearField(forms.IntegerField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 2000)
        kwargs.setdefault("max_value", 2100)
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.NumberFilter):
    field_class = IdField


@extend_schema_field({"type": "integer", "minimum": 2000, "maximum": 2100})
class YearFilter(django_filters.NumberFilter):
    field_class = YearField


class StrictBooleanField(forms.TypedChoiceField):
    """ "true" or "false", nothing else (the schema's boolean)."""

    def __init__(self, *args, **kwargs):
        kwargs["choices"] = [("true", "true"), ("false", "false")]
        kwargs["coerce"] = lambda v: v == "true"
        kwargs["empty_value"] = None
        kwargs.pop("null_label", None)
        super().__init__(*args, **kwargs)


@extend_schema_field(OpenApiTypes.BOOL)
class ApprovedOnlyFilter(django_filters.Filter):
    """Read by ``visibility`` (the public's view); documented and checked here."""

    field_class = StrictBooleanField

    def filter(self, qs, value):
        return qs


def _id(field_name: str, help_text: str) -> IdFilter:
    return IdFilter(field_name=field_name, label=help_text)


class BaseFilter(filters.FilterSet):
    # visibility.APPROVED_ONLY_PARAM: read there, declared here for the schema and the check
    approved_only = ApprovedOnlyFilter(
        label="Yalnızca onaylanmış rakamlar (kamunun gördüğü) / approved figures only"
    )

    class Meta:
        fields: list[str] = []

    def is_valid(self) -> bool:
        """As the schema says: a number, a choice or a boolean given empty ("?plan=") is
        refused, not read as "no filter"."""
        valid = super().is_valid()
        empty = [
            name
            for name, f in self.filters.items()
            if not isinstance(f, django_filters.CharFilter) and self.data.get(name, None) == ""
        ]
        for name in empty:
            self.form.add_error(name, "Boş olamaz / must not be empty")
        return valid and not empty


class PlanFilter(BaseFilter):
    municipality = _id("municipality_id", "Belediye / municipality")
    year = YearFilter(method="covering", label="Bu yılı kapsayan planlar / plans covering the year")
    status = django_filters.ChoiceFilter(choices=Plan.Status.choices, label="Plan durumu")

    class Meta:
        model = Plan
        fields: list[str] = []

    def covering(self, qs, name, value):
        return qs.filter(first_year__lte=value, last_year__gte=value)


class MunicipalityFilter(BaseFilter):
    pass


class ThemeFilter(BaseFilter):
    plan = _id("plan_id", "Plan")

    class Meta:
        model = Theme
        fields: list[str] = []


class GoalFilter(BaseFilter):
    plan = _id("theme__plan_id", "Plan")
    theme = _id("theme_id", "Tema / theme")

    class Meta:
        model = Goal
        fields: list[str] = []


class StrategyFilter(BaseFilter):
    plan = _id("goal__theme__plan_id", "Plan")
    theme = _id("goal__theme_id", "Tema / theme")
    goal = _id("goal_id", "Hedef / goal")

    class Meta:
        model = Strategy
        fields: list[str] = []


class UnitFilter(BaseFilter):
    plan = IdFilter(method="in_plan", label="Plan")

    def in_plan(self, qs, name, value):
        if value not in request_audience(self.request).plan_ids:
            return qs.none()  # a hidden plan's units: not even which visible ones it names
        return qs.filter(
            Q(responsible_for__theme__plan_id=value) | Q(partner_in__theme__plan_id=value)
        ).distinct()


class ActivityFilter(BaseFilter):
    plan = _id("theme__plan_id", "Plan")
    theme = _id("theme_id", "Tema / theme")
    goal = _id("goal_id", "Hedef / goal")
    unit = _id("responsible_units", "Sorumlu birim / responsible unit")

    class Meta:
        model = Activity
        fields: list[str] = []


class StatusMixin:
    """``status``: indicators in this progress status in ``year`` (any plan year when no
    year is given), from each plan's snapshot as the dashboard's table filters."""

    indicator_path = "pk"

    def by_status(self, qs, name, value):
        audience = request_audience(self.request)
        plan_ids = set(audience.plan_ids)
        if self.form.cleaned_data.get("plan"):
            plan_ids &= {self.form.cleaned_data["plan"]}
        year = self.form.cleaned_data.get("year")
        ids: list[int] = []
        for plan in Plan.objects.filter(pk__in=plan_ids):
            snap = plan_snapshot(
                plan, internal=audience.internal(plan.pk), fingerprint=plan_fingerprint(plan)
            )
            for y in [year] if year else snap.years:
                if y in snap.status:
                    ids.extend(snap.ids_where(y, statuses=[value]))
        return qs.filter(**{f"{self.indicator_path}__in": ids})


class IndicatorFilter(StatusMixin, BaseFilter):
    plan = _id("activity__theme__plan_id", "Plan")
    theme = _id("activity__theme_id", "Tema / theme")
    activity = _id("activity_id", "Faaliyet / activity")
    unit = _id("activity__responsible_units", "Sorumlu birim / responsible unit")
    unit_of_measure = django_filters.CharFilter(
        field_name="unit_of_measure", lookup_expr="iexact", label="Ölçü birimi"
    )
    year = YearFilter(method="keep", label="status için yıl / the year of status")
    status = django_filters.ChoiceFilter(
        choices=STATUS_CHOICES, method="by_status", label="İlerleme durumu / progress status"
    )

    class Meta:
        model = Indicator
        fields: list[str] = []

    def keep(self, qs, name, value):
        return qs


class TargetFilter(BaseFilter):
    plan = _id("plan_id", "Plan")  # the target's own plan column
    theme = IdFilter(method="owner", label="Tema / theme")
    activity = IdFilter(method="owner", label="Faaliyet / activity")
    unit = IdFilter(method="owner", label="Sorumlu birim / responsible unit")
    indicator = _id("indicator_id", "Gösterge / indicator")
    year = YearFilter(field_name="year")
    group = _id("group_id", "Kişi grubu / group")
    state = django_filters.ChoiceFilter(choices=FigureState.choices, label="Hücre durumu")

    PATHS = {
        "theme": "theme_id",
        "activity": "id",
        "unit": "responsible_units",
    }

    class Meta:
        model = Target
        fields: list[str] = []

    def owner(self, qs, name, value):
        """An indicator's target through its activity, an activity's directly."""
        path = self.PATHS[name]
        return qs.filter(
            Q(**{f"indicator__activity__{path}": value}) | Q(**{f"activity__{path}": value})
        )


class RealizationFilter(BaseFilter):
    plan = _id("plan_id", "Plan")
    theme = _id("indicator__activity__theme_id", "Tema / theme")
    activity = _id("indicator__activity_id", "Faaliyet / activity")
    unit = _id("indicator__activity__responsible_units", "Sorumlu birim / responsible unit")
    indicator = _id("indicator_id", "Gösterge / indicator")
    year = YearFilter(field_name="year")
    group = _id("group_id", "Kişi grubu / group")
    state = django_filters.ChoiceFilter(choices=FigureState.choices, label="Hücre durumu")
    approval = django_filters.ChoiceFilter(
        field_name="status", choices=Realization.Status.choices, label="Onay durumu / approval"
    )
    lineage = IdFilter(
        method="by_lineage",
        label="Gösterge ve önceki planlarda sürdürdüğü göstergeler / an indicator across plans",
    )

    def by_lineage(self, qs, name, value):
        return qs.filter(indicator_id__in=lineage_ids(value))

    class Meta:
        model = Realization
        fields: list[str] = []


class ProgressFilter(StatusMixin, BaseFilter):
    """The indicators whose (indicator, year) rows the progress list shows."""

    plan = _id("activity__theme__plan_id", "Plan")
    theme = _id("activity__theme_id", "Tema / theme")
    activity = _id("activity_id", "Faaliyet / activity")
    indicator = _id("pk", "Gösterge / indicator")
    unit = _id("activity__responsible_units", "Sorumlu birim / responsible unit")
    year = YearFilter(method="keep", label="Yıl / year")
    status = django_filters.ChoiceFilter(
        choices=STATUS_CHOICES, method="keep", label="İlerleme durumu / progress status"
    )

    class Meta:
        model = Indicator
        fields: list[str] = []

    def keep(self, qs, name, value):
        return qs
