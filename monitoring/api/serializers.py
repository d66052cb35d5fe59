"""What one row of each API list holds. Field names and order are ``fields.RESOURCES``
(the stable, documented names; a test keeps them equal); descriptions come from there too.

What a caller may see of a realization (note, approval, evidence) depends on the plan:
``context["audience"]`` (monitoring.api.visibility) tells whether the plan's internal
figures are shown to it.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

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

from .fields import BY_NAME, help_texts


def number(value: Decimal | None) -> int | float | None:
    """A stored decimal as a JSON number: 377 stays 377, 8.2000 is 8.2."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value)


@extend_schema_field(OpenApiTypes.NUMBER)
class NumberField(serializers.Field):
    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return number(value)


def absolute(context: dict, path: str) -> str:
    request = context.get("request")
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.SITE_URL.rstrip("/") + path


class Documented(serializers.Serializer):
    """Descriptions from the field catalogue; every field read-only."""

    resource = ""

    def get_fields(self):
        found = super().get_fields()
        texts = help_texts(self.resource)
        for name, field in found.items():
            field.help_text = texts.get(name, "")
            field.read_only = True
        return found

    def audience(self):
        return self.context["audience"]


def _int(source: str, **kw) -> serializers.IntegerField:
    return serializers.IntegerField(source=source, read_only=True, **kw)


class MunicipalitySerializer(Documented, serializers.ModelSerializer):
    resource = "municipalities"

    class Meta:
        model = Municipality
        fields = BY_NAME["municipalities"].field_names()


class PlanSerializer(Documented, serializers.ModelSerializer):
    resource = "plans"
    municipality = _int("municipality_id")
    municipality_name = serializers.CharField(source="municipality.name", read_only=True)
    figures = serializers.SerializerMethodField()
    dashboard_url = serializers.SerializerMethodField()
    open_data_url = serializers.SerializerMethodField()
    predecessor = serializers.SerializerMethodField()
    kind = serializers.CharField(read_only=True)

    class Meta:
        model = Plan
        fields = BY_NAME["plans"].field_names()

    def get_figures(self, plan) -> str:
        return self.audience().figures(plan.pk)

    def get_dashboard_url(self, plan) -> str:
        return absolute(self.context, reverse("monitoring:overview", args=[plan.pk]))

    def get_predecessor(self, plan) -> int | None:
        """Only a plan the caller may see: a public revision of a private plan names none."""
        pid = plan.predecessor_id
        return pid if pid in self.audience().plan_ids else None

    def get_open_data_url(self, plan) -> str:
        if not plan.is_public:
            return ""
        return absolute(self.context, reverse("monitoring:open_data", args=[plan.pk]))


class ThemeSerializer(Documented, serializers.ModelSerializer):
    resource = "themes"
    plan = _int("plan_id")

    class Meta:
        model = Theme
        fields = BY_NAME["themes"].field_names()


class GoalSerializer(Documented, serializers.ModelSerializer):
    resource = "goals"
    plan = _int("theme.plan_id")
    theme = _int("theme_id")

    class Meta:
        model = Goal
        fields = BY_NAME["goals"].field_names()


class StrategySerializer(Documented, serializers.ModelSerializer):
    resource = "strategies"
    plan = _int("goal.theme.plan_id")
    theme = _int("goal.theme_id")
    goal = _int("goal_id")

    class Meta:
        model = Strategy
        fields = BY_NAME["strategies"].field_names()


class UnitSerializer(Documented, serializers.ModelSerializer):
    resource = "units"
    municipality = _int("municipality_id")

    class Meta:
        model = Unit
        fields = BY_NAME["units"].field_names()


class GroupSerializer(Documented, serializers.ModelSerializer):
    resource = "groups"

    class Meta:
        model = Group
        fields = BY_NAME["groups"].field_names()


class ActivitySerializer(Documented, serializers.ModelSerializer):
    resource = "activities"
    plan = _int("theme.plan_id")
    theme = _int("theme_id")
    goal = _int("goal_id", allow_null=True)
    strategy = _int("strategy_id", allow_null=True)
    responsible_units = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    partner_units = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Activity
        fields = BY_NAME["activities"].field_names()


