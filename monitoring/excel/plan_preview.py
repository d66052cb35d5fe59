"""What the plan import preview shows: the plan it will create as a tree under the
plan's own level names (theme > goal > strategy > activity > indicators with their
targets per year), and the new units split into the municipality's own directorates,
outside partners and collective phrases, each with the closest known unit proposed.

Made from the objects the dry run built (before it is rolled back): no query here."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from plans.models import FigureState, Municipality, Unit, UnitAlias, ValueType
from plans.text import ParsedFigure, tr_fold, tr_sort_key
from plans.unit_names import closest_units, loose_key, unit_key

from ..templatetags.yeep_format import format_number, format_percent

# A proposal this close is chosen in advance; below it the unit stays new unless the
# user picks the proposal.
PROPOSE_CHOSEN = 0.85
PROPOSE_SHOWN = 0.6


@dataclass
class Cell:
    year: int
    text: str  # "1.234", "%8,2", "-", "50 Kadın 50 Erkek", "Toplantıda belli olacak"
    state: str  # FigureState value
    state_label: str


@dataclass
class IndicatorNode:
    name: str
    baseline: str
    targets: list[Cell]


@dataclass
class ActivityNode:
    code: str
    title: str
    responsible: str
    partners: str
    indicators: list[IndicatorNode] = field(default_factory=list)
    targets: list[Cell] = field(default_factory=list)  # given to the activity (000)


@dataclass
class LevelNode:
    label: str  # the plan's name for the level: "Tema", "Amaç", "Hedef", "Strateji"
    code: str
    title: str
    children: list[LevelNode] = field(default_factory=list)
    activities: list[ActivityNode] = field(default_factory=list)

    @property
    def activity_count(self) -> int:
        return len(self.activities) + sum(c.activity_count for c in self.children)

    @property
    def indicator_count(self) -> int:
        own = sum(len(a.indicators) for a in self.activities)
        return own + sum(c.indicator_count for c in self.children)


@dataclass
class Proposal:
    """What a new name could be instead of a new unit: a known unit ("12", its id) or
    another new name of the same file that more activities use ("same:<its key>")."""

    score: float
    value: str
    label: str


@dataclass
class NewUnit:
    name: str
    key: str
    kind: str
    where: str  # the first cell naming it
    uses: int  # activities naming it
    proposals: list[Proposal]
    chosen: str  # the value of the proposal chosen in advance; "" keeps the unit new


@dataclass
class UnitGroup:
    kind: str
    title: str
    units: list[NewUnit]


@dataclass
class PlanPreview:
    labels: tuple[str, str, str, str]
    years: list[int]
    themes: list[LevelNode]
    unit_groups: list[UnitGroup]

    @property
    def activity_word(self) -> str:
        """ "faaliyet" or the plan's own word ("eylem"), after a number."""
        return tr_fold(self.labels[3]) or "faaliyet"

    @property
    def new_unit_count(self) -> int:
        return sum(len(g.units) for g in self.unit_groups)


def cell_text(parsed: ParsedFigure | None, value_type: str) -> tuple[str, str]:
    """(text, state) as the product shows a figure: a number the Turkish way (with % for
    a percentage), else the cell's own text ("-", "Toplantıda belli olacak", a text
    target, "50 Kadın 50 Erkek"); blank is empty."""
    if parsed is None:
        return "", FigureState.BLANK
    if parsed.state == FigureState.VALUE and parsed.value is not None and not parsed.groups:
        if value_type == ValueType.PERCENT or parsed.is_percent:
            return format_percent(parsed.value, 2), parsed.state
        return format_number(parsed.value), parsed.state
    return parsed.raw, parsed.state


def _cells(by_year: dict[int, ParsedFigure], years: list[int], value_type: str) -> list[Cell]:
    out = []
    for year in years:
        text, state = cell_text(by_year.get(year), value_type)
        out.append(Cell(year, text, state, str(FigureState(state).label)))
    return out


def _tree(plan, built: dict, target_cells) -> list[LevelNode]:
    labels = (plan.theme_label, plan.goal_label, plan.strategy_label, plan.activity_label)
    years = plan.years
    # by (level, id): the objects are saved (rolled back later), their parents by id
    nodes: dict[tuple[str, int], LevelNode] = {}
    themes = []
    for t in built.get("themes", []):
        nodes["t", t.pk] = LevelNode(labels[0], t.code, t.title)
        themes.append(nodes["t", t.pk])
    for g in built.get("goals", []):
        nodes["g", g.pk] = LevelNode(labels[1], g.code, g.title)
        nodes["t", g.theme_id].children.append(nodes["g", g.pk])
    for s in built.get("strategies", []):
        nodes["s", s.pk] = LevelNode(labels[2] or labels[1], s.code, s.title)
        nodes["g", s.goal_id].children.append(nodes["s", s.pk])
    indicator_targets: dict[int, dict[int, ParsedFigure]] = {}
    activity_targets: dict[int, dict[int, ParsedFigure]] = {}
    for c in target_cells:
        if c.indicator is not None:
            indicator_targets.setdefault(c.indicator.pk, {})[c.year] = c.parsed
        else:
            activity_targets.setdefault(c.activity.pk, {})[c.year] = c.parsed
    # the units as the cells were split: "Ruhsat ve Denetim Müdürlüğü; Zabıta Müdürlüğü"
    units = {
        a.pk: ("; ".join(u.name for u in r), "; ".join(u.name for u in p))
        for a, r, p in built.get("activity_units", [])
    }
    acts: dict[int, ActivityNode] = {}
    for a in built.get("activities", []):
        node = ActivityNode(a.code, a.title, *units.get(a.pk, ("", "")))
        if a.pk in activity_targets:
            node.targets = _cells(activity_targets[a.pk], years, "")
        acts[a.pk] = node
        if a.strategy_id:
            parent = nodes["s", a.strategy_id]
        else:
            parent = nodes["g", a.goal_id] if a.goal_id else nodes["t", a.theme_id]
        parent.activities.append(node)
    for ind in built.get("indicators", []):
        baseline, _state = cell_text(_baseline(ind), ind.value_type)
        acts[ind.activity_id].indicators.append(
            IndicatorNode(
                ind.name,
                baseline,
                _cells(indicator_targets.get(ind.pk, {}), years, ind.value_type),
            )
        )
    return themes


