"""Who is reached through the API (/api/v1/plans/{id}/reach/): the sums the dashboard's
"Kime ulaşıldı" page shows the same caller; a draft never reaches the public; a plan the
caller may not see is a 404."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from monitoring.models import Realization
from monitoring.reach import people_indicators, reach

from .api_fixtures import planted

__all__ = ["planted"]
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_throttle(settings):
    settings.API_THROTTLE_ANON = ""
    settings.API_THROTTLE_USER = ""


def get(client, path, status=200, **params):
    response = client.get(f"/api/v1/{path}", params, HTTP_ACCEPT="application/json")
    assert response.status_code == status, response.content[:300]
    return response.json()


def by_code(data) -> dict[str, dict]:
    return {line["group_code"]: line["sums"] for line in data["groups"]}


def test_the_public_gets_the_public_pages_sums(planted):
    mersin = planted["mersin"]
    data = get(Client(), f"plans/{mersin.pk}/reach/", year=2024)
    page = reach(mersin, 2024, internal=False)
    assert data["year"] == 2024 and data["figures"] == "approved"
    assert data["people_indicators"] == page.people_indicators
    sums = by_code(data)
    for line in page.groups:
        assert Decimal(str(sums[line.code]["realized"])) == line.sums.realized, line.code
        assert Decimal(str(sums[line.code]["target"])) == line.sums.target, line.code
        assert sums[line.code]["indicators"] == sorted(line.sums.indicators)
    assert Decimal(str(data["total"]["realized"])) == page.total.realized > 0


def test_a_draft_counts_for_the_equality_unit_and_never_for_the_public(planted, roles, as_user):
    mersin = planted["mersin"]
    real = (
        Realization.objects.filter(
            plan=mersin,
            year=2024,
            status=Realization.Status.APPROVED,
            indicator__in=people_indicators(mersin),
            value__isnull=False,
        )
        .order_by("pk")
        .first()
    )
    Realization.objects.filter(pk=real.pk).update(status=Realization.Status.DRAFT)
    public = get(Client(), f"plans/{mersin.pk}/reach/", year=2024)
    unit = get(as_user(roles["equality"]), f"plans/{mersin.pk}/reach/", year=2024)
    assert unit["figures"] == "all"
    gap = Decimal(str(unit["total"]["realized"])) - Decimal(str(public["total"]["realized"]))
    assert gap == real.value


def test_hidden_plans_and_bad_years(planted):
    anon = Client()
    get(anon, f"plans/{planted['narlidere'].pk}/reach/", status=404)
    get(anon, "plans/999999/reach/", status=404)
    get(anon, "plans/x/reach/", status=404)
    for year in ("1999", "abc", ""):
        get(anon, f"plans/{planted['mersin'].pk}/reach/", status=400, year=year)
    empty = get(anon, f"plans/{planted['mersin'].pk}/reach/", year=2099)
    assert empty["total"]["realizations"] == 0 and empty["total"]["realized"] == 0
