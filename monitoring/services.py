"""Writes of realizations: from a built plan's rows, from the yearly entry page, from an
imported workbook. Keyword-only, one transaction, bulk queries: the number of queries
does not grow with the number of rows."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from plans.bulk import bulk_insert, insert_rows
from plans.models import Indicator
from plans.services import PlanRow, figure_parser, figure_rows, group_aliases
from plans.text import numeric_text

from .models import FigureChange, Realization, ReportingYear


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
    parse = figure_parser(aliases)
    objs: list[dict] = []
    warnings: list[str] = []
    for row, indicator in rows:
        if indicator is None:
            continue
        for year, raw in sorted(row.realizations.items()):
            if not first_year <= year <= last_year:
                warnings.append(f"{row.source.cell()}: {year} yılı planın dönemi dışında.")
                continue
            parsed = parse(raw)
            if parsed.state == "text" and indicator.value_type != "milestone":
                warnings.append(
                    f"{row.source.cell(row.columns.get('realization', 'Gerçekleşme'))}: "
                    f"“{parsed.raw}” bir sayı değil; metin olarak alındı, kontrol edin."
                )
            objs.extend(
                figure_rows(
                    parsed,
                    groups,
                    indicator=indicator,
                    year=year,
                    entered_by=user,
                    status=Realization.Status.APPROVED,
                )
            )
    insert_rows(Realization, objs)
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
    figure and change only the texts; [] : delete it. ``seen_version``: the versions
    the user saw ("" for no figure), to notice that someone else changed it meanwhile."""

    indicator: Indicator
    old: list[Realization]
    new: list[Realization] | None
    deviation_reason: str | None = None
    note: str | None = None
    seen_version: str | None = None

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


def versions_of(rows: list[Realization]) -> str:
    return ",".join(str(r.version) for r in sorted(rows, key=lambda r: r.pk or 0))


class ConcurrentChange(Exception):
    """Someone else changed these figures after the user opened them."""

    def __init__(self, indicators: dict[int, list[Realization]]):
        self.indicators = indicators
        super().__init__(f"{len(indicators)} gösterge başka biri tarafından değiştirildi.")


def _check_versions(changes: Sequence[RealizationChange]) -> None:
    watched = [ch for ch in changes if ch.seen_version is not None and ch.kind != "unchanged"]
    if not watched:
        return
    current: dict[int, list[Realization]] = {}
    qs = Realization.objects.filter(
        indicator_id__in=[ch.indicator.pk for ch in watched],
        year__in={
            ch.old[0].year if ch.old else ch.new[0].year for ch in watched if ch.old or ch.new
        },
    ).select_related("entered_by")
    for r in qs:
        current.setdefault((r.indicator_id, r.year), []).append(r)
    conflicts = {}
    for ch in watched:
        year = (ch.old or ch.new)[0].year
        now = current.get((ch.indicator.pk, year), [])
        if versions_of(now) != ch.seen_version:
            conflicts[ch.indicator.pk] = now
    if conflicts:
        raise ConcurrentChange(conflicts)


def _check_open_years(changes: Sequence[RealizationChange]) -> None:
    from .workflow import YearClosed

    years: dict[int, set[int]] = {}
    for ch in changes:
        rows = ch.old or ch.new or []
        if rows and ch.kind != "unchanged":
            years.setdefault(ch.indicator.pk, set()).add(rows[0].year)
    if not years:
        return
    all_years = set().union(*years.values())
    closed = set(
        ReportingYear.objects.filter(is_closed=True, year__in=all_years).values_list(
            "plan_id", "year"
        )
    )
    if not closed:  # the usual case: no need to look up 10,000 indicators' plans
        return
    plan_of = dict(
        Indicator.objects.filter(pk__in=years).values_list("pk", "activity__theme__plan_id")
    )
    pairs = {(plan_of[ind], y) for ind, ys in years.items() for y in ys}
    hit = sorted(y for p, y in pairs & closed)
    if hit:
        raise YearClosed(
            f"{hit[0]} yılı kapatılmış: bu yılın gerçekleşmeleri değiştirilemez. Eşitlik "
            "birimi yılı yeniden açabilir."
        )


@transaction.atomic
def apply_realization_changes(
    changes: Sequence[RealizationChange], *, user, source: str = ""
) -> Counter:
    """Store the changes with a few bulk statements (unchanged rows untouched), each
    recorded in the audit trail. Refused as a whole for a closed year or when someone
    else changed a figure in the meantime."""
    _check_open_years(changes)
    _check_versions(changes)
    counts: Counter = Counter()
    to_delete: list[int] = []
    to_create: list[Realization] = []
    to_update: list[Realization] = []
    audits: list[dict] = []
    now = timezone.now()
    redraft = user is not None and not user.has_perm("monitoring.approve_realization")
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
        old_text = cell_text(ch.old)
        new_text = cell_text(ch.new) if ch.new is not None else old_text
        year = (ch.old or ch.new)[0].year
        audits.append(
            {
                "kind": FigureChange.Kind.REALIZATION,
                "indicator": ch.indicator,
                "year": year,
                "old_text": old_text[:500],
                "new_text": ("" if kind == "deleted" else new_text)[:500],
                "old_status": cur.status if cur else "",
                "new_status": "",
                "reason": reason,
                "source": source,
                "user": user,
            }
        )
        if kind == "deleted":
            to_delete.extend(r.pk for r in ch.old)
            continue
        value_changed = ch.new is not None and not same_figures(ch.old, ch.new)
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
                if value_changed and redraft and r.status != Realization.Status.DRAFT:
                    r.status = Realization.Status.DRAFT
                r.deviation_reason, r.note, r.entered_by, r.updated_at = (reason, note, user, now)
                r.version += 1
                to_update.append(r)
            audits[-1]["new_status"] = ch.old[0].status
            continue
        to_delete.extend(r.pk for r in ch.old)
        for r in ch.new:
            r.deviation_reason, r.note, r.entered_by = reason, note, user
            r.version = (max((o.version for o in ch.old), default=0)) + 1
            to_create.append(r)
        audits[-1]["new_status"] = ch.new[0].status
    if to_delete:
        Realization.objects.filter(pk__in=to_delete).delete()
    if to_update:
        Realization.objects.bulk_update(
            to_update,
            [
                "state",
                "value",
                "raw_text",
                "deviation_reason",
                "note",
                "entered_by",
                "updated_at",
                "status",
                "version",
            ],
            batch_size=1000,
        )
    if to_create:
        bulk_insert(to_create)
    if audits:
        insert_rows(FigureChange, audits)
    return counts


def cell_text(rows) -> str:
    """What a cell showed: the raw text, or the number."""
    if not rows:
        return ""
    first = rows[0]
    if first.raw_text:
        return first.raw_text
    if first.value is not None:
        return format(first.value.normalize(), "f")
    return ""
