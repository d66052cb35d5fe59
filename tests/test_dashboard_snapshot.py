"""The dashboard's services: the cached snapshot agrees with plan_table, its cache key
changes with every change that matters, the access rule, the year, Turkish numbers."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.utils import translation

from monitoring.dashboard import (
    build_snapshot,
    choose_year,
    plan_fingerprint,
    thresholds,
    visible_plans,
)
from monitoring.figures import plan_table
from monitoring.models import Realization
from monitoring.progress import STATUS_ORDER
from monitoring.templatetags.yeep_format import format_number, format_percent, rate_pct
from plans.models import Activity, Indicator, Plan, Target, Unit
from tests.factories import make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize("internal", [True, False], ids=["staff", "public"])
def test_snapshot_statuses_are_plan_tables(internal):
    """The snapshot runs IndicatorRow.progress on value rows; it must agree with the
    model-based plan_table for every indicator and year of the demo plans."""
    th = thresholds()
    for plan in Plan.objects.all():
        snap = build_snapshot(plan, internal=internal)
        rows = plan_table(plan, approved_only=not internal)
        assert list(snap.ids) == [r.indicator.pk for r in rows]
        for y in plan.years:
            expected = [r.progress(y, th) for r in rows]
            assert [snap.status_of(y, i) for i in range(len(rows))] == [p.status for p in expected]
            rates = [None if p.rate is None else float(p.rate) for p in expected]
            got = [None if r != r else r for r in snap.rate[y]]
            assert got == pytest.approx(rates, nan_ok=True)
            tally = snap.by_year[y]
            assert tally.total == len(rows)
            assert tally.entered == sum(
                1 for r in rows if any(x.state != "blank" for x in r.realizations.get(y, []))
            )


def test_snapshot_tallies_of_mersin_2024():
    plan = Plan.objects.get(municipality__name__startswith="Mersin")
    snap = build_snapshot(plan, internal=True)
    tally = snap.by_year[2024]
    assert snap.activity_count == 118 and snap.indicator_count == 146
    assert dict(tally.counts) == {
        "achieved": 121,
        "on_track": 3,
        "behind": 5,
        "not_started": 14,
        "no_data": 3,
    }
    assert (tally.entered, tally.missing, tally.achieved, tally.behind) == (145, 1, 121, 5)
    assert sum(t.total for t in snap.by_theme[2024].values()) == 146
    assert set(snap.status[2024]) <= set(range(len(STATUS_ORDER)))


# ---------------------------------------------------------------------------- fingerprint


@pytest.fixture
def small_plan():
    return make_plan(6, 2)


def key(plan):
    plan.refresh_from_db()
    return plan_fingerprint(plan).key


def test_fingerprint_is_stable(small_plan):
    assert key(small_plan) == key(small_plan)


def test_fingerprint_changes_with_realizations(small_plan):
    before = key(small_plan)
    real = Realization.objects.for_plan(small_plan).first()
    real.value, real.raw_text = Decimal(99), "99"
    real.save()
    after_edit = key(small_plan)
    assert after_edit != before
    Realization.objects.filter(pk=real.pk).update(status=Realization.Status.APPROVED)
    after_approval = key(small_plan)
    assert after_approval != after_edit
    Realization.objects.filter(pk=real.pk).update(milestone_done=True)
    assert key(small_plan) != after_approval
    last = key(small_plan)
    real.delete()
    assert key(small_plan) != last


def test_fingerprint_changes_with_targets(small_plan):
    before = key(small_plan)
    target = Target.objects.filter(indicator__activity__theme__plan=small_plan).first()
    target.value = Decimal(1)
    target.save()
    assert key(small_plan) != before


def test_fingerprint_changes_with_an_indicators_settings(small_plan):
    ind = Indicator.objects.filter(activity__theme__plan=small_plan).first()
    for change in (
        {"direction": Indicator.Direction.DECREASE},
        {"accumulation": Indicator.Accumulation.LEVEL},
        {"baseline_value": Decimal(7)},
        {"value_type": "percent"},
    ):
        before = key(small_plan)
        Indicator.objects.filter(pk=ind.pk).update(**change)
        assert key(small_plan) != before, change


def test_fingerprint_changes_with_structure_and_units(small_plan):
    act = Activity.objects.filter(theme__plan=small_plan).first()
    before = key(small_plan)
    other_theme = small_plan.themes.exclude(pk=act.theme_id).first()
    Activity.objects.filter(pk=act.pk).update(theme=other_theme, position=999)
    moved = key(small_plan)
    assert moved != before
    unit = Unit.objects.create(municipality=small_plan.municipality, name="Yeni Müdürlüğü")
    act.responsible_units.add(unit)
    assert key(small_plan) != moved


def test_overview_shows_a_new_realization_at_once(small_plan, admin_client_tr):
    from django.urls import reverse

    url = reverse("monitoring:overview", args=[small_plan.pk])
    html = admin_client_tr.get(url, {"year": 2025}).content.decode()
    assert 'id="fig-entered">%0<' in html
    ind = Indicator.objects.filter(activity__theme__plan=small_plan).first()
    Realization.objects.create(indicator=ind, year=2025, value=Decimal(10), raw_text="10")
    html = admin_client_tr.get(url, {"year": 2025}).content.decode()
    assert 'id="fig-entered">%8,3<' in html  # 1 of 12


# ---------------------------------------------------------------------------- access, year


def test_visible_plans():
    anonymous = AnonymousUser()
    public = set(visible_plans(anonymous).values_list("municipality__name", flat=True))
    assert public == {"Mersin Büyükşehir Belediyesi", "Büyükçekmece Belediyesi"}
    # a signed-in user without a municipality sees what the public sees
    staff = get_user_model().objects.create_user("birim", password="x-Parola-123", is_staff=True)
    assert set(visible_plans(staff)) == set(visible_plans(anonymous))
    # a user of Narlıdere also sees Narlıdere's plan, which is not public
    from plans.models import Municipality, UserProfile

    narlidere = Municipality.objects.get(name="Narlıdere Belediyesi")
    UserProfile.objects.create(user=staff, municipality=narlidere)
    staff = get_user_model().objects.get(pk=staff.pk)
    names = set(visible_plans(staff).values_list("municipality__name", flat=True))
    assert names == public | {"Narlıdere Belediyesi"}
    admin = get_user_model().objects.create_superuser("platform", password="x-Parola-123")
    assert visible_plans(admin).count() == Plan.objects.count()


def test_choose_year():
    plan = Plan(first_year=2024, last_year=2026)
    assert choose_year(plan, "2025", 2024) == 2025
    assert choose_year(plan, "2030", 2024) == 2024
    assert choose_year(plan, None, None) == 2024
    assert choose_year(plan, "x", 2026) == 2026
    assert choose_year(plan, "2025.0", 2026) == 2026


# ---------------------------------------------------------------------------- numbers


def test_turkish_numbers():
    with translation.override("tr"):
        assert format_number(Decimal("1234.5")) == "1.234,5"
        assert format_number(Decimal("987.0000")) == "987"
        assert format_number(Decimal("7.8800")) == "7,88"
        assert format_number(1234567) == "1.234.567"
        assert format_number(None) == ""
        assert format_percent(Decimal("85.0")) == "%85"
        assert format_percent(Decimal("261.8")) == "%261,8"
        assert format_percent(Decimal("1155.55")) == "%1.155,6"
        assert rate_pct(Decimal("2.618")) == "%261,8"
    with translation.override("en"):
        assert format_percent(Decimal("85")) == "85%"
        assert format_number(Decimal("1234.5")) == "1,234.5"
