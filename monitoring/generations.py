"""Making a plan's next generation with its figures: plans.generations copies the
structure; here a revision gets its predecessor's targets of its own period (through the
one target writer, audited as "plan kopyası"), and a next plan gets, as each indicator's
baseline ("Mevcut"), the last realization of the indicator it continues: what an
equality unit writes as "Mevcut" when it drafts the next plan. An indicator with no
realization starts the next plan with an empty baseline, not with the old plan's one
(that value is years old by then): the confirmation says how many are left to fill.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Case, Exists, F, OuterRef, Q, Subquery, When

from plans.generations import CopiedStructure, plan_copy_structure
from plans.models import Activity, FigureState, Indicator, Plan, Target
from plans.scoping import municipality_id
from plans.text import ParsedFigure

from .models import Realization
from .targets import TargetChange, targets_apply

SOURCE = "plan kopyası"


@dataclass
class GenerationResult:
    plan: Plan
    counts: dict[str, int]  # the structure's, then "hedef değeri" (cells) or "mevcut değer"
    baselines_missing: int = 0


def check_may_create(source: Plan, user) -> None:
    if user is None or getattr(user, "is_superuser", False):
        return
    if not user.has_perm("plans.add_plan") or municipality_id(user) != source.municipality_id:
        raise PermissionDenied("Bu plandan yeni bir plan oluşturma yetkiniz yok.")


@transaction.atomic
def plan_generation_create(
    source: Plan, *, kind: str, title: str, first_year: int, last_year: int, user
) -> GenerationResult:
    """The revision or the next plan of ``source``, a draft, in one transaction."""
    check_may_create(source, user)
    copied = plan_copy_structure(
        source, kind=kind, title=title, first_year=first_year, last_year=last_year
    )
    result = GenerationResult(copied.plan, dict(copied.counts))
    if kind == Plan.Kind.REVISION:
        result.counts["hedef değeri"] = _copy_targets(source, copied, user=user)
    else:
        result.counts["mevcut değer"], result.baselines_missing = _baselines_from_realizations(
            copied.plan
        )
    return result


def _parsed(rows: list[tuple]) -> ParsedFigure:
    """A stored cell (its rows: group code, state, value, raw text) as the writer takes
    it: its groups, or its one value."""
    raw = rows[0][3]
    if any(code for code, *_rest in rows):
        groups = [(code, value) for code, _s, value, _r in rows if code and value is not None]
        return ParsedFigure(raw=raw, state=FigureState.VALUE, groups=groups)
    _code, state, value, _raw = rows[0]
    return ParsedFigure(raw=raw, state=state, value=value)


def _copy_targets(source: Plan, copied: CopiedStructure, *, user) -> int:
    """The predecessor's target cells of the new plan's years, onto the rows that continue
    their owners: three queries and the writer's, whatever the plan's size."""
    plan = copied.plan
    new_indicator = dict(
        Indicator.objects.filter(activity__theme__plan=plan).values_list("continues_id", "pk")
    )
    new_activity = dict(Activity.objects.filter(theme__plan=plan).values_list("continues_id", "pk"))
    cells: dict[tuple, list[tuple]] = defaultdict(list)
    rows = Target.objects.filter(
        Q(indicator__activity__theme__plan=source) | Q(activity__theme__plan=source),
        year__gte=plan.first_year,
        year__lte=plan.last_year,
    ).order_by("year", "group__position", "pk")
    columns = ("indicator_id", "activity_id", "year", "group__code", "state", "value", "raw_text")
    for ind, act, year, *figure in rows.values_list(*columns):
        cells[(ind, act, year)].append(tuple(figure))
    changes = [
        TargetChange(
            year=year,
            raw=group[0][3],
            indicator_id=new_indicator.get(ind) if ind else None,
            activity_id=None if ind else new_activity.get(act),
            parsed=_parsed(group),
        )
        for (ind, act, year), group in cells.items()
    ]
    changes = [c for c in changes if c.indicator_id or c.activity_id]
    counts = targets_apply(changes, user=user, source=SOURCE, new_owners=True)
    return counts["new"]


_SHOWN = (FigureState.VALUE, FigureState.TEXT)


def _generations_back() -> list:
    """For an outer indicator: the ids of the indicators it continues, nearest first, each
    an indexed lookup (no ordering: the model's would join plan and municipality)."""
    before = OuterRef(OuterRef("continues_id"))
    step = Indicator.objects.order_by().values("continues_id")
    return [
        OuterRef("continues_id"),
        Subquery(step.filter(pk=before)),
        Subquery(step.filter(continued_by__pk=before)[:1]),
    ]


def _baselines_from_realizations(plan: Plan) -> tuple[int, int]:
    """Each indicator's baseline: the latest realization (a number or a text, not
    returned) of the nearest indicator it continues that has one (a next plan made from a
    revision with no figures yet takes the first version's), its cell's text and, when
    the cell is one total (no groups), its number; empty where there is none. Two
    queries. Returns (baselines taken, baselines left empty)."""
    latest = [
        Realization.objects.filter(indicator_id=ind, state__in=_SHOWN)
        .exclude(status=Realization.Status.RETURNED)
        .order_by("-year", F("group").asc(nulls_first=True), "pk")
        for ind in _generations_back()
    ]
    total = Case(When(group__isnull=True, then="value"))

    def nearest(column: str, qs_of=lambda qs: qs):
        return Case(
            *(When(Exists(qs), then=Subquery(qs_of(qs).values(column)[:1])) for qs in latest)
        )

    found = Q()
    for qs in latest:
        found |= Q(Exists(qs))
    inds = Indicator.objects.filter(activity__theme__plan=plan)
    taken = inds.filter(found).update(
        baseline_raw=nearest("raw_text"),
        baseline_value=nearest("total", lambda qs: qs.annotate(total=total)),
    )
    missing = inds.filter(~found).update(baseline_raw="", baseline_value=None)
    return taken, missing
