"""What one row of an uploaded realization form will store, as the upload preview shows
it: the figure in Turkish format and its state, the target beside it, the rate and status
the figure will get (``monitoring.progress``, judged as ``workflow.needs_reason`` judges
it) and flags for what is accepted but looks wrong. Pure: the caller hands in the rows it
has already read (no query here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from plans.models import FigureState, ValueType

from ..progress import BEHIND, Fig, assess, combine
from ..templatetags.yeep_format import figure_text, format_number, format_percent

# A figure more than this many times its target or last year's figure is flagged.
OUTLIER_FACTOR = Decimal(5)


@dataclass
class RowFacts:
    stored: str = ""  # "8,2", "%7,88", "Kadın 50 · Erkek 50", "-"
    state: str = ""  # "Değer", "Uygulanmaz (-)", "Belirlenecek", ...
    target: str = ""
    rate: str = ""  # "%261,8"
    status: str = ""
    status_label: str = ""
    flags: list[str] = field(default_factory=list)


def _fig(rows) -> Fig:
    return combine((r.state, r.value, "g" if r.group_id else "", r.raw_text) for r in rows)


def _number(value: Decimal, value_type: str) -> str:
    if value_type == ValueType.PERCENT:
        return format_percent(value, 4)
    return format_number(value, 4)


def stored_text(rows, value_type: str) -> str:
    """The figure as it will be stored, the Turkish way: 8.2 typed is "8,2"."""
    plain = [r for r in rows if r.group_id is None]
    if plain:
        first = plain[0]
        if first.state == FigureState.VALUE and first.value is not None:
            return _number(first.value, value_type)
        return first.raw_text
    return " · ".join(
        f"{r.group.name} {_number(r.value, value_type)}" for r in rows if r.value is not None
    )


def _state_label(rows) -> str:
    if not rows:
        return ""
    if all(r.group_id for r in rows):
        return _("Değer (gruplara göre)")
    return str(FigureState(rows[0].state).label)


def _outlier_flags(real: Fig, target: Fig, last: Fig, value_type: str, year: int) -> list[str]:
    if real.state != FigureState.VALUE or real.value is None:
        return []
    flags = []
    for ref, text in (
        (target, _("Hedefin (%(ref)s) 5 katından fazla: yazım hatası olabilir.")),
        (last, _("%(year)s yılının gerçekleşmesinin (%(ref)s) 5 katından fazla.")),
    ):
        known = ref.state == FigureState.VALUE and ref.value is not None and ref.value > 0
        if known and real.value > OUTLIER_FACTOR * ref.value:
            flags.append(text % {"ref": _number(ref.value, value_type), "year": year - 1})
    return flags


def _cell_flags(ind, rows, raw) -> list[str]:
    flags = []
    values = [r.value for r in rows if r.state == FigureState.VALUE and r.value is not None]
    if ind.value_type == ValueType.COUNT and any(v != v.to_integral_value() for v in values):
        shown = " · ".join(format_number(v, 4) for v in values if v != v.to_integral_value())
        unit = f" {ind.unit_of_measure}" if ind.unit_of_measure else ""
        flags.append(
            _("Sayı göstergesinde kesir: “%(raw)s” %(value)s%(unit)s olarak kaydedilecek.")
            % {"raw": raw, "value": shown, "unit": unit}
        )
    if ind.value_type != ValueType.MILESTONE and any(r.state == FigureState.TBD for r in rows):
        flags.append(
            _("Sayı sütununda metin: “%(raw)s” sayı değil, “Belirlenecek” olarak kaydedilecek.")
            % {"raw": raw}
        )
    return flags


def row_facts(ind, *, rows, old, targets, last_year, reason: str, year: int, raw) -> RowFacts:
    """``rows``: the figure's rows after the import (the new ones, or the stored ones when
    the cell is blank); ``old``: the stored rows; ``targets`` and ``last_year``: the
    indicator's target rows for the year and its realization rows of the year before."""
    target, real = _fig(targets), _fig(rows)
    milestone = ind.value_type == ValueType.MILESTONE
    progress = assess(
        target=target,
        realization=real,
        baseline=ind.baseline_value,
        direction=ind.direction,
        accumulation=ind.accumulation,
        milestone=milestone,
        milestone_done=old[0].milestone_done if old else None,
    )
    flags = _cell_flags(ind, rows, raw)
    flags += _outlier_flags(real, target, _fig(last_year), ind.value_type, year)
    stored_reason = next((r.deviation_reason for r in old if r.deviation_reason.strip()), "")
    if progress.status == BEHIND and not (reason or stored_reason):
        flags.append(_("Hedefin gerisinde ve sapma nedeni yok: onaya gönderirken istenecek."))
    return RowFacts(
        stored=stored_text(rows, ind.value_type),
        state=_state_label(rows),
        target=figure_text(targets, ind.value_type),
        rate="" if progress.percent is None else format_percent(progress.percent),
        status=progress.status,
        status_label=progress.label,
        flags=flags,
    )
