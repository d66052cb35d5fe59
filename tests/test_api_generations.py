"""Plan generations in the API: a plan names the plan it follows and its kind, an
indicator the one it continues, and ``realizations?lineage=<id>`` gives an indicator's
figures across the plans it continues; never a plan the caller may not see."""

from __future__ import annotations

import pytest
from django.test import Client

from monitoring.generations import plan_generation_create
from monitoring.models import Realization
from plans.models import Indicator, Plan

from .api_fixtures import planted

__all__ = ["planted"]
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_throttle(settings):
    settings.API_THROTTLE_ANON = ""
    settings.API_THROTTLE_USER = ""


def get(client, path, **params):
    response = client.get(f"/api/v1/{path}", params, HTTP_ACCEPT="application/json")
    assert response.status_code == 200, response.content[:300]
    return response.json()


def revise(plan: Plan) -> Plan:
    return plan_generation_create(
        plan,
        kind=Plan.Kind.REVISION,
        title=plan.title,
        first_year=plan.first_year,
        last_year=plan.last_year,
        user=None,
    ).plan


def _continued_pair(plan: Plan) -> tuple[Indicator, Indicator]:
    """An indicator of ``plan`` whose predecessor has an approved realization."""
    approved = Realization.objects.filter(
        plan=plan.predecessor, status=Realization.Status.APPROVED
    ).values_list("indicator_id", flat=True)
    new = Indicator.objects.filter(activity__theme__plan=plan, continues_id__in=approved)
    new = new.select_related("continues").first()
    return new, new.continues


def test_a_public_revision_names_its_public_predecessor_and_its_figures(planted):
    mersin = planted["mersin"]
    revision = revise(mersin)
    Plan.objects.filter(pk=revision.pk).update(is_public=True)
    anon = Client()
    plan = get(anon, f"plans/{revision.pk}/")
    assert plan["predecessor"] == mersin.pk and plan["kind"] == "revision"
    assert get(anon, f"plans/{mersin.pk}/")["kind"] == ""

    new, old = _continued_pair(revision)
    assert get(anon, f"indicators/{new.pk}/")["continues"] == old.pk
    rows = get(anon, "realizations/", lineage=new.pk, limit=500)["results"]
    expected = Realization.objects.filter(indicator=old, status=Realization.Status.APPROVED)
    assert {r["id"] for r in rows} == set(expected.values_list("pk", flat=True))
    assert {r["plan"] for r in rows} == {mersin.pk}


def test_a_private_predecessor_is_never_named_to_the_public(planted):
    mersin = planted["mersin"]
    revision = revise(mersin)
    Plan.objects.filter(pk=revision.pk).update(is_public=True)
    Plan.objects.filter(pk=mersin.pk).update(is_public=False)
    anon = Client()
    assert get(anon, f"plans/{revision.pk}/")["predecessor"] is None
    new, _old = _continued_pair(revision)
    assert get(anon, f"indicators/{new.pk}/")["continues"] is None
    assert get(anon, "realizations/", lineage=new.pk)["results"] == []
