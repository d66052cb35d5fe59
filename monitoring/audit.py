"""Audit records for edits made one by one in the admin (bulk paths record their own
in monitoring.services)."""

from __future__ import annotations

from .models import FigureChange


def figure_text(obj) -> str:
    if obj is None:
        return ""
    if obj.raw_text:
        return obj.raw_text
    return "" if obj.value is None else format(obj.value.normalize(), "f")


def record(*, old, new, user, source: str, reason: str = "") -> FigureChange | None:
    """One change of a target or realization; nothing when nothing visible changed."""
    obj = new or old
    from plans.models import Target

    kind = FigureChange.Kind.TARGET if isinstance(obj, Target) else FigureChange.Kind.REALIZATION
    old_text, new_text = figure_text(old), figure_text(new)
    old_status = getattr(old, "status", "") if old else ""
    new_status = getattr(new, "status", "") if new else ""
    unchanged = (old_text, old_status) == (new_text, new_status) and getattr(
        old, "deviation_reason", ""
    ) == getattr(new, "deviation_reason", "")
    if old is not None and new is not None and unchanged:
        return None
    return FigureChange.objects.create(
        kind=kind,
        indicator_id=obj.indicator_id,
        activity_id=getattr(obj, "activity_id", None),
        year=obj.year,
        group_id=obj.group_id,
        old_text=old_text[:500],
        new_text=new_text[:500],
        old_status=old_status,
        new_status=new_status,
        reason=reason or getattr(new, "deviation_reason", "") or "",
        source=source,
        user=user,
    )


def snapshot(model, pk):
    return model.objects.filter(pk=pk).first() if pk else None
