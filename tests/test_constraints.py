"""Invariants live in the database: these tests write past the forms, straight to the
ORM, and expect the database itself to refuse. Run on SQLite and on PostgreSQL."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.db import IntegrityError, transaction

from monitoring.models import Realization
from plans.models import FigureState, Group, Target, Theme

from .factories import ActivityFactory, IndicatorFactory, PlanFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def refused(fn):
    with pytest.raises(IntegrityError), transaction.atomic():
        fn()


def test_one_target_per_indicator_year_and_group():
    ind = IndicatorFactory()
    Target.objects.create(indicator=ind, year=2024, value=1)
    refused(lambda: Target.objects.create(indicator=ind, year=2024, value=2))
    women = Group.objects.get(code="kadin")
    Target.objects.create(indicator=ind, year=2024, group=women, value=1)
    refused(lambda: Target.objects.create(indicator=ind, year=2024, group=women, value=3))


def test_one_activity_target_per_year_and_group():
    act = ActivityFactory()
    Target.objects.create(activity=act, year=2024, value=1)
    refused(lambda: Target.objects.create(activity=act, year=2024, value=1))


def test_target_belongs_to_indicator_or_activity_not_both():
    ind = IndicatorFactory()
    refused(lambda: Target.objects.create(indicator=ind, activity=ind.activity, year=2024, value=1))
    refused(lambda: Target.objects.create(year=2024, value=1))


def test_one_realization_per_indicator_year_and_group():
    ind = IndicatorFactory()
    Realization.objects.create(indicator=ind, year=2024, value=1)
    refused(lambda: Realization.objects.create(indicator=ind, year=2024, value=2))


@pytest.mark.parametrize("year", [2023, 2027])
def test_years_outside_the_plan_period_are_refused(year):
    ind = IndicatorFactory()  # plan 2024-2026
    refused(lambda: Target.objects.create(indicator=ind, year=year, value=1))
    refused(lambda: Target.objects.create(activity=ind.activity, year=year, value=1))
    refused(lambda: Realization.objects.create(indicator=ind, year=year, value=1))
    Target.objects.create(indicator=ind, year=2026, value=1)
    real = Realization.objects.create(indicator=ind, year=2024, value=1)
    real.year = 2030
    refused(real.save)


def test_a_dash_is_never_a_zero():
    ind = IndicatorFactory()
    refused(
        lambda: Target.objects.create(
            indicator=ind, year=2024, state=FigureState.NOT_APPLICABLE, value=0
        )
    )
    refused(
        lambda: Target.objects.create(indicator=ind, year=2024, state=FigureState.VALUE, value=None)
    )
    t = Target.objects.create(
        indicator=ind, year=2024, state=FigureState.NOT_APPLICABLE, raw_text="-"
    )
    assert t.value is None


def test_plan_years_must_be_ordered():
    refused(lambda: PlanFactory(first_year=2026, last_year=2024))


def test_theme_codes_unique_in_a_plan_but_blank_codes_repeat():
    plan = PlanFactory()
    Theme.objects.create(plan=plan, code="1", title="Eğitim", position=1)
    refused(lambda: Theme.objects.create(plan=plan, code="1", title="İstihdam", position=2))
    Theme.objects.create(plan=plan, code="", title="A", position=3)
    Theme.objects.create(plan=plan, code="", title="B", position=4)


def test_activity_codes_may_repeat_inside_a_theme():
    """Narlıdere repeats 1.1.1 under different aims: codes are not keys."""
    theme = ThemeFactory()
    ActivityFactory(theme=theme, code="1.1.1", position=1)
    ActivityFactory(theme=theme, code="1.1.1", position=2)
    refused(lambda: ActivityFactory(theme=theme, code="1.1.2", position=2))


def test_values_are_decimals():
    ind = IndicatorFactory()
    t = Target.objects.create(indicator=ind, year=2025, value=Decimal("8.2"), raw_text="%8,2")
    t.refresh_from_db()
    assert t.value == Decimal("8.2")


def test_a_closed_year_refuses_every_write_even_in_bulk():
    """Insert, update (into or out of the year), delete, one row or many in one statement:
    the closed-year check runs on every row the statement touches."""
    from monitoring.excel.bulk import insert_rows
    from monitoring.models import ReportingYear

    ind, other = IndicatorFactory(), IndicatorFactory()
    plan = ind.activity.theme.plan
    kept = Realization.objects.create(indicator=ind, year=2024, value=1)
    later = Realization.objects.create(indicator=ind, year=2025, value=1)
    ReportingYear.objects.create(plan=plan, year=2024, is_closed=True)

    refused(lambda: Realization.objects.create(indicator=ind, year=2024, value=2, group=None))
    refused(lambda: Realization.objects.filter(pk=kept.pk).update(value=5))
    refused(lambda: Realization.objects.filter(pk=later.pk).update(year=2024))
    refused(lambda: Realization.objects.filter(pk=kept.pk).update(year=2026))
    refused(lambda: Realization.objects.filter(pk=kept.pk).delete())
    # a batch with one row in the closed year fails as a whole
    women = Group.objects.get(code="kadin")
    rows = [
        {"indicator_id": other.pk, "year": 2024, "group": None, "value": 1, "raw_text": "1"},
        {"indicator_id": ind.pk, "year": 2024, "group": women, "value": 1, "raw_text": "1"},
    ]
    refused(lambda: insert_rows(Realization, rows))
    assert Realization.objects.filter(indicator__in=(ind, other)).count() == 2
    assert Realization.objects.get(pk=kept.pk).value == 1
    # other years of the plan, and other plans, stay open
    Realization.objects.filter(pk=later.pk).update(value=7)
    Realization.objects.create(indicator=other, year=2024, value=3)


def test_migrations_go_to_zero_and_back(tmp_path):
    """The whole schema, triggers included, comes and goes with the migrations: a fresh
    database forwards, back to zero and forwards again (in a database of its own, on the
    engine the suite runs on)."""
    import os
    import subprocess
    import sys

    from django.db import connection

    root = Path(__file__).resolve().parent.parent
    if connection.vendor == "postgresql":
        import psycopg

        params = connection.get_connection_params()
        name = "yeep_migration_roundtrip"
        with psycopg.connect(**{**params, "dbname": "postgres"}, autocommit=True) as c:
            c.execute(f"DROP DATABASE IF EXISTS {name}")
            c.execute(f"CREATE DATABASE {name}")
        user = params.get("user") or "postgres"
        url = (
            f"postgres://{user}@{params.get('host', '127.0.0.1')}:{params.get('port', 5432)}/{name}"
        )
    else:
        url = f"sqlite:///{tmp_path / 'roundtrip.sqlite3'}"
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "1"}

    def manage(*args):
        subprocess.run(
            [sys.executable, "manage.py", *args, "-v", "0"], cwd=root, env=env, check=True
        )

    manage("migrate")
    manage("migrate", "monitoring", "zero")
    manage("migrate", "plans", "zero")
    manage("migrate")
    out = subprocess.run(
        [sys.executable, "manage.py", "sqlmigrate", "monitoring", "0005"],
        cwd=root,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert "target_closed_year" in out and "plan_period_keeps_figures" in out
