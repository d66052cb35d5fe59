"""Progress arithmetic, pure: no database, no Django models needed.

Achievement rate of one indicator in one year, from baseline, target, realization,
desired direction and accumulation:

- counted per year, increase: realization / target
- running level, increase:    (realization - baseline) / (target - baseline)
- decrease (reverse):         per year: target / realization;
                              level: (baseline - realization) / (baseline - target)
- keep:                       realization / target

Rates are not capped: 987 against 377 is 2.62 (262 %). Statuses: achieved, on track,
behind (thresholds in settings), not started (the target is "-"), no data, and for text
targets milestone done / not done (set by hand).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

ACHIEVED = "achieved"
ON_TRACK = "on_track"
BEHIND = "behind"
NOT_STARTED = "not_started"
NO_DATA = "no_data"
MILESTONE_DONE = "milestone_done"
MILESTONE_NOT_DONE = "milestone_not_done"

STATUS_ORDER = [
    ACHIEVED,
    MILESTONE_DONE,
    ON_TRACK,
    BEHIND,
    MILESTONE_NOT_DONE,
    NOT_STARTED,
    NO_DATA,
]
STATUS_LABELS = {
    ACHIEVED: _("Ulaşıldı"),
    ON_TRACK: _("Yolunda"),
    BEHIND: _("Geride"),
    NOT_STARTED: _("Başlamadı (-)"),
    NO_DATA: _("Veri yok"),
    MILESTONE_DONE: _("Aşama tamamlandı"),
    MILESTONE_NOT_DONE: _("Aşama tamamlanmadı"),
}
STATUS_COLORS = {  # fill colours for the report and the dashboard
    ACHIEVED: "2E7D32",
    MILESTONE_DONE: "2E7D32",
    ON_TRACK: "9CCC65",
    BEHIND: "E53935",
    MILESTONE_NOT_DONE: "E53935",
    NOT_STARTED: "B0BEC5",
    NO_DATA: "ECEFF1",
}

# Figure states, as in plans.models.FigureState
VALUE, NA, BLANK, TBD, TEXT = "value", "na", "blank", "tbd", "text"


@dataclass(frozen=True)
class Fig:
    """A target or realization cell reduced to what the arithmetic needs."""

    state: str = BLANK
    value: Decimal | None = None

    @classmethod
    def missing(cls) -> Fig:
        return cls(BLANK, None)


@dataclass(frozen=True)
class Thresholds:
    achieved: Decimal = Decimal("1.0")
    on_track: Decimal = Decimal("0.85")

    @classmethod
    def from_settings(cls) -> Thresholds:
        from django.conf import settings

        return cls(
            Decimal(str(getattr(settings, "PROGRESS_ACHIEVED_AT", "1.0"))),
            Decimal(str(getattr(settings, "PROGRESS_ON_TRACK_AT", "0.85"))),
        )


@dataclass(frozen=True)
class Progress:
    status: str
    rate: Decimal | None = None

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def percent(self) -> Decimal | None:
        return None if self.rate is None else (self.rate * 100).quantize(Decimal("0.1"))


def achievement_rate(
    *,
    baseline: Decimal | None,
    target: Decimal,
    realization: Decimal,
    direction: str = "increase",
    accumulation: str = "per_year",
) -> Decimal | None:
    """The share of the target reached; None when it cannot be computed (zero divisor)."""
    level = accumulation == "level" and baseline is not None
    if direction == "decrease":
        if level:
            num, den = baseline - realization, baseline - target
        else:
            num, den = target, realization
            if den == 0:
                return None if num != 0 else Decimal(1)
    elif level and target != baseline:
        num, den = realization - baseline, target - baseline
    else:
        num, den = realization, target
    if den == 0:
        return None
    return num / den


def assess(
    *,
    target: Fig,
    realization: Fig,
    baseline: Decimal | None = None,
    direction: str = "increase",
    accumulation: str = "per_year",
    milestone: bool = False,
    milestone_done: bool | None = None,
    thresholds: Thresholds | None = None,
) -> Progress:
    thresholds = thresholds or Thresholds()
    if target.state == NA:
        return Progress(NOT_STARTED)
    if milestone or target.state == TEXT:
        if milestone_done is None:
            return Progress(NO_DATA)
        return Progress(MILESTONE_DONE if milestone_done else MILESTONE_NOT_DONE)
    if realization.state != VALUE or realization.value is None:
        return Progress(NO_DATA)
    if target.state != VALUE or target.value is None:
        return Progress(NO_DATA)
    rate = achievement_rate(
        baseline=baseline,
        target=target.value,
        realization=realization.value,
        direction=direction,
        accumulation=accumulation,
    )
    if rate is None:
        # target equal to zero (or to the baseline): reached when not below it
        reached = (
            realization.value <= target.value
            if direction == "decrease"
            else realization.value >= target.value
        )
        return Progress(ACHIEVED if reached else BEHIND)
    if rate >= thresholds.achieved:
        return Progress(ACHIEVED, rate)
    if rate >= thresholds.on_track:
        return Progress(ON_TRACK, rate)
    return Progress(BEHIND, rate)


def combine(figs: Iterable[tuple[str, Decimal | None, str, str]]) -> Fig:
    """One figure from a cell's rows: (state, value, group_code, raw) tuples. A row without
    group is the figure; otherwise group rows add up (50 women + 50 men = 100)."""
    rows = list(figs)
    if not rows:
        return Fig.missing()
    ungrouped = [r for r in rows if not r[2]]
    if ungrouped:
        state, value = ungrouped[0][0], ungrouped[0][1]
        return Fig(state, value)
    values = [r[1] for r in rows if r[0] == VALUE and r[1] is not None]
    if not values:
        return Fig(rows[0][0], None)
    return Fig(VALUE, sum(values, Decimal(0)))


@dataclass
class Rollup:
    """Share of indicators in each status for a theme, goal, activity, unit or plan."""

    counts: Counter

    @classmethod
    def of(cls, statuses: Iterable[str]) -> Rollup:
        return cls(Counter(statuses))

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def entered(self) -> int:
        return self.total - self.counts[NO_DATA]

    def share(self, status: str) -> Decimal:
        if not self.total:
            return Decimal(0)
        return Decimal(self.counts[status]) / Decimal(self.total)

    def segments(self) -> list[dict]:
        """Ordered bar segments: status, label, count, percent (of the total)."""
        return [
            {
                "status": s,
                "label": str(STATUS_LABELS[s]),
                "count": self.counts[s],
                "percent": (self.share(s) * 100).quantize(Decimal("0.1")),
                "color": STATUS_COLORS[s],
            }
            for s in STATUS_ORDER
            if self.counts[s]
        ]


# ---------------------------------------------------------------- running levels, in words

LEVEL_HELP = _("Süregelen düzey: oran = (gerçekleşme − mevcut) / (hedef − mevcut)")
MINUS = "\u2212"  # "−", not the hyphen


def _signed(value: Decimal) -> str:
    """+5, −3, 0, +2,5 (the active language's decimal mark)."""
    from django.utils import formats

    number = value.normalize() if value != value.to_integral_value() else value.quantize(Decimal(1))
    text = formats.number_format(abs(number), use_l10n=True, force_grouping=True)
    if number > 0:
        return f"+{text}"
    if number < 0:
        return f"{MINUS}{text}"
    return text


def level_step(
    *,
    baseline: Decimal | None,
    target: Decimal | None,
    realization: Decimal | None,
    accumulation: str = "per_year",
) -> str | None:
    """How far a running level moved beside how far it was planned to move, the two
    terms of ``achievement_rate``'s level formula: 432 against 437 from 427 is
    "+5 / +10 planlanan artış"; 424 against 421 from 427 is "−3 / −6 planlanan azalış".
    None for a figure counted per year or when a number is missing."""
    if accumulation != "level" or None in (baseline, target, realization):
        return None
    done, planned = realization - baseline, target - baseline
    if planned > 0:
        word = _("planlanan artış")
    elif planned < 0:
        word = _("planlanan azalış")
    else:
        word = _("planlanan değişim yok")
    return f"{_signed(done)} / {_signed(planned)} {word}"


def level_step_of(
    *, baseline: Decimal | None, target: Fig, realization: Fig, accumulation: str
) -> str | None:
    """``level_step`` for a target and a realization cell: only numbers have a step."""
    if target.state != VALUE or realization.state != VALUE:
        return None
    return level_step(
        baseline=baseline,
        target=target.value,
        realization=realization.value,
        accumulation=accumulation,
    )
