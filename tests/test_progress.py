"""Progress arithmetic on the seed cases, without a database."""

from decimal import Decimal as D

from monitoring.progress import (
    ACHIEVED,
    BEHIND,
    MILESTONE_DONE,
    NO_DATA,
    NOT_STARTED,
    ON_TRACK,
    Fig,
    Rollup,
    Thresholds,
    assess,
    combine,
)


def v(x):
    return Fig("value", D(str(x)))


def test_mersin_1_1_4_over_achievement_is_not_capped():
    p = assess(baseline=D(277), target=v(377), realization=v(987))
    assert p.status == ACHIEVED
    assert p.percent == D("261.8")


def test_mersin_4_2_9_target_below_baseline_counted_per_year():
    # 109 athletes supported, target 100 for 2024, 163 supported
    p = assess(baseline=D(109), target=v(100), realization=v(163))
    assert p.status == ACHIEVED and p.percent == D("163.0")


def test_mersin_4_1_2_running_level():
    # accessible buses: 427 baseline, 432 target, 432 reached: the full step
    p = assess(baseline=D(427), target=v(432), realization=v(432), accumulation="level")
    assert (p.status, p.rate) == (ACHIEVED, D(1))
    p = assess(baseline=D(427), target=v(432), realization=v(429), accumulation="level")
    assert p.status == BEHIND and p.percent == D("40.0")


def test_decrease_is_the_reverse():
    p = assess(
        baseline=D(109),
        target=v(100),
        realization=v(104),
        direction="decrease",
        accumulation="level",
    )
    assert p.percent == D("55.6") and p.status == BEHIND
    p = assess(baseline=None, target=v(10), realization=v(8), direction="decrease")
    assert p.status == ACHIEVED


def test_mersin_3_1_6_percent():
    p = assess(baseline=None, target=v(50), realization=v(40))
    assert p.status == BEHIND and p.percent == D("80.0")
    p = assess(baseline=None, target=v(50), realization=v("55.5"))
    assert p.status == ACHIEVED


def test_on_track_threshold_from_settings_shape():
    t = Thresholds(achieved=D(1), on_track=D("0.85"))
    assert assess(target=v(100), realization=v(90), thresholds=t).status == ON_TRACK
    assert assess(target=v(100), realization=v(84), thresholds=t).status == BEHIND


def test_mersin_8_2_to_be_decided_is_no_data():
    assert assess(target=v(20), realization=Fig("tbd")).status == NO_DATA


def test_dash_target_is_not_started_and_blank_realization_is_no_data():
    assert assess(target=Fig("na"), realization=v(3)).status == NOT_STARTED
    assert assess(target=v(3), realization=Fig.missing()).status == NO_DATA


def test_zero_target():
    assert assess(target=v(0), realization=v(0)).status == ACHIEVED


def test_text_milestone_set_by_hand():
    target = Fig("text")
    assert assess(target=target, realization=Fig.missing()).status == NO_DATA
    assert (
        assess(target=target, realization=Fig.missing(), milestone_done=True).status
        == MILESTONE_DONE
    )


def test_group_rows_add_up():
    rows = [("value", D(50), "kadin", ""), ("value", D(50), "erkek", "")]
    assert combine(rows) == v(100)
    assert combine([("na", None, "", "-")]) == Fig("na")
    assert combine([]) == Fig.missing()


def test_rollup_shares():
    r = Rollup.of([ACHIEVED, ACHIEVED, BEHIND, NO_DATA])
    assert (r.total, r.entered) == (4, 3)
    assert r.share(ACHIEVED) == D("0.5")
    assert [s["status"] for s in r.segments()] == [ACHIEVED, BEHIND, NO_DATA]


def test_running_level_step_in_words():
    from django.utils import translation

    from monitoring.progress import LEVEL_HELP, achievement_rate, level_step

    with translation.override("tr"):
        # 432 against 437 from 427: half the planned increase, and the rate says so
        step = level_step(baseline=D(427), target=D(437), realization=D(432), accumulation="level")
        assert step == "+5 / +10 planlanan artış"
        rate = achievement_rate(
            baseline=D(427), target=D(437), realization=D(432), accumulation="level"
        )
        assert rate == D("0.5")
        # a level to bring down (the minus sign, not a hyphen), decimals with a comma
        assert level_step(
            baseline=D(27), target=D(21), realization=D(24), accumulation="level"
        ) == ("\u22123 / \u22126 planlanan azalış")
        assert level_step(
            baseline=D("8.2"), target=D("10.7"), realization=D("9.45"), accumulation="level"
        ) == ("+1,25 / +2,5 planlanan artış")
        assert level_step(
            baseline=D(4841), target=D(6341), realization=D(4961), accumulation="level"
        ) == ("+120 / +1.500 planlanan artış")
        assert level_step(
            baseline=D(455), target=D(455), realization=D(455), accumulation="level"
        ) == ("0 / 0 planlanan değişim yok")
        assert "(gerçekleşme − mevcut) / (hedef − mevcut)" in str(LEVEL_HELP)
    with translation.override("en"):
        assert level_step(
            baseline=D(427), target=D(437), realization=D(432), accumulation="level"
        ) == ("+5 / +10 planned increase")
    # counted per year, or a number missing: nothing to say
    assert level_step(baseline=D(427), target=D(437), realization=D(432)) is None
    assert (
        level_step(baseline=None, target=D(437), realization=D(432), accumulation="level") is None
    )
