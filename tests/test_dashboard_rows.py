"""The dashboard's reader of a few indicators gives what plan_table gives for them, and
reads nothing else of the plan."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db.models.signals import post_init

from monitoring.dashboard import indicator_rows, rows_for_ids, thresholds
from monitoring.figures import plan_table
from monitoring.models import Realization
from plans.models import Activity, Indicator, Plan, Target
from tests.factories import make_plan

pytestmark = pytest.mark.django_db


def summary(row):
    def figures(by_year):
        return {y: sorted(f.pk for f in rows) for y, rows in by_year.items()}

    return (
        row.indicator.pk,
        row.activity.pk,
        figures(row.targets),
        figures(row.activity_targets),
        figures(row.realizations),
        [u.pk for u in row.responsible],
        [u.pk for u in row.partners],
    )


@pytest.mark.parametrize("internal", [True, False], ids=["staff", "public"])
def test_indicator_rows_are_plan_tables_rows(internal):
    th = thresholds()
    for plan in Plan.objects.all():
        expected = plan_table(plan, approved_only=not internal)
        got = indicator_rows(
            plan, Indicator.objects.filter(activity__theme__plan=plan), internal=internal
        )
        assert [summary(r) for r in got] == [summary(r) for r in expected]
        for a, b in zip(got, expected, strict=True):
            for y in plan.years:
                assert a.progress(y, th) == b.progress(y, th)


def test_a_few_rows_of_a_big_plan_read_only_those():
    plan = make_plan(500, 2)
    ids = list(
        Indicator.objects.filter(activity__theme__plan=plan).values_list("pk", flat=True)[:20]
    )
    made = Counter()

    def count(sender, **kwargs):
        made[sender.__name__] += 1

    for model in (Indicator, Activity, Target, Realization):
        post_init.connect(count, sender=model)
    try:
        rows = rows_for_ids(plan, ids, internal=True)
    finally:
        for model in (Indicator, Activity, Target, Realization):
            post_init.disconnect(count, sender=model)
    assert [r.indicator.pk for r in rows] == ids
    years = len(plan.years)
    assert made["Indicator"] == 20
    assert made["Activity"] <= 20
    assert made["Target"] <= 20 * years
    assert made["Realization"] <= 20 * years
