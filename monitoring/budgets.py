"""The one writer of activity budgets (``ActivityBudget``): planned and actual Turkish lira
per activity and year, and the budget code of the performance programme.

Every path that stores a budget calls ``budgets_apply``: the activity's admin inline, the
yearly entry page and the plan-table import ("Bütçe" column). The rules are the figures'
(monitoring.audit): the user's own municipality (directorate staff: their unit's
activities), the plan's period, no change in a closed year; each change is audited.
Amounts are read the Turkish way ("1.250.000", "12.500,50 TL", "₺3.000"); a text that is
not an amount, or a negative one, is refused with a message naming the activity and year.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import DatabaseError, transaction

from plans.text import clean_text, parse_number

from .audit import (
    FigureRefused,
    audit_row,
    check_scope,
    check_years,
    owners_of,
    refusal_of,
    write_audit,
)
from .models import ActivityBudget, FigureChange

KIND = FigureChange.Kind.BUDGET
MAX_TL = Decimal("99999999999999.99")
_CURRENCY = re.compile(r"\s*(tl|try|₺|türk lirası)\.?\s*", re.IGNORECASE)


@dataclass
class BudgetChange:
    """An activity's budget of a year becomes this (None: leave that part as it is; ""
    clears it). All three cleared: the row goes."""

    activity_id: int
    year: int
    planned: str | Decimal | None = None
    actual: str | Decimal | None = None
    code: str | None = None


def parse_tl(raw: object, *, label: str) -> tuple[Decimal | None, str]:
    """An amount of lira and the text as typed; ("", None) for a blank. Refuses a text
    that is not an amount and a negative amount."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, ""
    text = clean_text(raw)
    number = parse_number(_CURRENCY.sub("", text).strip())
    if number is None:
        raise FigureRefused(f"{label}: “{text}” bir tutar değil (ör. 125.000 ya da 12.500,50 TL).")
    if number < 0:
        raise FigureRefused(f"{label}: tutar eksi olamaz ({text}).")
    if number > MAX_TL:
        raise FigureRefused(f"{label}: tutar çok büyük ({text}).")
    return number.quantize(Decimal("0.01")), text[:100]


def _text(planned, actual, code) -> str:
    def tl(value):
        return "–" if value is None else f"{format(value.normalize(), 'f')} TL"

    return f"planlanan {tl(planned)}; harcanan {tl(actual)}" + (f"; kod {code}" if code else "")


def check_budgets(changes: Sequence[BudgetChange], *, user) -> dict:
    """The rules, before anything is written: the activities' owners by id."""
    _inds, acts = owners_of((), {c.activity_id for c in changes})
    missing = {c.activity_id for c in changes} - acts.keys()
    if missing:
        raise FigureRefused("Faaliyet bulunamadı.")
    owners = [acts[c.activity_id] for c in changes]
    check_scope(user, owners, perm="monitoring.change_activitybudget", unit_bound=True)
    check_years(zip(owners, (c.year for c in changes), strict=True), what="bütçeleri")
    return acts


@transaction.atomic
def budgets_apply(changes: Sequence[BudgetChange], *, user, source: str) -> Counter:
    """Store the budgets (unchanged ones untouched), each change audited, in one
    transaction; refused as a whole by any rule."""
    acts = check_budgets(changes, user=user)
    stored = {
        (b.activity_id, b.year): b
        for b in ActivityBudget.objects.filter(
            activity_id__in={c.activity_id for c in changes}, year__in={c.year for c in changes}
        )
    }
    counts: Counter = Counter()
    audits = []
    try:
        with transaction.atomic():
            for ch in changes:
                old = stored.get((ch.activity_id, ch.year))
                kind = _apply_one(ch, old, acts, user, audits, source)
                counts[kind] += 1
    except DatabaseError as exc:
        raise refusal_of(exc) from exc
    write_audit(audits)
    return counts


def _apply_one(ch: BudgetChange, old: ActivityBudget | None, acts, user, audits, source) -> str:
    owner = acts[ch.activity_id]
    where = f"{owner.activity_code or 'Faaliyet'} {ch.year} bütçesi"
    b = old or ActivityBudget(activity_id=ch.activity_id, year=ch.year)
    before = _text(b.planned, b.actual, b.code) if old else ""
    if ch.planned is not None:
        b.planned, b.planned_raw = parse_tl(ch.planned, label=f"{where}, planlanan")
    if ch.actual is not None:
        b.actual, b.actual_raw = parse_tl(ch.actual, label=f"{where}, harcanan")
    if ch.code is not None:
        b.code = clean_text(ch.code)[:60]
    empty = b.planned is None and b.actual is None and not b.code
    after = "" if empty else _text(b.planned, b.actual, b.code)
    if after == before:
        return "unchanged"
    if empty:
        if old is not None:
            old.delete()
        kind = "deleted"
    else:
        b.updated_by = user if getattr(user, "pk", None) else None
        b.save()
        kind = "changed" if old else "new"
    audits.append(
        audit_row(
            kind=KIND,
            owner=owner,
            year=ch.year,
            old_text=before,
            new_text=after,
            user=user if getattr(user, "pk", None) else None,
            source=source,
        )
    )
    return kind


@dataclass
class BudgetSums:
    planned: Decimal = Decimal(0)
    actual: Decimal = Decimal(0)
    planned_count: int = 0
    actual_count: int = 0
    activities: int = 0

    def add(self, b: ActivityBudget) -> None:
        self.activities += 1
        if b.planned is not None:
            self.planned += b.planned
            self.planned_count += 1
        if b.actual is not None:
            self.actual += b.actual
            self.actual_count += 1

    @property
    def planned_sum(self) -> Decimal | None:
        """The planned amounts summed; None when none was entered (not a zero)."""
        return self.planned if self.planned_count else None

    @property
    def actual_sum(self) -> Decimal | None:
        return self.actual if self.actual_count else None

    @property
    def spent_percent(self) -> Decimal | None:
        """Actual as a share of planned, in percent."""
        if not self.planned_count or not self.planned:
            return None
        return (self.actual * 100 / self.planned).quantize(Decimal("0.1"))
