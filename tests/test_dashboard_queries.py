"""Every dashboard page runs the same number of SQL queries for a plan of 10 activities
and one of 500: nothing is read row by row."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from monitoring.dashboard import build_snapshot
from monitoring.models import Realization
from plans.models import Activity, Indicator, Plan, Unit
from tests.factories import make_plan

pytestmark = pytest.mark.django_db

# A signed-in request starts with two queries: the session and the user.
SIGNED_IN = 2


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(params=[10, 500], ids=["10-activities", "500-activities"])
def plan(request) -> Plan:
    return make_plan(request.param, 2)


@pytest.fixture
def staff(admin_client_tr):
    return admin_client_tr


def get(client, name, *args, **query):
    response = client.get(reverse(f"monitoring:{name}", args=args), query)
    assert response.status_code == 200
    return response


# plan, its data version, the latest years with figures (cached with the snapshot)
PLAN_AND_FINGERPRINT = 1 + 2
# indicators, targets, realizations, responsible units, activity count
SNAPSHOT = 5
# indicator_rows: indicators, responsible units, partners, targets, realizations
ROWS = 5
PROFILE = 1  # the municipality's local gender profile, whatever its size


def test_overview_queries(plan, staff, django_assert_num_queries):
    # + themes, units; indicator_rows for the lists of what is behind and what went over
    cold = SIGNED_IN + PLAN_AND_FINGERPRINT + SNAPSHOT + 2 + ROWS + PROFILE
    with django_assert_num_queries(cold):
        get(staff, "overview", plan.pk, year=2024)
    with django_assert_num_queries(cold - SNAPSHOT - 1):  # the snapshot is cached
        get(staff, "overview", plan.pk, year=2024)
    # 2026 has no realization yet: nothing behind, nothing over, no indicator_rows
    with django_assert_num_queries(cold - SNAPSHOT - 1 - ROWS):
        get(staff, "overview", plan.pk, year=2026)


def test_public_overview_queries(plan, django_assert_num_queries):
    Plan.objects.filter(pk=plan.pk).update(is_public=True)
    Realization.objects.for_plan(plan).update(status=Realization.Status.APPROVED)
    with django_assert_num_queries(PLAN_AND_FINGERPRINT + SNAPSHOT + 2 + ROWS + PROFILE):
        get(Client(), "overview", plan.pk)


# + unit names, themes, goals (the filter's choices), the filtered ids, indicator_rows (the page)
TABLE = PLAN_AND_FINGERPRINT + SNAPSHOT + 3 + 1 + ROWS


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"page": "2"},
        {"sort": "-oran", "status": "behind"},
        {"sort": "gosterge", "q": "gösterge", "entered": "no", "year": "2025"},
        {"sort": "birim"},
    ],
    ids=["plain", "page-2", "behind-by-rate", "search-by-name", "by-unit"],
)
def test_indicator_table_queries(plan, staff, query, django_assert_num_queries):
    with django_assert_num_queries(SIGNED_IN + TABLE):
        get(staff, "indicator_table", plan.pk, **query)


def test_indicator_table_filtered_by_unit_queries(plan, staff, django_assert_num_queries):
    unit = Unit.objects.filter(responsible_for__theme__plan=plan).first()
    theme = plan.themes.first()
    with django_assert_num_queries(SIGNED_IN + TABLE):
        get(staff, "indicator_table", plan.pk, unit=unit.pk, theme=theme.pk)


@pytest.mark.parametrize("kind", ["csv", "csv-tr", "xlsx"])
def test_download_queries(plan, staff, kind, django_assert_num_queries):
    with django_assert_num_queries(SIGNED_IN + TABLE):
        get(staff, "indicator_table", plan.pk, export=kind)


def test_theme_queries(plan, staff, django_assert_num_queries):
    theme = plan.themes.first()
    # plan, latest year, theme, its activities, indicator_rows
    with django_assert_num_queries(SIGNED_IN + 4 + ROWS):
        get(staff, "theme", plan.pk, theme.pk)


def test_activity_queries(plan, staff, django_assert_num_queries):
    act = Activity.objects.filter(theme__plan=plan).last()
    # plan, latest year, activity + its targets, units and partners, indicator_rows
    with django_assert_num_queries(SIGNED_IN + 2 + 4 + ROWS):
        get(staff, "activity", plan.pk, act.pk)


def test_indicator_queries(plan, staff, django_assert_num_queries):
    ind = Indicator.objects.filter(activity__theme__plan=plan).last()
    # plan, latest year, indicator_rows
    with django_assert_num_queries(SIGNED_IN + 2 + ROWS):
        get(staff, "indicator", plan.pk, ind.pk)


def test_plan_list_queries(plan, staff, django_assert_num_queries):
    with django_assert_num_queries(SIGNED_IN + 1):
        get(staff, "plan_list")


def test_snapshot_queries(plan, django_assert_num_queries):
    with django_assert_num_queries(SNAPSHOT):
        build_snapshot(plan, internal=True)
