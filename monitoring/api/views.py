"""The read-only API's views: thin. Every queryset starts from the request's audience
(monitoring.api.visibility), so a row the dashboard would not show the caller is not in a
list, not behind a filter and not behind its id (404)."""

from __future__ import annotations

import re

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from plans.models import Indicator

from . import filters, querysets, serializers
from .progress_rows import progress_keys, progress_rows
from .reach import YEAR_PARAM, ReachSerializer, reach_response
from .visibility import NOBODY, Audience, request_audience

ID = re.compile(r"[1-9][0-9]{0,17}")


class ReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """A list and a detail; ``rows`` (monitoring.api.querysets) gives what the caller may
    see, so an id outside it is a 404 like a missing one."""

    lookup_value_regex = r"[^/]+"  # everything reaches get_object: a JSON 404, never HTML
    rows = staticmethod(querysets.plans)

    def get_queryset(self):
        return self.rows(self.audience())

    def audience(self) -> Audience:
        if getattr(self, "swagger_fake_view", False):  # the schema: no query
            return NOBODY
        return request_audience(self.request)

    def get_object(self):
        """A detail by its id; anything but a plain id is a 404 like a hidden one."""
        if not ID.fullmatch(str(self.kwargs.get(self.lookup_field, ""))):
            raise NotFound
        return super().get_object()

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["audience"] = self.audience()
        return context


def _tags(name: str):
    return extend_schema_view(list=extend_schema(tags=[name]), retrieve=extend_schema(tags=[name]))


@_tags("plans")
class MunicipalityViewSet(ReadOnlyViewSet):
    serializer_class = serializers.MunicipalitySerializer
    filterset_class = filters.MunicipalityFilter
    rows = staticmethod(querysets.municipalities)


@_tags("plans")
class PlanViewSet(ReadOnlyViewSet):
    serializer_class = serializers.PlanSerializer
    filterset_class = filters.PlanFilter
    rows = staticmethod(querysets.plans)

    @extend_schema(parameters=[YEAR_PARAM], responses=ReachSerializer, filters=False)
    @action(detail=True, url_path="reach", pagination_class=None, filter_backends=[])
    def reach(self, request, pk=None):
        """Who is reached in a year (people per group and by sex, against the targets),
        as the dashboard's "Kime ulaşıldı" page sums it for the same caller."""
        if not ID.fullmatch(str(pk)):
            raise NotFound
        plan = self.rows(self.audience()).filter(pk=pk).first()
        if plan is None:
            raise NotFound
        return reach_response(plan, self.audience(), request.query_params.get("year"))


@_tags("structure")
class ThemeViewSet(ReadOnlyViewSet):
    serializer_class = serializers.ThemeSerializer
    filterset_class = filters.ThemeFilter
    rows = staticmethod(querysets.themes)


@_tags("structure")
class GoalViewSet(ReadOnlyViewSet):
    serializer_class = serializers.GoalSerializer
    filterset_class = filters.GoalFilter
    rows = staticmethod(querysets.goals)


@_tags("structure")
class StrategyViewSet(ReadOnlyViewSet):
    serializer_class = serializers.StrategySerializer
    filterset_class = filters.StrategyFilter
    rows = staticmethod(querysets.strategies)


@_tags("structure")
class UnitViewSet(ReadOnlyViewSet):
    serializer_class = serializers.UnitSerializer
    filterset_class = filters.UnitFilter
    rows = staticmethod(querysets.units)


@_tags("structure")
class GroupViewSet(ReadOnlyViewSet):
    serializer_class = serializers.GroupSerializer
    filterset_class = filters.BaseFilter
    rows = staticmethod(querysets.groups)


@_tags("structure")
class ActivityViewSet(ReadOnlyViewSet):
    serializer_class = serializers.ActivitySerializer
    filterset_class = filters.ActivityFilter
    rows = staticmethod(querysets.activities)


@_tags("figures")
class IndicatorViewSet(ReadOnlyViewSet):
    serializer_class = serializers.IndicatorSerializer
    filterset_class = filters.IndicatorFilter
    rows = staticmethod(querysets.indicators)


@_tags("figures")
class TargetViewSet(ReadOnlyViewSet):
    serializer_class = serializers.TargetSerializer
    filterset_class = filters.TargetFilter
    rows = staticmethod(querysets.targets)


@_tags("figures")
class RealizationViewSet(ReadOnlyViewSet):
    serializer_class = serializers.RealizationSerializer
    filterset_class = filters.RealizationFilter
    rows = staticmethod(querysets.realizations)


@extend_schema_view(list=extend_schema(tags=["figures"]))
class ProgressViewSet(viewsets.GenericViewSet):
    """Progress per indicator and year, as the dashboard computes it (its snapshot and
    its rows): status, rate, target and realization of the year."""

    serializer_class = serializers.ProgressSerializer
    filterset_class = filters.ProgressFilter
    queryset = Indicator.objects.none()  # for the schema; get_queryset is the real one

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return querysets.progress_indicators(request_audience(self.request))

    def list(self, request):
        audience = request_audience(request)
        fs = self.filterset_class(request.query_params, self.get_queryset(), request=request)
        if not fs.is_valid():
            raise ValidationError(fs.errors)
        keys = progress_keys(
            audience,
            fs.qs,
            year=fs.form.cleaned_data.get("year"),
            status=fs.form.cleaned_data.get("status") or None,
        )
        page = self.paginate_queryset(keys)
        rows = progress_rows(audience, page)
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)

    def get_paginated_response(self, data) -> Response:
        return self.paginator.get_paginated_response(data)


def not_found(request, *args, **kwargs):
    """Any other address under /api/v1/: a JSON 404, as the API's own."""
    from django.http import JsonResponse

    return JsonResponse({"detail": "Bulunamadı / not found"}, status=404)
