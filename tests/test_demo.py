"""The demo data is the real plans, transcribed from the seed documents."""

from decimal import Decimal

import pytest

from monitoring.models import Realization
from plans.models import Activity, FigureState, Goal, Indicator, Plan, Target, Theme

pytestmark = pytest.mark.django_db


def mersin():
    return Plan.objects.get(municipality__name="Mersin Büyükşehir Belediyesi")


def indicator(plan, code, name_start=""):
    return Indicator.objects.get(
        activity__theme__plan=plan, activity__code=code, name__startswith=name_start
    )


def test_mersin_counts():
    plan = mersin()
    assert (plan.first_year, plan.last_year) == (2024, 2026)
    assert Theme.objects.filter(plan=plan).count() == 8
    assert Goal.objects.filter(theme__plan=plan).count() == 19
    assert Activity.objects.for_plan(plan).count() == 118
    assert Indicator.objects.filter(activity__theme__plan=plan).count() == 146


def test_mersin_1_1_4_target_and_realization():
    ind = indicator(mersin(), "1.1.4", "TCE atölyesine")
    assert ind.baseline_value == 277
    assert ind.targets.get(year=2024).value == 377
    assert [t.value for t in ind.targets.order_by("year")] == [377, 477, 500]
    assert ind.realizations.get(year=2024).value == 987


def test_mersin_percent_with_a_comma_or_a_dot():
    ind = indicator(mersin(), "2.1.5")
    assert ind.value_type == "percent"
    assert ind.targets.get(year=2025).value == Decimal("8.2")
    assert ind.targets.get(year=2025).raw_text == "%8,2"
    assert ind.realizations.get(year=2024).value == Decimal("7.88")


def test_mersin_dash_is_not_zero_and_zero_is_zero():
    plan = mersin()
    ind = indicator(plan, "2.1.8")
    assert ind.baseline_raw == "-" and ind.baseline_value is None
    real = ind.realizations.get(year=2024)
    assert (real.state, real.value) == (FigureState.VALUE, 0)


def test_mersin_to_be_decided_is_kept():
    real = indicator(mersin(), "8.2", "Katılımcı STK").realizations.get(year=2024)
    assert real.state == FigureState.TBD
    assert real.raw_text == "Toplantıda belli olacak"


def test_mersin_running_level_and_target_below_baseline():
    plan = mersin()
    buses = indicator(plan, "4.1.2")
    assert buses.accumulation == Indicator.Accumulation.LEVEL
    assert [t.value for t in buses.targets.order_by("year")] == [432, 437, 442]
    athletes = indicator(plan, "4.2.9")
    assert athletes.baseline_value == 109 and athletes.targets.get(year=2024).value == 100


def test_mersin_theme_8_has_no_goal():
    plan = mersin()
    theme8 = Theme.objects.get(plan=plan, code="8")
    assert not theme8.goals.exists()
    assert set(theme8.activities.values_list("code", flat=True)) >= {"8.1", "8.1.1", "8.2"}


def test_mersin_units_are_linked_and_spellings_merged():
    plan = mersin()
    act = Activity.objects.get(theme__plan=plan, code="1.1.1")
    assert [u.name for u in act.responsible_units.all()] == [
        "Kadın ve Aile Hizmetleri Dairesi Başkanlığı"
    ]
    # "Kadın ve Aile Hizmetleri D.B." elsewhere in the plan is the same unit
    units = plan.municipality.units
    assert units.filter(name__startswith="Kadın ve Aile Hizmetleri D").count() == 1


def test_mersin_every_realization_is_for_2024():
    assert set(Realization.objects.for_plan(mersin()).values_list("year", flat=True)) == {2024}
    assert Target.objects.filter(indicator__activity__theme__plan=mersin()).count() == 146 * 3


def buyukcekmece():
    return Plan.objects.get(municipality__name="Büyükçekmece Belediyesi")


def test_buyukcekmece_counts():
    plan = buyukcekmece()
    assert (plan.first_year, plan.last_year) == (2023, 2024)
    assert Theme.objects.filter(plan=plan).count() == 6
    assert plan.themes.first().goals.count() == 1
    from plans.models import Strategy

    assert Strategy.objects.filter(goal__theme__plan=plan).count() == 9
    assert Activity.objects.for_plan(plan).count() == 86
    assert 200 <= Indicator.objects.filter(activity__theme__plan=plan).count() <= 205


def test_buyukcekmece_targets_are_per_activity_split_by_group():
    plan = buyukcekmece()
    act = Activity.objects.get(theme__plan=plan, code="1.1.9")
    targets = act.activity_targets.filter(year=2023)
    assert {t.group.code: t.value for t in targets} == {
        "kadin": 50,
        "erkek": 50,
        "kiz-cocuk": 50,
        "oglan-cocuk": 50,
    }
    assert {t.raw_text for t in targets} == {"50 Kadın 50 Erkek 50 Kız Çocuğu 50 Oğlan Çocuğu"}
    assert not Target.objects.filter(indicator__activity=act).exists()  # no invented indicator
    disabled = Activity.objects.get(theme__plan=plan, code="1.1.10").activity_targets
    assert {t.group.code: t.value for t in disabled.filter(year=2023)} == {
        "engelli-kadin": 25,
        "engelli-erkek": 25,
    }


def test_buyukcekmece_text_targets_are_milestones():
    plan = buyukcekmece()
    t = Target.objects.get(activity__theme__plan=plan, activity__code="3.1.2", year=2023)
    assert (t.state, t.raw_text) == (FigureState.TEXT, "Yönetmeliğin hazırlanması")


def test_buyukcekmece_timing_and_run_together_units():
    plan = buyukcekmece()
    act = Activity.objects.get(theme__plan=plan, code="1.1.1")
    assert (act.timing, act.timing_raw) == ("short", "Kısa vade (6 ay)")
    names = [u.name for u in act.responsible_units.all()]
    assert "Sağlık İşleri Müdürlüğü" in names and len(names) == 5
    abbreviated = Activity.objects.get(theme__plan=plan, code="1.1.8")
    assert "Sosyal Destek Hizmetler Müdürlüğü" in [
        u.name for u in abbreviated.responsible_units.all()
    ]


def test_narlidere_holds_repeated_codes():
    plan = Plan.objects.get(municipality__name="Narlıdere Belediyesi")
    assert Theme.objects.filter(plan=plan).count() == 6
    assert Goal.objects.filter(theme__plan=plan).count() == 25
    assert Activity.objects.for_plan(plan).count() == 77
    assert Activity.objects.for_plan(plan).filter(code="1.1.1").count() > 3
    assert plan.goal_label == "Amaç" and plan.strategy_label == "Hedef"
