"""monitoring.excel.bulk: the imports' inserts store what bulk_create would, constraints
included."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from monitoring.excel.bulk import bulk_insert, insert_rows
from monitoring.models import FigureChange
from plans.models import Activity, Indicator, Target, Theme

from .factories import PlanFactory

pytestmark = pytest.mark.django_db


def test_bulk_insert_sets_keys_and_links_levels_saved_before():
    plan = PlanFactory()
    themes = [Theme(plan=plan, code=str(i), title=f"Tema {i}", position=i) for i in (1, 2)]
    bulk_insert(themes)
    assert all(t.pk for t in themes) and not themes[0]._state.adding
    acts = [Activity(theme=t, code=f"{t.code}.1.1", title="Eğitim", position=1) for t in themes]
    bulk_insert(acts)
    stored = {a.pk: a for a in Activity.objects.filter(theme__plan=plan)}
    assert {a.pk for a in acts} == set(stored)
    assert stored[acts[1].pk].theme_id == themes[1].pk
    assert stored[acts[1].pk].title == "Eğitim"


def test_insert_rows_takes_instances_for_keys_and_fills_defaults():
    plan = PlanFactory()
    theme = Theme.objects.create(plan=plan, code="1", title="Tema", position=1)
    act = Activity.objects.create(theme=theme, code="1.1.1", title="Eğitim", position=1)
    ind = Indicator.objects.create(activity=act, position=1, name="Eğitim sayısı")
    insert_rows(
        Target,
        [
            {"indicator": ind, "year": 2024, "state": "value", "value": Decimal("7.885")},
            {"indicator": ind, "year": 2025, "state": "na", "value": None},
        ],
    )
    got = {t.year: t for t in Target.objects.filter(indicator=ind)}
    assert got[2024].value == Decimal("7.885") and got[2025].value is None
    assert got[2024].activity_id is None and got[2024].raw_text == ""  # the defaults
    assert got[2024].updated_at is not None
    keys = insert_rows(
        FigureChange,
        [{"kind": "target", "indicator_id": ind.pk, "year": 2024, "new_text": "8"}],
        returning=True,
    )
    assert FigureChange.objects.get(pk=keys[0]).new_text == "8"


def test_insert_rows_refuses_what_it_cannot_store():
    with pytest.raises(ValueError, match="no field"):
        insert_rows(Target, [{"year": 2024, "colour": "red"}])
    with pytest.raises(ValueError, match="already saved"):
        bulk_insert([PlanFactory()])


def test_database_constraints_still_apply():
    """A target belongs to an indicator or to an activity, not neither."""
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows(Target, [{"indicator": None, "activity": None, "year": 2024}])
