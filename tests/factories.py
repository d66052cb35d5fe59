"""Small plans built in code, for tests that need a known shape."""

from __future__ import annotations

from decimal import Decimal

import factory

from monitoring.models import Realization
from plans.models import Activity, Indicator, Municipality, Plan, Target, Theme, Unit


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Deneme {n} Belediyesi")
    slug = factory.Sequence(lambda n: f"deneme-{n}")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Birim {n} Müdürlüğü")


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    municipality = factory.SubFactory(MunicipalityFactory)
    title = factory.Sequence(lambda n: f"Deneme Eylem Planı {n}")
    first_year = 2024
    last_year = 2026
    status = Plan.Status.IN_FORCE


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    plan = factory.SubFactory(PlanFactory)
    code = factory.Sequence(lambda n: str(n + 1))
    title = factory.Sequence(lambda n: f"Tema {n}")
    position = factory.Sequence(lambda n: n + 1)


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    theme = factory.SubFactory(ThemeFactory)
    code = factory.Sequence(lambda n: f"1.1.{n + 1}")
    title = factory.Sequence(lambda n: f"Faaliyet {n}")
    position = factory.Sequence(lambda n: n + 1)


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    activity = factory.SubFactory(ActivityFactory)
    name = factory.Sequence(lambda n: f"Gösterge {n} sayısı")
    position = factory.Sequence(lambda n: n + 1)


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    indicator = factory.SubFactory(IndicatorFactory)
    year = 2024
    value = Decimal(10)
    raw_text = "10"


class RealizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Realization

    indicator = factory.SubFactory(IndicatorFactory)
    year = 2024
    value = Decimal(8)
    raw_text = "8"


def make_plan(
    n_activities: int, indicators_per_activity: int = 1, *, municipality=None, units: int = 3
) -> Plan:
    """A plan of n activities spread over 4 themes, with targets and realizations for
    every year; built with bulk inserts so big plans stay fast."""
    plan = PlanFactory(municipality=municipality or MunicipalityFactory())
    unit_objs = [UnitFactory(municipality=plan.municipality) for _ in range(units)]
    themes = Theme.objects.bulk_create(
        Theme(plan=plan, code=str(i + 1), title=f"Tema {i + 1}", position=i + 1) for i in range(4)
    )
    acts = Activity.objects.bulk_create(
        Activity(
            theme=themes[i % 4],
            code=f"{i % 4 + 1}.1.{i // 4 + 1}",
            title=f"Faaliyet {i + 1}",
            position=i // 4 + 1,
        )
        for i in range(n_activities)
    )
    through = Activity.responsible_units.through
    through.objects.bulk_create(
        through(activity_id=a.pk, unit_id=unit_objs[i % units].pk) for i, a in enumerate(acts)
    )
    inds = Indicator.objects.bulk_create(
        Indicator(
            activity=a,
            position=j + 1,
            name=f"Gösterge {a.code}/{j + 1}",
            baseline_value=Decimal(5),
            baseline_raw="5",
        )
        for a in acts
        for j in range(indicators_per_activity)
    )
    Target.objects.bulk_create(
        Target(indicator=ind, year=y, value=Decimal(10), raw_text="10")
        for ind in inds
        for y in plan.years
    )
    Realization.objects.bulk_create(
        Realization(indicator=ind, year=2024, value=Decimal(k % 15), raw_text=str(k % 15))
        for k, ind in enumerate(inds)
    )
    return plan
