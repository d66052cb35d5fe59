"""The one writer of targets and their audit rows.

Every path that creates, changes or deletes a ``Target`` calls ``targets_apply``: the
admin (change forms, inlines, deletes), the plan-table import, the flat indicator table,
the demo loader. A write is one cell: an indicator's (or, as Büyükçekmece gives them, an
activity's) target of one year, as typed; a cell that names several groups ("40 kız
çocuğu 40 oğlan çocuğu") is stored as one row per group, and is always replaced as a
whole, so no edit can sum or duplicate its groups. The rules (scope, closed years, the
plan's period) and the audit are those of monitoring.audit.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone

from monitoring.excel.bulk import insert_rows
from monitoring.excel.plan_build import figure_parser, figure_rows, group_aliases
from plans.models import Target
from plans.text import ParsedFigure

from .audit import (
    Owner,
    audit_row,
    cell_text,
    check_scope,
    check_years,
    owners_of,
    refusal_of,
    write_audit,
)
from .models import FigureChange

KIND = FigureChange.Kind.TARGET


class _NoGroup:
    pk = None


_NONE = _NoGroup()


@dataclass
class TargetChange:
    """An indicator's (or an activity's) target cell of a year becomes ``raw`` (as typed;
    None or "" deletes the cell). ``parsed`` may be given when the caller parsed it."""

    year: int
    raw: str | None
    indicator_id: int | None = None
    activity_id: int | None = None
    parsed: ParsedFigure | None = None

    @property
    def key(self) -> tuple:
        return (self.indicator_id, self.activity_id, self.year)


def _owner(ch: TargetChange, inds: dict[int, Owner], acts: dict[int, Owner]) -> Owner:
    return inds[ch.indicator_id] if ch.indicator_id else acts[ch.activity_id]


def stored_cells(keys: Iterable[tuple]) -> dict[tuple, list[Target]]:
    """The stored rows of the given cells (indicator, activity, year), in one query."""
    keys = set(keys)
    ind = {k[0] for k in keys if k[0]}
    act = {k[1] for k in keys if k[1]}
    if not keys:
        return {}
    cond = Q()
    if ind:
        cond |= Q(indicator_id__in=ind)
    if act:
        cond |= Q(activity_id__in=act)
    cells: dict[tuple, list[Target]] = {}
    qs = Target.objects.filter(cond, year__in={k[2] for k in keys}).select_related("group")
    for t in qs.order_by("group__position", "pk"):
        key = (t.indicator_id, t.activity_id, t.year)
        if key in keys:
            cells.setdefault(key, []).append(t)
    return cells


def _same(old: list[Target], new: list[dict]) -> bool:
    def norm(group_id, state, value, raw):
        return (group_id, state, None if value is None else value.normalize(), raw)

    a = sorted(norm(t.group_id, t.state, t.value, t.raw_text) for t in old)
    b = sorted(
        norm(r["group"].pk if r["group"] else None, r["state"], r["value"], r["raw_text"])
        for r in new
    )
    return a == b


def check_targets(changes: Sequence[TargetChange], *, user) -> tuple[dict, dict]:
    inds, acts = owners_of(
        (c.indicator_id for c in changes if c.indicator_id),
        (c.activity_id for c in changes if c.activity_id and not c.indicator_id),
    )
    owners = [_owner(c, inds, acts) for c in changes]
    check_scope(user, owners, perm="plans.change_target", unit_bound=False)
    check_years(zip(owners, (c.year for c in changes), strict=True), what="hedefleri")
    return inds, acts


@transaction.atomic
def targets_apply(
    changes: Sequence[TargetChange], *, user, source: str, new_owners: bool = False
) -> Counter:
    """Store the target cells (unchanged ones untouched), each change audited, in one
    transaction; refused as a whole by any rule. ``new_owners``: the indicators and
    activities were created by the same call (a plan import): nothing stored to read."""
    inds, acts = check_targets(changes, user=user)
    old_cells = {} if new_owners else stored_cells(c.key for c in changes)
    aliases, groups = group_aliases()
    parse = figure_parser(aliases)
    counts: Counter = Counter()
    now = timezone.now()
    to_delete: list[int] = []
    to_update: list[Target] = []
    rows: list[dict] = []
    audits: list[dict] = []
    for ch in changes:
        old = old_cells.get(ch.key, [])
        parsed = ch.parsed if ch.parsed is not None else parse(ch.raw or "")
        owner = _owner(ch, inds, acts)
        new = (
            figure_rows(
                parsed,
                groups,
                indicator_id=ch.indicator_id,
                activity_id=ch.activity_id,
                plan_id=owner.plan_id,  # the database checks it (monitoring.triggers)
                year=ch.year,
            )
            if (ch.raw or ch.parsed is not None)
            else []
        )
        if _same(old, new):
            counts["unchanged"] += 1
            continue
        kind = "new" if not old else "deleted" if not new else "changed"
        counts[kind] += 1
        old_text = cell_text(old)
        if len(old) == len(new) == 1 and old[0].group_id == (new[0]["group"] or _NONE).pk:
            t, n = old[0], new[0]
            t.state, t.value, t.raw_text = n["state"], n["value"], n["raw_text"]
            t.updated_at = now
            to_update.append(t)  # in place: the row keeps its id
        else:
            to_delete.extend(t.pk for t in old)
            rows.extend(new)
        audits.append(
            audit_row(
                kind=KIND,
                owner=owner,
                year=ch.year,
                old_text=old_text,
                new_text=new[0]["raw_text"] if new else "",
                user=user,
                source=source,
                groups=", ".join(r["group"].name for r in new if r["group"]),
            )
        )
    try:
        with transaction.atomic():
            if to_delete:
                Target.objects.filter(pk__in=to_delete).delete()
            if to_update:
                Target.objects.bulk_update(
                    to_update, ["state", "value", "raw_text", "updated_at"], batch_size=1000
                )
            insert_rows(Target, rows)
    except DatabaseError as exc:
        raise refusal_of(exc) from exc
    write_audit(audits)
    return counts


def targets_delete(targets: Iterable[Target], *, user, source: str) -> int:
    """Delete the cells the given rows belong to (every group of each), audited."""
    keys = {(t.indicator_id, t.activity_id, t.year) for t in targets}
    changes = [TargetChange(year=y, raw=None, indicator_id=i, activity_id=a) for i, a, y in keys]
    targets_apply(changes, user=user, source=source)
    return len(changes)


def cell_changes_for(owner_field: str, owner_ids: Iterable[int]) -> list[TargetChange]:
    """Delete-changes for every target cell of the given indicators or activities (one
    query): what deleting them takes with it, audited."""
    qs = Target.objects.filter(**{f"{owner_field}__in": list(owner_ids)})
    keys = set(qs.values_list("indicator_id", "activity_id", "year"))
    return [TargetChange(year=y, raw=None, indicator_id=i, activity_id=a) for i, a, y in keys]
