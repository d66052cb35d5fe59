"""/api/v1/: the read-only API, its OpenAPI 3 schema, an offline Swagger UI and the
field reference page."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import docs, views
from .schema_view import SchemaView

app_name = "api"

router = DefaultRouter()
router.register("municipalities", views.MunicipalityViewSet, basename="municipality")
router.register("plans", views.PlanViewSet, basename="plan")
router.register("themes", views.ThemeViewSet, basename="theme")
router.register("goals", views.GoalViewSet, basename="goal")
router.register("strategies", views.StrategyViewSet, basename="strategy")
router.register("units", views.UnitViewSet, basename="unit")
router.register("groups", views.GroupViewSet, basename="group")
router.register("activities", views.ActivityViewSet, basename="activity")
router.register("indicators", views.IndicatorViewSet, basename="indicator")
router.register("targets", views.TargetViewSet, basename="target")
router.register("realizations", views.RealizationViewSet, basename="realization")
router.register("progress", views.ProgressViewSet, basename="progress")

urlpatterns = [
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="swagger"),
    path("alanlar/", docs.fields_page, name="fields"),
    *router.urls,
    re_path(r"", views.not_found),
]
