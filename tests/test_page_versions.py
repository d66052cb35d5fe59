"""The data version (the cached pages' key) follows what the pages show beyond the plan's
own figures, whatever writes it: the municipality's gender profile (overview), an
activity's budget, and the figures of the plans a plan continues (its indicator page)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from monitoring.generations import plan_generation_create
from monitoring.models import ActivityBudget, Realization
from plans.models import Activity, DataVersion, Plan, ProfileFigure, ProfileMeasure, Target
from tests.factories import make_plan

pytestmark = pytest.mark.django_db


def versions(*plans: Plan) -> list[int]:
    return [DataVersion.of(p.pk) for p in plans]


def revise(plan: Plan) -> Plan:
    return plan_generation_create(
        plan,
        kind=Plan.Kind.REVISION,
        title=plan.title,
        first_year=plan.first_year,
        last_year=plan.last_year,
        user=None,
    ).plan


def test_a_profile_figure_bumps_every_plan_of_its_municipality_only():
    plan, other = make_plan(2), make_plan(2)
    before = versions(plan, other)
    ProfileFigure.objects.create(
        municipality=plan.municipality,
        measure=ProfileMeasure.objects.first(),
        year=2024,
        women=9,
        men=16,
    )
    after = versions(plan, other)
    assert after[0] > before[0] and after[1] == before[1]
    ProfileFigure.objects.filter(municipality=plan.municipality).update(women=10)
    assert versions(plan)[0] > after[0]


def test_a_budget_bumps_its_plan():
    plan = make_plan(2)
    before = versions(plan)[0]
    activity = Activity.objects.filter(theme__plan=plan).first()
    ActivityBudget.objects.create(activity=activity, year=plan.first_year, planned=Decimal(5))
    assert versions(plan)[0] > before


def test_figures_of_a_plan_bump_the_plans_that_continue_it():
    first = make_plan(2)
    second = revise(first)
    third = revise(second)
    unrelated = make_plan(2, municipality=first.municipality)
    before = versions(first, second, third, unrelated)

    Realization.objects.filter(plan=first).update(raw_text="12")
    mid = versions(first, second, third, unrelated)
    assert [m > b for m, b in zip(mid, before, strict=True)] == [True, True, True, False]

    Target.objects.filter(plan=second).update(raw_text="13")
    after = versions(first, second, third, unrelated)
    assert after[0] == mid[0]  # a later plan's figures do not change an earlier one's pages
    assert after[1] > mid[1] and after[2] > mid[2] and after[3] == mid[3]


def test_the_database_refuses_a_budget_in_a_closed_year_or_outside_the_plan():
    from django.db import DatabaseError, transaction

    from monitoring.models import ReportingYear

    plan = make_plan(2)
    activity = Activity.objects.filter(theme__plan=plan).first()
    budget = ActivityBudget.objects.create(activity=activity, year=plan.first_year, planned=5)
    ReportingYear.objects.create(plan=plan, year=plan.first_year, is_closed=True)
    for write in (
        lambda: ActivityBudget.objects.filter(pk=budget.pk).update(planned=6),
        lambda: ActivityBudget.objects.filter(pk=budget.pk).delete(),
        lambda: ActivityBudget.objects.create(
            activity=activity, year=plan.last_year + 1, planned=1
        ),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            write()
    budget.refresh_from_db()
    assert budget.planned == 5