def _baseline(ind) -> ParsedFigure | None:
    if ind.baseline_value is not None:
        return ParsedFigure(raw=ind.baseline_raw, state=FigureState.VALUE, value=ind.baseline_value)
    if ind.baseline_raw:
        return ParsedFigure(raw=ind.baseline_raw, state=FigureState.TEXT)
    return None


KIND_TITLES = {
    Unit.Kind.INTERNAL: _("Belediyenin birimleri (müdürlükler)"),
    Unit.Kind.EXTERNAL: _("Dış paydaşlar (kurum ve kuruluşlar)"),
    Unit.Kind.COLLECTIVE: _("Toplu ifadeler (ör. Tüm Müdürlükler)"),
}


def _proposals(unit, known, peers) -> list[Proposal]:
    """Known units near the name first; else the file's own spellings of it that more
    activities use ("Kültür Sosyal İşler Müdürlüğü" beside "Kültür ve Sosyal İşler
    Müdürlüğü"), so a new municipality's plan does not create both."""
    out = [
        Proposal(score, str(u.pk), _("Var olan birim: %(n)s") % {"n": u.name})
        for score, u in closest_units(unit.name, known, cutoff=PROPOSE_SHOWN)
    ]
    if not out and peers:
        out = [
            Proposal(score, f"same:{u.key}", _("Bu tablodaki: %(n)s") % {"n": u.name})
            for score, u in closest_units(unit.name, peers, cutoff=PROPOSE_CHOSEN)
        ]
    return out


def _unit_groups(built: dict) -> list[UnitGroup]:
    known = [(loose_key(u.name), u) for u in built.get("known_units", [])]
    new = built.get("new_units", [])
    rank = {u.key: (-n, i) for i, (u, _where, n) in enumerate(new)}
    groups: dict[str, list[NewUnit]] = {kind: [] for kind in KIND_TITLES}
    for unit, where, n in new:
        # toward a spelling used more (then: seen first), never back: no cycles
        peers = [
            (loose_key(u.name), u)
            for u, _w, _n in new
            if u.kind == unit.kind and rank[u.key] < rank[unit.key]
        ]
        proposals = _proposals(unit, known, peers)
        chosen = proposals[0].value if proposals and proposals[0].score >= PROPOSE_CHOSEN else ""
        groups.setdefault(unit.kind, []).append(
            NewUnit(unit.name, unit.key, unit.kind, where, n, proposals, chosen)
        )
    return [
        UnitGroup(
            kind, KIND_TITLES.get(kind, kind), sorted(units, key=lambda u: tr_sort_key(u.name))
        )
        for kind, units in groups.items()
        if units
    ]


def plan_preview(plan, summary) -> PlanPreview:
    """The preview of a plan just built in a dry run (call before its targets are
    handed to the writer: they are read from ``summary.target_cells``)."""
    return PlanPreview(
        labels=(plan.theme_label, plan.goal_label, plan.strategy_label, plan.activity_label),
        years=plan.years,
        themes=_tree(plan, summary.built, summary.target_cells),
        unit_groups=_unit_groups(summary.built),
    )


@transaction.atomic
def unit_aliases_apply(*, municipality: Municipality, choices: dict[str, int]) -> int:
    """The preview's accepted proposals: each new name becomes another spelling
    (UnitAlias) of the chosen unit of the same municipality, so the import links it to
    that unit instead of creating one. Returns the number of spellings added."""
    units = Unit.objects.filter(municipality=municipality, pk__in=set(choices.values()))
    units = {u.pk: u for u in units}
    taken = set(UnitAlias.objects.filter(municipality=municipality).values_list("key", flat=True))
    added = []
    for name, pk in choices.items():
        unit, key = units.get(pk), unit_key(name)
        if unit is None or not key or key == unit.key or key in taken:
            continue
        taken.add(key)
        added.append(
            UnitAlias(unit=unit, municipality=municipality, alias=name[:300], key=key[:300])
        )
    UnitAlias.objects.bulk_create(added)
    return len(added)
