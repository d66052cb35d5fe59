"""What the two figure writers (monitoring.targets, monitoring.realizations) share: who
owns a figure, the rules every write obeys, and the audit rows. Nothing else imports the
audit model for writing.

The rules, checked before anything is written (the database checks them again):
- a user writes only figures of their municipality's plans; directorate staff only
  realizations of activities their unit is responsible for;
- a closed year's figures do not change;
- a figure's year lies inside its plan's period.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError

from monitoring.excel.bulk import insert_rows
from plans.models import Activity, Indicator
from plans.scoping import directorate_unit, municipality_id

from .models import FigureChange, ReportingYear


class FigureRefused(ValidationError):
    """A write refused by a rule: the message says which figure and why, in Turkish."""


class YearClosed(FigureRefused):
    pass


@dataclass(frozen=True, slots=True)
class Owner:
    """An indicator or an activity, with what the rules and the audit need of it."""

    indicator_id: int | None
    activity_id: int
    plan_id: int
    municipality_id: int
    plan_title: str
    first_year: int
    last_year: int
    activity_code: str
    indicator_name: str

    @property
    def label(self) -> str:
        return f"{self.activity_code} {self.indicator_name}".strip() or self.activity_code


_COLUMNS = (
    "activity__theme__plan_id",
    "activity__theme__plan__municipality_id",
    "activity__theme__plan__title",
    "activity__theme__plan__first_year",
    "activity__theme__plan__last_year",
    "activity__code",
)


def owners_of(
    indicator_ids: Iterable[int] = (), activity_ids: Iterable[int] = ()
) -> tuple[dict[int, Owner], dict[int, Owner]]:
    """Indicators' and activities' owners, in one query each (none when no ids)."""
    inds: dict[int, Owner] = {}
    acts: dict[int, Owner] = {}
    ind_ids, act_ids = set(indicator_ids), set(activity_ids)
    for pk, act, name, plan, mun, title, first, last, code in _chunked(
        Indicator.objects.values_list("pk", "activity_id", "name", *_COLUMNS), ind_ids
    ):
        inds[pk] = Owner(pk, act, plan, mun, title, first, last, code, name)
    act_cols = [c.removeprefix("activity__") for c in _COLUMNS]
    for pk, plan, mun, title, first, last, code in _chunked(
        Activity.objects.values_list("pk", *act_cols), act_ids
    ):
        acts[pk] = Owner(None, pk, plan, mun, title, first, last, code, "")
    return inds, acts


def _chunked(qs, ids: set[int], size: int = 10_000):
    ids_list = sorted(ids)
    for start in range(0, len(ids_list), size):
        yield from qs.filter(pk__in=ids_list[start : start + size])


def check_scope(user, owners: Iterable[Owner], *, perm: str, unit_bound: bool) -> None:
    """``user`` None: a command-line or demo write, no restriction."""
    if user is None or getattr(user, "is_superuser", False):
        return
    owners = list(owners)
    if not owners:
        return
    if not user.has_perm(perm):
        raise PermissionDenied("Bu değerleri değiştirme yetkiniz yok.")
    mid = municipality_id(user)
    foreign = [o for o in owners if o.municipality_id != mid]
    if foreign:
        # no label: another municipality's figure reads as a missing one
        raise FigureRefused("Bu gösterge ya da faaliyet sizin belediyenizin planlarında yok.")
    unit = directorate_unit(user) if unit_bound else None
    if unit is None:
        return
    allowed = set(
        Activity.responsible_units.through.objects.filter(
            activity_id__in={o.activity_id for o in owners}, unit_id=unit
        ).values_list("activity_id", flat=True)
    )
    outside = [o for o in owners if o.activity_id not in allowed]
    if outside:
        raise FigureRefused(
            f"“{outside[0].label}” sizin biriminizin sorumlu olduğu bir gösterge değil."
        )


def check_years(pairs: Iterable[tuple[Owner, int]], *, what: str) -> None:
    """Every (owner, year) inside its plan's period and not in a closed year."""
    pairs = list(pairs)
    for owner, year in pairs:
        if not owner.first_year <= year <= owner.last_year:
            raise FigureRefused(
                f"{owner.label}: {year} yılı planın dönemi "
                f"({owner.first_year}-{owner.last_year}) dışında."
            )
    if not pairs:
        return
    closed = set(
        ReportingYear.objects.filter(
            is_closed=True,
            plan_id__in={o.plan_id for o, _ in pairs},
            year__in={y for _, y in pairs},
        ).values_list("plan_id", "year")
    )
    hit = sorted({y for o, y in pairs if (o.plan_id, y) in closed})
    if hit:
        raise YearClosed(
            f"{hit[0]} yılı kapatılmış: bu yılın {what} değiştirilemez. Eşitlik birimi "
            "yılı gerekçesiyle yeniden açabilir."
        )


def refusal_of(exc: DatabaseError) -> FigureRefused:
    """A trigger's or constraint's refusal as a Turkish message (never a 500)."""
    text = str(exc)
    if "closed_year" in text:
        return YearClosed("Bu yıl kapatılmış: değerleri değiştirilemez.")
    if "yıl planın dönemi dışında" in text:
        return FigureRefused("Yıl planın dönemi dışında.")
    if isinstance(exc, IntegrityError) and "unique" in text.lower():
        return FigureRefused("Bu gösterge ve yıl için aynı grupta ikinci bir değer olamaz.")
    return FigureRefused(f"Veritabanı değişikliği reddetti: {text.splitlines()[0][:200]}")


def audit_row(
    *,
    kind: str,
    owner: Owner,
    year: int,
    old_text: str,
    new_text: str,
    user,
    source: str,
    reason: str = "",
    old_status: str = "",
    new_status: str = "",
    groups: str = "",
) -> dict:
    return {
        "kind": kind,
        "plan_id": owner.plan_id,
        "municipality_id": owner.municipality_id,
        "indicator_id": owner.indicator_id,
        "activity_id": owner.activity_id if owner.indicator_id is None else None,
        "year": year,
        "group": None,
        "plan_title": owner.plan_title[:300],
        "activity_code": owner.activity_code[:40],
        "indicator_name": owner.indicator_name[:500],
        "group_label": groups[:300],
        "old_text": old_text[:500],
        "new_text": new_text[:500],
        "old_status": old_status,
        "new_status": new_status,
        "reason": reason,
        "source": source[:30],
        "user": user,
    }


def write_audit(rows: list[dict]) -> None:
    if rows:
        insert_rows(FigureChange, rows)


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


def group_names(rows) -> str:
    return ", ".join(r.group.name for r in rows if r.group_id and r.group is not None)
