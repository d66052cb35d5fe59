"""Reading plan generations: an indicator's earlier generations with their figures (the
indicator page's earlier years) and a plan's differences from its predecessor (the
differences page). Fixed numbers of queries, whatever the plan's size.

The rows an indicator continues are always in its plan's predecessor, of the same
municipality (plans.triggers): who may see the indicator's own figures may see theirs,
except that the public sees only public plans' approved figures.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from plans.models import Activity, Indicator, Plan, Target

from .audit import cell_text
from .figures import IndicatorRow
from .models import Realization
from .progress import Progress, Thresholds

MAX_EARLIER = 4  # generations read back (one query: a join per generation)
_PATH = ["continues" + "__continues" * k for k in range(MAX_EARLIER)]


@dataclass
class EarlierYear:
    year: int
    targets: list
    realizations: list
    progress: Progress


@dataclass
class EarlierGeneration:
    """An indicator an indicator continues, in its plan, with its years."""

    indicator: Indicator
    plan: Plan
    years: list[EarlierYear]


def _chain(indicator: Indicator) -> list[Indicator]:
    """The indicators ``indicator`` continues, nearest first (one query)."""
    if indicator.continues_id is None:
        return []
    related = [f"{p}__activity__theme__plan" for p in _PATH]
    head = Indicator.objects.select_related(*related).get(pk=indicator.pk)
    chain, seen = [], {head.pk}
    node = head
    for _step in range(MAX_EARLIER):
        node = node.continues
        if node is None or node.pk in seen:
            break
        seen.add(node.pk)
        chain.append(node)
    return chain


def lineage_ids(indicator_id: int) -> list[int]:
    """The indicator and the ones it continues, nearest first: its figures across plans
    (the API's ``lineage`` filter). Two queries at most."""
    indicator = Indicator.objects.filter(pk=indicator_id).only("pk", "continues_id").first()
    if indicator is None:
        return []
    return [indicator.pk, *(i.pk for i in _chain(indicator))]


def earlier_generations(indicator: Indicator, *, internal: bool) -> list[EarlierGeneration]:
    """The figures of the indicators this one continues, as earlier years: three queries
    (none when it continues nothing). ``internal``: figures not yet approved too;
    otherwise only approved figures of public plans."""
    chain = [i for i in _chain(indicator) if internal or i.activity.theme.plan.is_public]
    if not chain:
        return []
    ids = [i.pk for i in chain]
    targets: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    for t in Target.objects.filter(indicator_id__in=ids).select_related("group"):
        targets[t.indicator_id][t.year].append(t)
    reals: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    real_qs = Realization.objects.filter(indicator_id__in=ids).select_related("group")
    if not internal:
        real_qs = real_qs.filter(status=Realization.Status.APPROVED)
    for r in real_qs.order_by("year", "group__position", "pk"):
        reals[r.indicator_id][r.year].append(r)
    th = Thresholds.from_settings()
    out = []
    for ind in chain:
        plan = ind.activity.theme.plan
        row = IndicatorRow(
            indicator=ind,
            activity=ind.activity,
            targets=dict(targets.get(ind.pk, {})),
            realizations=dict(reals.get(ind.pk, {})),
        )
        years = [
            EarlierYear(y, row.targets.get(y, []), row.realizations.get(y, []), row.progress(y, th))
            for y in plan.years
        ]
        out.append(EarlierGeneration(ind, plan, years))
    return out


# ---------------------------------------------------------------------------- differences


@dataclass
class TargetChangeLine:
    year: int
    old: str
    new: str


@dataclass
class ChangedIndicator:
    old: Indicator
    new: Indicator
    fields: list[tuple[str, str, str]]  # (label, old, new)
    targets: list[TargetChangeLine]


@dataclass
class PlanDiff:
    plan: Plan
    predecessor: Plan
    added: list[Indicator] = field(default_factory=list)
    removed: list[Indicator] = field(default_factory=list)
    changed: list[ChangedIndicator] = field(default_factory=list)
    added_activities: list[Activity] = field(default_factory=list)
    removed_activities: list[Activity] = field(default_factory=list)
    unchanged: int = 0

    @property
    def target_changes(self) -> int:
        return sum(len(c.targets) for c in self.changed)


_COMPARED = (
    ("name", _("Gösterge")),
    ("unit_of_measure", _("Ölçü birimi")),
    ("value_type", _("Değer türü")),
    ("accumulation", _("Sayılış")),
    ("direction", _("İstenen yön")),
)


def _indicators(plan: Plan) -> list[Indicator]:
    return list(
        Indicator.objects.filter(activity__theme__plan=plan)
        .select_related("activity__theme")
        .order_by("activity__theme__position", "activity__position", "position")
    )


def _cells(indicators: list[Indicator]) -> dict[int, dict[int, str]]:
    """Each indicator's target cells as text, by year (one query)."""
    rows: dict[tuple, list] = defaultdict(list)
    qs = Target.objects.filter(indicator_id__in=[i.pk for i in indicators])
    for t in qs.select_related("group").order_by("year", "group__position", "pk"):
        rows[(t.indicator_id, t.year)].append(t)
    cells: dict[int, dict[int, str]] = defaultdict(dict)
    for (ind, year), group in rows.items():
        cells[ind][year] = cell_text(group)
    return cells


def _field_changes(old: Indicator, new: Indicator) -> list[tuple[str, str, str]]:
    out = []
    for name, label in _COMPARED:
        a, b = getattr(old, name), getattr(new, name)
        if a != b:
            display = f"get_{name}_display"
            if hasattr(old, display):
                a, b = getattr(old, display)(), getattr(new, display)()
            out.append((label, str(a), str(b)))
    if (old.baseline_raw, old.baseline_value) != (new.baseline_raw, new.baseline_value):
        out.append((_("Mevcut"), old.baseline_raw, new.baseline_raw))
    return out


def plan_diff(plan: Plan) -> PlanDiff | None:
    """``plan`` against its predecessor: indicators added, removed and changed (fields and
    target cells by year), activities added and removed. Six queries; None when the plan
    follows no plan."""
    predecessor = plan.predecessor
    if predecessor is None:
        return None
    diff = PlanDiff(plan, predecessor)
    old_inds, new_inds = _indicators(predecessor), _indicators(plan)
    old_cells, new_cells = _cells(old_inds), _cells(new_inds)
    by_old = {i.pk: i for i in old_inds}
    # targets compared in the years both plans have (a revision's; none for a next plan)
    shared_years = set(plan.years) & set(predecessor.years)
    continued = set()
    for new in new_inds:
        old = by_old.get(new.continues_id)
        if old is None:
            diff.added.append(new)
            continue
        continued.add(old.pk)
        a, b = old_cells.get(old.pk, {}), new_cells.get(new.pk, {})
        targets = [
            TargetChangeLine(y, a.get(y, ""), b.get(y, ""))
            for y in sorted(set(a) | set(b))
            if y in shared_years and a.get(y, "") != b.get(y, "")
        ]
        fields_ = _field_changes(old, new)
        if targets or fields_:
            diff.changed.append(ChangedIndicator(old, new, fields_, targets))
        else:
            diff.unchanged += 1
    diff.removed = [i for i in old_inds if i.pk not in continued]
    acts = Activity.objects.filter(Q(theme__plan=plan) | Q(theme__plan=predecessor))
    acts = list(acts.select_related("theme").order_by("theme__position", "position"))
    kept = {a.continues_id for a in acts if a.theme.plan_id == plan.pk}
    diff.added_activities = [
        a for a in acts if a.theme.plan_id == plan.pk and a.continues_id is None
    ]
    diff.removed_activities = [
        a for a in acts if a.theme.plan_id == predecessor.pk and a.pk not in kept
    ]
    return diff
