"""The one writer of realizations and their audit rows.

Every path that creates, changes or deletes a ``Realization`` calls a function here: the
admin (forms, inlines, deletes), the yearly entry page, the workbook imports, the flat
tables, the workflow and the demo loader. A write is one cell: one indicator's figure of
one year, which may split into several groups ("50 Kadın 50 Erkek"). The rules live here
once (see monitoring.audit): scope, closed years, the plan's period, the version check
between two editors, a changed figure going back to draft, and the audit.

Queries: a fixed number per call, whatever the number of cells.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import DatabaseError, transaction
from django.utils import timezone

from monitoring.excel.bulk import bulk_insert
from plans.models import Indicator
from plans.text import numeric_text

from .audit import (
    FigureRefused,
    Owner,
    audit_row,
    cell_text,
    check_scope,
    check_years,
    group_names,
    owners_of,
    refusal_of,
    write_audit,
)
from .models import FigureChange, Realization

S = Realization.Status
KIND = FigureChange.Kind.REALIZATION
_UPDATED = [
    "state",
    "value",
    "raw_text",
    "deviation_reason",
    "note",
    "entered_by",
    "updated_at",
    "status",
    "version",
    "milestone_done",
]


def figure_key(r: Realization) -> tuple:
    """What makes two figures the same: "%7.88" and "%7,88" are one number."""
    raw = "" if r.state == "value" and numeric_text(r.raw_text) else r.raw_text
    return (r.group_id, r.state, r.value, raw)


def same_figures(old: list[Realization], new: list[Realization]) -> bool:
    return sorted(map(figure_key, old), key=str) == sorted(map(figure_key, new), key=str)


def versions_of(rows: list[Realization]) -> str:
    return ",".join(str(r.version) for r in sorted(rows, key=lambda r: r.pk or 0))


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
    milestone_done: bool | None = None

    @property
    def year(self) -> int:
        return (self.old or self.new)[0].year

    @property
    def kind(self) -> str:
        if self.new is None:
            return "changed" if self.old and self._texts_changed() else "unchanged"
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
            (self.deviation_reason is not None and self.deviation_reason != cur.deviation_reason)
            or (self.note is not None and self.note != cur.note)
            or (self.milestone_done is not None and self.milestone_done != cur.milestone_done)
        )


class ConcurrentChange(FigureRefused):
    """Someone else changed these figures after the user opened them."""

    def __init__(self, indicators: dict[int, list[Realization]]):
        self.indicators = indicators
        super().__init__(
            f"{len(indicators)} gösterge siz düzenlerken başka biri tarafından değiştirildi; "
            "değişikliğiniz kaydedilmedi."
        )


def _check_versions(changes: Sequence[RealizationChange]) -> None:
    watched = [ch for ch in changes if ch.seen_version is not None and ch.kind != "unchanged"]
    if not watched:
        return
    current: dict[tuple[int, int], list[Realization]] = {}
    qs = Realization.objects.filter(
        indicator_id__in=[ch.indicator.pk for ch in watched],
        year__in={ch.year for ch in watched},
    ).select_related("entered_by")
    for r in qs:
        current.setdefault((r.indicator_id, r.year), []).append(r)
    conflicts = {}
    for ch in watched:
        now = current.get((ch.indicator.pk, ch.year), [])
        if versions_of(now) != ch.seen_version:
            conflicts[ch.indicator.pk] = now
    if conflicts:
        raise ConcurrentChange(conflicts)


def check_realizations(changes: Sequence[RealizationChange], *, user) -> dict[int, Owner]:
    """The rules, without writing: raises FigureRefused (or PermissionDenied)."""
    live = [ch for ch in changes if ch.kind != "unchanged"]
    owners, _ = owners_of(ch.indicator.pk for ch in live)
    check_scope(user, owners.values(), perm="monitoring.change_realization", unit_bound=True)
    check_years(((owners[ch.indicator.pk], ch.year) for ch in live), what="gerçekleşmeleri")
    _check_versions(changes)
    return owners


def _redraft(user) -> bool:
    """A changed figure goes back to draft, unless the one who changed it may approve
    (their change is the review)."""
    return user is not None and not user.has_perm("monitoring.approve_realization")


@transaction.atomic
def realizations_apply(changes: Sequence[RealizationChange], *, user, source: str) -> Counter:
    """Store the changes in a few bulk statements (unchanged cells untouched), each
    audited. Refused as a whole (FigureRefused, nothing written) by any rule."""
    owners = check_realizations(changes, user=user)
    counts: Counter = Counter()
    to_delete: list[int] = []
    to_create: list[Realization] = []
    to_update: list[Realization] = []
    audits: list[dict] = []
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
        done = (
            ch.milestone_done
            if ch.milestone_done is not None
            else (cur.milestone_done if cur else None)
        )
        row = audit_row(
            kind=KIND,
            owner=owners[ch.indicator.pk],
            year=ch.year,
            old_text=cell_text(ch.old),
            new_text="" if kind == "deleted" else cell_text(ch.new if ch.new else ch.old),
            old_status=cur.status if cur else "",
            reason=reason,
            source=source,
            user=user,
            groups=group_names(ch.new or ch.old),
        )
        audits.append(row)
        if kind == "deleted":
            to_delete.extend(r.pk for r in ch.old)
            continue
        value_changed = ch.new is not None and not same_figures(ch.old, ch.new)
        status = None
        if value_changed and _redraft(user) and cur and cur.status != S.DRAFT:
            status = S.DRAFT
        if ch.new is None or (
            len(ch.old) == len(ch.new) == 1 and ch.old[0].group_id == ch.new[0].group_id
        ):
            for k, r in enumerate(ch.old):
                if ch.new is not None:
                    n = ch.new[k]
                    r.state, r.value, r.raw_text = n.state, n.value, n.raw_text
                r.status = status or r.status
                r.deviation_reason, r.note, r.milestone_done = reason, note, done
                r.entered_by, r.updated_at = user, now
                r.version += 1
                to_update.append(r)
            row["new_status"] = ch.old[0].status
            continue
        to_delete.extend(r.pk for r in ch.old)
        version = max((o.version for o in ch.old), default=0) + 1
        for r in ch.new:
            r.plan_id = owners[ch.indicator.pk].plan_id  # the database checks it
            r.deviation_reason, r.note, r.milestone_done = reason, note, done
            r.entered_by, r.version = user, version
            if cur is not None:
                r.status = status or cur.status
                r.evidence_file, r.evidence_url = cur.evidence_file, cur.evidence_url
            to_create.append(r)
        row["new_status"] = ch.new[0].status
    _write(to_delete, to_update, to_create)
    write_audit(audits)
    return counts


def _write(to_delete, to_update, to_create) -> None:
    try:
        with transaction.atomic():
            if to_delete:
                Realization.objects.filter(pk__in=to_delete).delete()
            if to_update:
                Realization.objects.bulk_update(to_update, _UPDATED, batch_size=1000)
            if to_create:
                bulk_insert(to_create)
    except DatabaseError as exc:
        raise refusal_of(exc) from exc


def cells_of(realizations: Iterable[Realization]) -> list[list[Realization]]:
    """The stored cells (indicator, year) the given rows belong to, every group of each,
    in one query."""
    keys = {(r.indicator_id, r.year) for r in realizations}
    if not keys:
        return []
    cells: dict[tuple[int, int], list[Realization]] = {}
    for r in Realization.objects.filter(
        indicator_id__in={k[0] for k in keys}, year__in={k[1] for k in keys}
    ).select_related("indicator", "group"):
        if (r.indicator_id, r.year) in keys:
            cells.setdefault((r.indicator_id, r.year), []).append(r)
    return list(cells.values())


def realizations_delete(realizations: Iterable[Realization], *, user, source: str) -> int:
    """Delete the cells the rows belong to (a multi-group cell goes as a whole), audited
    in the same transaction. Returns the number of cells."""
    cells = cells_of(realizations)
    changes = [RealizationChange(indicator=c[0].indicator, old=c, new=[]) for c in cells]
    realizations_apply(changes, user=user, source=source)
    return len(cells)


@transaction.atomic
def realizations_set_status(
    realizations: Sequence[Realization],
    *,
    user,
    new: str,
    source: str,
    comment: str = "",
) -> int:
    """A workflow step for the given figures (submit, approve, return), audited. The
    caller chooses which figures may take the step."""
    rows = list(realizations)
    if not rows:
        return 0
    owners, _ = owners_of(r.indicator_id for r in rows)
    check_years({(owners[r.indicator_id], r.year) for r in rows}, what="gerçekleşmeleri")
    now = timezone.now()
    audits = []
    for r in rows:
        old = r.status
        r.status = new
        r.version += 1
        r.updated_at = now
        if new in (S.APPROVED, S.RETURNED):
            r.reviewed_by, r.reviewed_at = user, now
        if new == S.RETURNED:
            r.return_comment = comment
        audits.append(
            audit_row(
                kind=KIND,
                owner=owners[r.indicator_id],
                year=r.year,
                old_text=r.raw_text,
                new_text=r.raw_text,
                old_status=old,
                new_status=new,
                reason=comment,
                source=source,
                user=user,
            )
        )
    try:
        with transaction.atomic():
            Realization.objects.bulk_update(
                rows,
                ["status", "version", "updated_at", "reviewed_by", "reviewed_at", "return_comment"],
                batch_size=500,
            )
    except DatabaseError as exc:
        raise refusal_of(exc) from exc
    write_audit(audits)
    return len(rows)


def realizations_set_evidence(realization: Realization, *, user, file=None, url=None) -> None:
    """Attach an evidence file or link (not a figure change: no audit row, no redraft)."""
    owners, _ = owners_of([realization.indicator_id])
    check_scope(user, owners.values(), perm="monitoring.change_realization", unit_bound=True)
    check_years([(owners[realization.indicator_id], realization.year)], what="gerçekleşmeleri")
    fields = []
    if file is not None:
        realization.evidence_file = file
        fields.append("evidence_file")
    if url is not None:
        realization.evidence_url = url
        fields.append("evidence_url")
    if fields:
        realization.save(update_fields=[*fields, "updated_at"])
