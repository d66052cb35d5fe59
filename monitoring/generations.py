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


def _parsed(rows: list[Target]) -> ParsedFigure:
    """A stored cell as the writer takes it: its groups, or its one value."""
    first = rows[0]
    if any(r.group_id for r in rows):
        groups = [(r.group.code, r.value) for r in rows if r.group_id and r.value is not None]
        return ParsedFigure(raw=first.raw_text, state=FigureState.VALUE, groups=groups)
    return ParsedFigure(raw=first.raw_text, state=first.state, value=first.value)


def _copy_targets(source: Plan, copied: CopiedStructure, *, user) -> int:
    """The predecessor's target cells of the new plan's years, onto the rows that continue
    their owners: four queries and the writer's, whatever the plan's size."""
    plan = copied.plan
    new_indicator = dict(
        Indicator.objects.filter(activity__theme__plan=plan).values_list("continues_id", "pk")
    )
    new_activity = dict(Activity.objects.filter(theme__plan=plan).values_list("continues_id", "pk"))
    cells: dict[tuple, list[Target]] = defaultdict(list)
    rows = Target.objects.filter(
        Q(indicator__activity__theme__plan=source) | Q(activity__theme__plan=source),
        year__gte=plan.first_year,
        year__lte=plan.last_year,
    ).select_related("group")
    for t in rows.order_by("year", "group__position", "pk"):
        cells[(t.indicator_id, t.activity_id, t.year)].append(t)
    changes = [
        TargetChange(
            year=year,
            raw=group[0].raw_text,
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


def _baselines_from_realizations(plan: Plan) -> tuple[int, int]:
    """Each indicator's baseline: the latest realization (a number or a text, not
    returned) of the indicator it continues, or of the ones before that (a next plan
    made from a revision that has no figures yet takes the first version's), its cell's
    text and, when the cell is one total (no groups), its number; empty where there is
    none. Two queries. Returns (baselines taken, baselines left empty)."""
    continued = OuterRef(OuterRef("continues_id"))
    chain = Indicator.objects.filter(
        Q(pk=continued) | Q(continued_by=continued) | Q(continued_by__continued_by=continued)
    ).values("pk")
    latest = (
        Realization.objects.filter(indicator_id__in=chain, state__in=_SHOWN)
        .exclude(status=Realization.Status.RETURNED)
        .order_by("-year", F("group").asc(nulls_first=True), "pk")
    )
    total = Case(When(group__isnull=True, then="value"))
    inds = Indicator.objects.filter(activity__theme__plan=plan)
    taken = inds.filter(Exists(latest)).update(
        baseline_raw=Subquery(latest.values("raw_text")[:1]),
        baseline_value=Subquery(latest.annotate(total=total).values("total")[:1]),
    )
    missing = inds.filter(~Exists(latest)).update(baseline_raw="", baseline_value=None)
    return taken, missing
