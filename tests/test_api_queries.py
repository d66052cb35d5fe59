"""No N+1 in the API: every list costs the same queries for 5 rows as for 50, for an
anonymous caller and for a signed-in one; a detail costs a fixed few."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from monitoring.api.fields import RESOURCES

from .api_fixtures import planted

__all__ = ["planted"]
pytestmark = pytest.mark.django_db

LISTS = [r.name for r in RESOURCES]
# the most a list may cost: audience (visible plans), count, page, prefetches; for a
# signed-in caller its session, user and profile too; progress: the plans, their data
# versions and the dashboard's rows for the page
MOST = {"progress": 20}


@pytest.fixture(autouse=True)
def _no_throttle(settings):
    settings.API_THROTTLE_ANON = ""
    settings.API_THROTTLE_USER = ""


def queries(client, path, **params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, params, HTTP_ACCEPT="application/json")
    assert response.status_code == 200, (path, response.content[:200])
    return len(ctx.captured_queries), response.json()


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("who", ["anonymous", "equality"])
def test_a_list_costs_the_same_for_5_and_50_rows(planted, roles, name, who):
    client = Client()
    if who != "anonymous":
        client.force_login(roles[who])
    path = f"/api/v1/{name}/"
    plan = planted["bc" if name == "strategies" else "mersin"]  # Mersin's plan has none
    params = {"plan": plan.pk} if name not in ("municipalities", "groups") else {}
    queries(client, path, limit=5, **params)  # the plan's snapshot, built once and cached
    few, small = queries(client, path, limit=5, **params)
    many, big = queries(client, path, limit=50, **params)
    if name not in ("plans", "municipalities", "groups"):
        assert len(big["results"]) > len(small["results"]) == 5, name
    assert few == many, (name, few, many)
    assert many <= MOST.get(name, 10), (name, many)


@pytest.mark.parametrize("name", ["activities", "realizations", "targets", "indicators"])
def test_a_detail_costs_a_fixed_few(planted, name):
    client = Client()
    first = client.get(f"/api/v1/{name}/", {"limit": 1}).json()["results"][0]
    n, _ = queries(client, f"/api/v1/{name}/{first['id']}/")
    assert n <= 5, (name, n)
