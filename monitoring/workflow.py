"""The yearly workflow: a realization goes draft > submitted > approved, or is returned
with a comment (and can be edited again). Approving the year's report closes the year:
no figure of it changes until the equality unit reopens it. Every step is recorded."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from plans.models import Plan, Target

from .audit import YearClosed
from .models import Realization, ReportingYear, YearEvent
from .progress import BEHIND, assess, combine
from .realizations import realizations_set_status

S = Realization.Status


def closed_years(plan: Plan) -> set[int]:
    return set(
        ReportingYear.objects.filter(plan=plan, is_closed=True).values_list("year", flat=True)
    )


def is_closed(plan: Plan, year: int) -> bool:
    return ReportingYear.objects.filter(plan=plan, year=year, is_closed=True).exists()


def ensure_open(plan: Plan, year: int) -> None:
    if is_closed(plan, year):
        raise YearClosed(
            f"{year} yılı kapatılmış: bu yılın gerçekleşmeleri değiştirilemez. Eşitlik "
            "birimi yılı yeniden açabilir."
        )


def open_year(plan: Plan, today: date | None = None) -> int:
    """The year figures are being collected for: the latest plan year up to last year
    that is not closed (in January, last year), else the first open year."""
    today = today or timezone.localdate()
    closed = closed_years(plan)
    candidates = [y for y in plan.years if y not in closed]
    if not candidates:
        return plan.last_year
    due = [y for y in candidates if y <= today.year - 1] or [
        y for y in candidates if y <= today.year
    ]
    return max(due) if due else min(candidates)


def needs_reason(realizations: list[Realization]) -> list[Realization]:
    """Figures below their target's threshold that have no reason for deviation."""
    if not realizations:
        return []
    indicator_ids = {r.indicator_id for r in realizations}
    years = {r.year for r in realizations}
    targets: dict[tuple[int, int], list] = {}
    for t in Target.objects.filter(indicator_id__in=indicator_ids, year__in=years).select_related(
        "group"
    ):
        targets.setdefault((t.indicator_id, t.year), []).append(t)
    by_key: dict[tuple[int, int], list[Realization]] = {}
    for r in realizations:
        by_key.setdefault((r.indicator_id, r.year), []).append(r)
    missing = []
    for (ind_id, year), rows in by_key.items():
        if any(r.deviation_reason.strip() for r in rows):
            continue
        ind = rows[0].indicator
        target = combine(
            (t.state, t.value, t.group.code if t.group else "", t.raw_text)
            for t in targets.get((ind_id, year), [])
        )
        real = combine((r.state, r.value, "g" if r.group_id else "", r.raw_text) for r in rows)
        progress = assess(
            target=target,
            realization=real,
            baseline=ind.baseline_value,
            direction=ind.direction,
            accumulation=ind.accumulation,
        )
        if progress.status == BEHIND:
            missing.extend(rows)
    return missing


def _change_status(
    realizations: Iterable[Realization],
    *,
    user,
    new: str,
    allowed_from: set[str],
    source: str,
    comment: str = "",
) -> int:
    rows = [r for r in realizations if r.status in allowed_from]
    return realizations_set_status(rows, user=user, new=new, source=source, comment=comment)


@transaction.atomic
def submit(realizations: list[Realization], *, user, source: str = "gönder") -> int:
    """Draft or returned figures go to the equality unit. A figure below its target's
    threshold needs a reason for deviation (ValidationError lists them)."""
    candidates = [r for r in realizations if r.status in (S.DRAFT, S.RETURNED)]
    missing = needs_reason(candidates)
    if missing:
        names = "; ".join(
            sorted({f"{r.indicator.activity.code} {r.indicator.name}" for r in missing})
        )
        raise ValidationError(
            f"Hedefin gerisinde kalan göstergeler için sapma nedeni yazılmalı: {names}"
        )
    return _change_status(
        candidates, user=user, new=S.SUBMITTED, allowed_from={S.DRAFT, S.RETURNED}, source=source
    )


@transaction.atomic
def approve(realizations: list[Realization], *, user) -> int:
    if not user.has_perm("monitoring.approve_realization"):
        raise PermissionDenied
    return _change_status(
        realizations, user=user, new=S.APPROVED, allowed_from={S.SUBMITTED}, source="onay"
    )


@transaction.atomic
def return_for_changes(realizations: list[Realization], *, user, comment: str) -> int:
    if not user.has_perm("monitoring.approve_realization"):
        raise PermissionDenied
    if not comment.strip():
        raise ValidationError("İade için bir açıklama yazın.")
    return _change_status(
        realizations,
        user=user,
        new=S.RETURNED,
        allowed_from={S.SUBMITTED, S.APPROVED},
        source="iade",
        comment=comment.strip(),
    )


@transaction.atomic
def close_year(*, plan: Plan, year: int, user, note: str = "", override_reason: str = "") -> None:
    """Approve the year's report: every figure must be approved; then nothing changes.
    With ``override_reason`` the year closes although figures are not approved; the
    reason is recorded in the year's event note."""
    if not user.has_perm("monitoring.close_year"):
        raise PermissionDenied
    if year not in plan.years:
        raise ValidationError(f"{year} yılı planın dönemi dışında.")
    override_reason = override_reason.strip()
    if override_reason:
        note = "\n".join(p for p in (f"Eksiklere rağmen kapatıldı: {override_reason}", note) if p)
    pending = Realization.objects.for_plan(plan).filter(year=year).exclude(status=S.APPROVED)
    if not override_reason and pending.exists():
        raise ValidationError(
            f"{year} yılında onaylanmamış {pending.count()} gerçekleşme var; önce onaylayın "
            "ya da iade edin."
        )
    ReportingYear.objects.update_or_create(
        plan=plan, year=year, defaults={"is_closed": True, "changed_by": user}
    )
    YearEvent.objects.create(
        plan=plan, year=year, action=YearEvent.Action.CLOSED, user=user, note=note
    )


@transaction.atomic
def reopen_year(*, plan: Plan, year: int, user, note: str) -> None:
    if not user.has_perm("monitoring.close_year"):
        raise PermissionDenied
    if not note.strip():
        raise ValidationError("Yılı yeniden açmanın gerekçesini yazın.")
    ReportingYear.objects.update_or_create(
        plan=plan, year=year, defaults={"is_closed": False, "changed_by": user}
    )
    YearEvent.objects.create(
        plan=plan, year=year, action=YearEvent.Action.REOPENED, user=user, note=note
    )