class IndicatorSerializer(Documented, serializers.ModelSerializer):
    resource = "indicators"
    plan = _int("activity.theme.plan_id")
    theme = _int("activity.theme_id")
    activity = _int("activity_id")
    baseline_value = NumberField()
    continues = serializers.SerializerMethodField()

    class Meta:
        model = Indicator
        fields = BY_NAME["indicators"].field_names()

    def get_continues(self, ind) -> int | None:
        """The continued indicator is of the plan's predecessor (a database rule): named
        only when the caller may see that plan."""
        if ind.continues_id is None:
            return None
        visible = ind.activity.theme.plan.predecessor_id in self.audience().plan_ids
        return ind.continues_id if visible else None


class FigureFields(serializers.Serializer):
    group = _int("group_id", allow_null=True)
    group_code = serializers.SerializerMethodField()
    value = NumberField()

    def get_group_code(self, fig) -> str:
        return fig.group.code if fig.group_id else ""


class TargetSerializer(Documented, FigureFields, serializers.ModelSerializer):
    """Querysets annotate ``plan_ref``, ``theme_ref`` and ``activity_ref`` (an
    indicator's target through its activity, an activity's target directly)."""

    resource = "targets"
    plan = _int("plan_ref")
    theme = _int("theme_ref")
    activity = _int("activity_ref")
    indicator = _int("indicator_id", allow_null=True)
    level = serializers.SerializerMethodField()

    class Meta:
        model = Target
        fields = BY_NAME["targets"].field_names()

    def get_level(self, target) -> str:
        return "indicator" if target.indicator_id else "activity"


class RealizationSerializer(Documented, FigureFields, serializers.ModelSerializer):
    resource = "realizations"
    plan = _int("indicator.activity.theme.plan_id")
    theme = _int("indicator.activity.theme_id")
    activity = _int("indicator.activity_id")
    indicator = _int("indicator_id")
    note = serializers.SerializerMethodField()
    note_internal = serializers.SerializerMethodField()
    approval = serializers.CharField(source="status", read_only=True)
    evidence_url = serializers.SerializerMethodField()
    has_evidence_file = serializers.SerializerMethodField()

    class Meta:
        model = Realization
        fields = BY_NAME["realizations"].field_names()

    def _internal(self, r) -> bool:
        return self.audience().internal(r.indicator.activity.theme.plan_id)

    def get_note(self, r) -> str:
        if r.note_internal and not self._internal(r):
            return ""
        return r.note

    def get_note_internal(self, r) -> bool:
        return bool(r.note_internal and self._internal(r))

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_evidence_url(self, r) -> str | None:
        return r.evidence_url if self._internal(r) else None

    @extend_schema_field(serializers.BooleanField(allow_null=True))
    def get_has_evidence_file(self, r) -> bool | None:
        return bool(r.evidence_file) if self._internal(r) else None


STATUS_ENUM = [
    "achieved",
    "milestone_done",
    "on_track",
    "behind",
    "milestone_not_done",
    "not_started",
    "no_data",
]


class ProgressSerializer(Documented):
    """One (indicator, year) row of ``progress_rows``: plain dictionaries."""

    resource = "progress"
    plan = serializers.IntegerField()
    theme = serializers.IntegerField()
    activity = serializers.IntegerField()
    indicator = serializers.IntegerField()
    year = serializers.IntegerField()
    status = serializers.ChoiceField(choices=STATUS_ENUM)
    status_label = serializers.CharField()
    rate = serializers.FloatField(allow_null=True)
    percent = serializers.FloatField(allow_null=True)
    target_value = serializers.FloatField(allow_null=True)
    target_text = serializers.CharField()
    realization_value = serializers.FloatField(allow_null=True)
    realization_text = serializers.CharField()
    has_realization = serializers.BooleanField()
    figures = serializers.ChoiceField(choices=["approved", "all"])
