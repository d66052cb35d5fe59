"""Writes of realizations: from a built plan's rows, from the yearly entry page, from an
imported workbook. Keyword-only, one transaction, bulk queries: the number of queries
does not grow with the number of rows."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from plans.models import Indicator
from plans.services import PlanRow, figure_objects, group_aliases
from plans.text import numeric_text, parse_figure

from .models import Realization


@transaction.atomic
def store_plan_realizations(
    *,
    rows: Sequence[tuple[PlanRow, Indicator | None]],
    first_year: int,
    last_year: int,
    user=None,
) -> tuple[int, list[str]]:
    """Realizations printed in a plan table (Mersin's Gerçekleşme column)."""
    aliases, groups = group_aliases()
    objs: list[Realization] = []
    warnings: list[str] = []
    for row, indicator in rows:
        if indicator is None:
            continue
        for year, raw in sorted(row.realizations.items()):
            if not first_year <= year <= last_year:
                warnings.append(f"{row.source.cell()}: {year} yılı planın dönemi dışında.")
                continue
            parsed = parse_figure(raw, aliases)
            if parsed.state == "text" and indicator.value_type != "milestone":
                warnings.append(
                    f"{row.source.cell(row.columns.get('realization', 'Gerçekleşme'))}: "
                    f"“{parsed.raw}” bir sayı değil; metin olarak alındı, kontrol edin."
                )
            objs.extend(
                figure_objects(
                    Realization,
                    parsed,
                    groups,
                    indicator=indicator,
                    year=year,
                    entered_by=user,
                    status=Realization.Status.APPROVED,
                )
            )
    Realization.objects.bulk_create(objs, batch_size=2000)
    return len(objs), warnings


def figure_key(r: Realization) -> tuple:
    """What makes two figures the same: "%7.88" and "%7,88" are one number."""
    raw = "" if r.state == "value" and numeric_text(r.raw_text) else r.raw_text
    return (r.group_id, r.state, r.value, raw)


def same_figures(old: list[Realization], new: list[Realization]) -> bool:
    return sorted(map(figure_key, old), key=str) == sorted(map(figure_key, new), key=str)


@dataclass
class RealizationChange:
    """What one indicator's realization of a year becomes. ``new`` None: keep the
    figure and change only the texts; [] : delete it."""

    indicator: Indicator
    old: list[Realization]
    new: list[Realization] | None
    deviation_reason: str | None = None
    note: str | None = None

    @property
    def kind(self) -> str:
        if self.new is None:
            if self.old and self._texts_changed():
                return "changed"
            return "unchanged"
        if not self.new:
            return "deleted" if self.old else "unchanged"
        if not self.old:
            return "new"
        if same_figures(self.old, self.new) and not self._texts_changed():
            return "unchanged"
        return "changed"

    def _texts_changed(self) -> bool:
        cur = self.old[0] if self.old else None
        if cur is None:
            return False
        return (
            self.deviation_reason is not None and self.deviation_reason != cur.deviation_reason
        ) or (self.note is not None and self.note != cur.note)


@transaction.atomic
def apply_realization_changes(changes: Sequence[RealizationChange], *, user) -> Counter:
    """Store the changes with at most three bulk statements; unchanged rows untouched."""
    counts: Counter = Counter()
    to_delete: list[int] = []
    to_create: list[Realization] = []
    to_update: list[Realization] = []
    now = timezone.now()
    for ch in changes:
        kind = ch.kind
        counts[kind] += 1
        if kind == "unchanged":
            continue
        cur = ch.old[0] if ch.old else None
        reason = (
            ch.deviation_reason
            if ch.deviation_reason is not None
            else (cur.deviation_reason if cur else "")
        )
        note = ch.note if ch.note is not None else (cur.note if cur else "")
        if kind == "deleted":
            to_delete.extend(r.pk for r in ch.old)
            continue
        if ch.new is None or (
            len(ch.old) == len(ch.new) == 1 and ch.old[0].group_id == ch.new[0].group_id
        ):
            for k, r in enumerate(ch.old):
                if ch.new is not None:
                    r.state, r.value, r.raw_text = (
                        ch.new[k].state,
                        ch.new[k].value,
                        ch.new[k].raw_text,
                    )
                r.deviation_reason, r.note, r.entered_by, r.updated_at = (reason, note, user, now)
                to_update.append(r)
            continue
        to_delete.extend(r.pk for r in ch.old)
        for r in ch.new:
            r.deviation_reason, r.note, r.entered_by = reason, note, user
            to_create.append(r)
    if to_delete:
        Realization.objects.filter(pk__in=to_delete).delete()
    if to_update:
        Realization.objects.bulk_update(
            to_update,
            ["state", "value", "raw_text", "deviation_reason", "note", "entered_by", "updated_at"],
            batch_size=1000,
        )
    if to_create:
        Realization.objects.bulk_create(to_create, batch_size=1000)
    return counts
