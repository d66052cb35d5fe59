"""A figure's plan and an audit row's municipality are columns of their own, kept right
by the database (monitoring.triggers OWNER_COLUMNS): filled when a write leaves them
out, refused when wrong, following an owner that moves. Run on SQLite and PostgreSQL."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from monitoring.excel.bulk import insert_rows
from monitoring.models import FigureChange, Realization
from monitoring.realizations import RealizationChange, realizations_apply
from monitoring.targets import TargetChange, targets_apply
from plans.models import Target
from plans.scoping import scope

from .conftest import make_role_user
from .factories import (
    ActivityFactory,
    IndicatorFactory,
    MunicipalityFactory,
    PlanFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


def refused(fn):
    with pytest.raises(IntegrityError), transaction.atomic():
        fn()


def plan_of(model, pk):
    return model.objects.filter(pk=pk).values_list("plan_id", flat=True).get()


def test_plan_is_filled_when_left_out():
    ind = IndicatorFactory()
    plan_id = ind.activity.theme.plan_id
    t = Target.objects.create(indicator=ind, year=2024, value=1)
    a = Target.objects.create(activity=ind.activity, year=2025, value=1)
    r = Realization.objects.create(indicator=ind, year=2024, value=1)
    assert plan_of(Target, t.pk) == plan_of(Target, a.pk) == plan_of(Realization, r.pk) == plan_id
    Target.objects.bulk_create([Target(indicator=ind, year=2026, value=2)])
    assert set(Target.objects.filter(indicator=ind).values_list("plan_id", flat=True)) == {plan_id}
    # a save of an instance that never read its plan (None in Python) keeps it right
    t.value = Decimal(3)
    t.save()
    assert plan_of(Target, t.pk) == plan_id


def test_wrong_plan_is_refused_on_insert_and_update():
    ind = IndicatorFactory()
    other = PlanFactory()
    refused(lambda: Target.objects.create(indicator=ind, year=2024, value=1, plan=other))
    refused(lambda: Realization.objects.create(indicator=ind, year=2024, value=1, plan=other))
    refused(
        lambda: insert_rows(
            Target,
            [{"indicator_id": ind.pk, "year": 2024, "state": "value", "value": 1, "plan": other}],
        )
    )
    t = Target.objects.create(indicator=ind, year=2024, value=1)
    r = Realization.objects.create(indicator=ind, year=2024, value=1)
    refused(lambda: Target.objects.filter(pk=t.pk).update(plan=other))
    refused(lambda: Realization.objects.filter(pk=r.pk).update(plan=other))
    assert plan_of(Target, t.pk) == plan_of(Realization, r.pk) == ind.activity.theme.plan_id


def test_plan_follows_the_indicator_and_the_activity():
    ind = IndicatorFactory()
    t = Target.objects.create(indicator=ind, year=2024, value=1)
    r = Realization.objects.create(indicator=ind, year=2024, value=1)
    elsewhere = IndicatorFactory()
    new_plan = elsewhere.activity.theme.plan_id
    # a figure moved to another plan's indicator
    Target.objects.filter(pk=t.pk).update(indicator=elsewhere)
    Realization.objects.filter(pk=r.pk).update(indicator=elsewhere)
    assert plan_of(Target, t.pk) == plan_of(Realization, r.pk) == new_plan
    # the indicator moved under an activity of a third plan: its figures go along
    third = ActivityFactory()
    elsewhere.activity = third
    elsewhere.save()
    assert plan_of(Target, t.pk) == plan_of(Realization, r.pk) == third.theme.plan_id
    # the activity moved to a theme of a fourth plan (an activity target too)
    at = Target.objects.create(activity=third, year=2025, value=1)
    theme = ThemeFactory()
    third.theme = theme
    third.save()
    assert plan_of(Target, t.pk) == plan_of(Target, at.pk) == theme.plan_id
    assert plan_of(Realization, r.pk) == theme.plan_id
    # the theme moved to a fifth plan
    fifth = PlanFactory()
    theme.plan = fifth
    theme.save()
    assert {plan_of(Target, t.pk), plan_of(Target, at.pk), plan_of(Realization, r.pk)} == {fifth.pk}


def test_the_writers_store_the_plan_and_the_audit_municipality():
    ind = IndicatorFactory()
    plan = ind.activity.theme.plan
    targets_apply(
        [
            TargetChange(2024, "50 Kadın 50 Erkek", indicator_id=ind.pk),
            TargetChange(2025, "12", activity_id=ind.activity_id),
        ],
        user=None,
        source="test",
    )
    realizations_apply(
        [
            RealizationChange(
                indicator=ind,
                old=[],
                new=[Realization(indicator=ind, year=2024, value=Decimal(7), raw_text="7")],
            )
        ],
        user=None,
        source="test",
    )
    mine = Target.objects.filter(indicator__activity=ind.activity) | Target.objects.filter(
        activity=ind.activity
    )
    assert set(mine.values_list("plan_id", flat=True)) == {plan.pk}
    assert mine.count() == 3  # two groups and the activity's
    assert list(Realization.objects.filter(indicator=ind).values_list("plan_id", flat=True)) == [
        plan.pk
    ]
    audit = FigureChange.objects.filter(plan=plan)
    assert audit.count() == 3
    assert set(audit.values_list("municipality_id", flat=True)) == {plan.municipality_id}


def test_audit_rows_follow_their_plan_and_outlive_it():
    ind = IndicatorFactory()
    plan = ind.activity.theme.plan
    targets_apply([TargetChange(2024, "5", indicator_id=ind.pk)], user=None, source="test")
    change = FigureChange.objects.get(plan=plan)
    refused(
        lambda: FigureChange.objects.filter(pk=change.pk).update(municipality=MunicipalityFactory())
    )
    moved_to = MunicipalityFactory()
    plan.municipality = moved_to
    plan.save()
    change.refresh_from_db()
    assert change.municipality_id == moved_to.pk
    plan.delete()
    change.refresh_from_db()
    assert change.plan_id is None and change.municipality_id == moved_to.pk


def test_scope_reads_the_columns():
    """The equality unit of one municipality sees its targets (an indicator's and an
    activity's) and its audit rows, none of another municipality's."""
    MunicipalityFactory(name="Sahip Belediyesi")
    user = make_role_user("birim_x", "Eşitlik birimi", "Sahip Belediyesi")
    own = IndicatorFactory(activity__theme__plan__municipality=user.profile.municipality)
    foreign = IndicatorFactory()
    for ind in (own, foreign):
        targets_apply(
            [
                TargetChange(2024, "5", indicator_id=ind.pk),
                TargetChange(2024, "6", activity_id=ind.activity_id),
            ],
            user=None,
            source="test",
        )
    mine = {own.activity.theme.plan_id}
    seen = scope(Target.objects.all(), user)
    assert sorted(t.raw_text for t in seen) == ["5", "6"]
    assert {t.plan_id for t in seen} == mine
    audit = scope(FigureChange.objects.all(), user)
    assert audit.count() == 2 and set(audit.values_list("plan_id", flat=True)) == mine
    assert FigureChange.objects.filter(plan=foreign.activity.theme.plan).count() == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner")
def test_plan_pages_read_through_the_indexes():
    """EXPLAIN with sequential scans made expensive: the plan's targets, realizations
    and a municipality's audit list are read through their own indexes."""
    from plans.lookups import TrContains  # noqa: F401 - registers tr_contains

    ind = IndicatorFactory()
    plan = ind.activity.theme.plan
    with connection.cursor() as c:
        c.execute("SET LOCAL enable_seqscan = off")
    assert "target_plan_year" in Target.objects.filter(plan=plan).explain()
    assert "realization_plan_year" in Realization.objects.filter(plan=plan).explain()
    audit = FigureChange.objects.filter(municipality=plan.municipality_id)[:100]
    assert "figurechange_mun_at" in audit.explain()
    search = type(ind).objects.filter(name__tr_contains="istihdam").order_by().values("pk")
    assert "indicator_name_trgm" in search.explain()
