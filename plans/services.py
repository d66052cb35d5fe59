"""Writes that span the plan's models. Keyword-only, typed, one transaction each.

``build_plan`` turns normalized rows (from the demo transcriptions or from an imported
workbook) into a plan tree with bulk inserts: the number of queries does not grow with
the number of rows.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.text import slugify

from .bulk import bulk_insert, insert_rows
from .models import (
    Activity,
    FigureState,
    Goal,
    Group,
    Indicator,
    Municipality,
    Plan,
    Strategy,
    Theme,
    Unit,
    UnitAlias,
    ValueType,
)
from .text import (
    ParsedFigure,
    clean_text,
    parse_figure,
    parse_timing,
    split_units,
    tr_fold,
    unit_key,
)


@dataclass
class SourceRef:
    """Where a row came from, for messages: sheet, row, column."""

    sheet: str = ""
    row: int | None = None

    def cell(self, column: str = "") -> str:
        parts = []
        if self.sheet:
            parts.append(f"'{self.sheet}' sayfası")
        if self.row is not None:
            parts.append(f"{self.row}. satır")
        if column:
            parts.append(f"{column} sütunu")
        return ", ".join(parts)


@dataclass
class PlanRow:
    """One indicator row of a plan table, with its activity and grouping columns."""

    theme_code: str = ""
    theme_title: str = ""
    goal_code: str = ""
    goal_title: str = ""
    strategy_code: str = ""
    strategy_title: str = ""
    activity_code: str = ""
    activity_title: str = ""
    timing: str = ""
    responsible: str = ""
    partners: str = ""
    indicator: str = ""
    baseline: object = ""
    targets: dict[int, object] = field(default_factory=dict)
    realizations: dict[int, object] = field(default_factory=dict)
    activity_targets: dict[int, object] = field(default_factory=dict)
    source: SourceRef = field(default_factory=SourceRef)
    activity_key: object = None  # rows sharing it (and consecutive) are one activity
    columns: dict[str, str] = field(default_factory=dict)  # field -> column letter/header


@dataclass(slots=True)
class TargetCell:
    """A target cell of a new plan, for the target writer (which stores it)."""

    indicator: Indicator | None
    activity: Activity | None
    year: int
    parsed: ParsedFigure

    @property
    def rows(self) -> int:
        if self.parsed.state == FigureState.BLANK and not self.parsed.raw:
            return 0
        return len(self.parsed.groups) or 1


@dataclass
class BuildSummary:
    themes: int = 0
    goals: int = 0
    strategies: int = 0
    activities: int = 0
    indicators: int = 0
    targets: int = 0
    activity_targets: int = 0
    target_cells: list = field(default_factory=list, repr=False)
    realizations: int = 0
    new_units: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "tema": self.themes,
            "hedef": self.goals,
            "strateji": self.strategies,
            "faaliyet": self.activities,
            "gösterge": self.indicators,
            "hedef değeri": self.targets + self.activity_targets,
            "gerçekleşme": self.realizations,
        }


EXTERNAL_WORDS = re.compile(
    r"derne|vakf|üniversite|ilçe |il |valili|kaymakaml|komutanl|bakanl|odası|kooperatif|"
    r"federasyon|sendika|stk|baro|muhtar|meclisi|platform|merkezi|kurumu|ajans|a\.ş|şirket|"
    r"okul|paydaş|mercek|sosyal hizmetler$|sağlık müdürlüğü|milli eğitim",
)
COLLECTIVE_WORDS = re.compile(r"^(tüm |bütün |üst yönetim|ilgili |paydaşlar|diğer )")


def guess_unit_kind(name: str) -> str:
    folded = tr_fold(name)
    if COLLECTIVE_WORDS.search(folded):
        return Unit.Kind.COLLECTIVE
    if folded.startswith(("ilçe ", "il ")):
        return Unit.Kind.EXTERNAL
    if re.search(r"(daire başkanlığı|dairesi başkanlığı|d\.\s*b\.?|müdürlüğü|müd\.)$", folded):
        return Unit.Kind.INTERNAL
    if EXTERNAL_WORDS.search(folded):
        return Unit.Kind.EXTERNAL
    return Unit.Kind.INTERNAL


class UnitResolver:
    """Matches unit names to a municipality's units through their keys and aliases,
    with all units loaded once; unknown names become new units (bulk-created)."""

    def __init__(self, municipality: Municipality):
        self.municipality = municipality
        self.by_key: dict[str, Unit] = {}
        for unit in Unit.objects.filter(municipality=municipality):
            self.by_key[unit.key] = unit
        for alias in UnitAlias.objects.filter(municipality=municipality).select_related("unit"):
            self.by_key.setdefault(alias.key, alias.unit)
        self.pending: dict[str, Unit] = {}
        self.cells: dict[str, list[Unit]] = {}  # the same cell text comes again and again

    def resolve_cell(self, raw: str) -> list[Unit]:
        if type(raw) is str:
            known = self.cells.get(raw)
            if known is None:
                known = self.cells[raw] = self._resolve(raw)
            return list(known)
        return self._resolve(raw)

    def _resolve(self, raw) -> list[Unit]:
        units = []
        for name in split_units(raw):
            key = unit_key(name)
            unit = self.by_key.get(key) or self.pending.get(key)
            if unit is None:
                unit = Unit(
                    municipality=self.municipality,
                    name=clean_text(name),
                    key=key,
                    kind=guess_unit_kind(name),
                )
                self.pending[key] = unit
            if unit not in units:
                units.append(unit)
        return units

    def save_new(self) -> list[Unit]:
        new = list(self.pending.values())
        Unit.objects.bulk_create(new)
        for unit in new:
            self.by_key[unit.key] = unit
        self.pending = {}
        return new


def group_aliases() -> tuple[dict[str, str], dict[str, Group]]:
    groups = {g.code: g for g in Group.objects.all()}
    aliases: dict[str, str] = {}
    for g in groups.values():
        aliases[tr_fold(g.name)] = g.code
        for alias in g.aliases.splitlines():
            if alias.strip():
                aliases[tr_fold(alias.strip())] = g.code
    return aliases, groups


def figure_parser(aliases: dict[str, str]) -> Callable[[object], ParsedFigure]:
    """``parse_figure`` that parses each distinct cell value once (a plan repeats "-",
    "0", "100" thousands of times); callers only read the result."""
    parsed_cells: dict[tuple, ParsedFigure] = {}

    def parse(raw) -> ParsedFigure:
        key = (type(raw), raw)
        parsed = parsed_cells.get(key)
        if parsed is None:
            parsed = parsed_cells[key] = parse_figure(raw, aliases)
        return parsed

    return parse


def infer_value_type(name: str, figures: Iterable[ParsedFigure]) -> str:
    figures = [f for f in figures if f.state not in (FigureState.BLANK, FigureState.NOT_APPLICABLE)]
    folded = tr_fold(name)
    if any(f.is_percent for f in figures) or re.search(r"\b(oran|yüzde)", folded):
        return ValueType.PERCENT
    values = [f for f in figures if f.state == FigureState.VALUE]
    if figures and not values and any(f.state == FigureState.TEXT for f in figures):
        return ValueType.MILESTONE
    if any(f.value is not None and f.value != f.value.to_integral_value() for f in values):
        return ValueType.DECIMAL
    return ValueType.COUNT


def infer_direction(baseline: ParsedFigure, targets: Sequence[ParsedFigure]) -> str:
    if baseline.value is None:
        return Indicator.Direction.INCREASE
    values = [t.value for t in targets if t.value is not None and not t.groups]
    if values and all(v < baseline.value for v in values):
        return Indicator.Direction.DECREASE
    if values and all(v == baseline.value for v in values):
        return Indicator.Direction.KEEP
    return Indicator.Direction.INCREASE


def figure_rows(parsed: ParsedFigure, groups: dict[str, Group], **fields) -> list[dict]:
    """The rows (as dicts) for one cell: one per group when the cell is split, else one."""
    if parsed.state == FigureState.BLANK and not parsed.raw:
        return []
    raw = parsed.raw[:500]
    if parsed.groups:
        return [
            {
                "group": groups[code],
                "state": FigureState.VALUE,
                "value": value,
                "raw_text": raw,
                **fields,
            }
            for code, value in parsed.groups
        ]
    return [
        {
            "group": None,
            "state": parsed.state,
            "value": parsed.value if parsed.state == FigureState.VALUE else None,
            "raw_text": raw,
            **fields,
        }
    ]


def figure_objects(model, parsed: ParsedFigure, groups: dict[str, Group], **fields) -> list:
    """``figure_rows`` as unsaved ``model`` instances."""
    return [model(**row) for row in figure_rows(parsed, groups, **fields)]


def unique_slug(name: str) -> str:
    base = slugify(name.replace("ı", "i").replace("İ", "I"))[:70] or "belediye"
    slug, n = base, 2
    while Municipality.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def get_or_create_municipality(name: str) -> Municipality:
    name = clean_text(name)
    existing = Municipality.objects.filter(name=name).first()
    if existing:
        return existing
    return Municipality.objects.create(name=name, slug=unique_slug(name))


@transaction.atomic
def build_plan(
    *,
    municipality: Municipality,
    title: str,
    first_year: int,
    last_year: int,
    rows: Sequence[PlanRow],
    labels: dict[str, str] | None = None,
    status: str = Plan.Status.DRAFT,
    version: int | None = None,
    level_indicator_keys: Iterable[tuple[str, str]] = (),
    plan_fields: dict | None = None,
) -> tuple[Plan, BuildSummary, list[tuple[PlanRow, Indicator | None]]]:
    """Create a whole plan from rows. Returns the plan, a summary and, per row, the
    indicator created for it (for realizations stored by the caller)."""
    summary = BuildSummary()
    if version is None:
        version = Plan.objects.filter(municipality=municipality, title=title).count() + 1
    plan = Plan.objects.create(
        municipality=municipality,
        title=title,
        first_year=first_year,
        last_year=last_year,
        status=status,
        version=version,
        **(labels or {}),
        **(plan_fields or {}),
    )
    aliases, groups = group_aliases()
    resolver = UnitResolver(municipality)
    level_keys = {(c, tr_fold(n)) for c, n in level_indicator_keys}

    themes: dict[tuple, Theme] = {}
    goals: dict[tuple, Goal] = {}
    strategies: dict[tuple, Strategy] = {}
    activities: list[Activity] = []
    activity_units: list[tuple[Activity, list[Unit], list[Unit]]] = []
    activity_of_row: list[Activity] = []
    code_seen: dict[tuple, SourceRef] = {}
    positions: Counter = Counter()

    def next_position(parent) -> int:
        """1, 2, 3 ... within one parent, in the order rows come."""
        positions[parent] += 1
        return positions[parent]

    last_activity_key = None

    for row in rows:
        tkey = (row.theme_code, row.theme_title)
        theme = themes.get(tkey)
        if theme is None:
            theme = Theme(
                plan=plan,
                code=row.theme_code[:20],
                title=row.theme_title[:500] or row.theme_code or "Tema",
                position=len(themes) + 1,
            )
            themes[tkey] = theme
        goal = None
        if row.goal_code or row.goal_title:
            gkey = (tkey, row.goal_code, row.goal_title)
            goal = goals.get(gkey)
            if goal is None:
                goal = Goal(
                    theme=theme,
                    code=row.goal_code[:20],
                    title=row.goal_title,
                    position=next_position(tkey),
                )
                goals[gkey] = goal
        strategy = None
        if (row.strategy_code or row.strategy_title) and goal is not None:
            skey = (tkey, row.goal_code, row.goal_title, row.strategy_code, row.strategy_title)
            strategy = strategies.get(skey)
            if strategy is None:
                strategy = Strategy(
                    goal=goal,
                    code=row.strategy_code[:20],
                    title=row.strategy_title,
                    position=next_position(skey[:3]),
                )
                strategies[skey] = strategy
        if not (row.activity_code or row.activity_title or clean_text(row.indicator)):
            activity_of_row.append(None)  # a grouping row only (a goal without actions)
            continue
        akey = (
            row.activity_key
            if row.activity_key is not None
            else (tkey, id(goal), id(strategy), row.activity_code, row.activity_title)
        )
        if akey != last_activity_key or not activities:
            timing = parse_timing(row.timing)
            activity = Activity(
                theme=theme,
                goal=goal,
                strategy=strategy,
                code=row.activity_code[:30],
                title=row.activity_title or row.activity_code or "(adsız faaliyet)",
                position=next_position(("activities", tkey)),
                timing=timing["timing"],
                start_year=timing["start_year"],
                end_year=timing["end_year"],
                timing_raw=clean_text(row.timing)[:200],
                responsible_raw=clean_text(row.responsible),
                partners_raw=clean_text(row.partners),
            )
            activities.append(activity)
            activity_units.append(
                (
                    activity,
                    resolver.resolve_cell(row.responsible),
                    resolver.resolve_cell(row.partners),
                )
            )
            if activity.code:
                ckey = (tkey, activity.code)
                if ckey in code_seen:
                    summary.warnings.append(
                        f"{row.source.cell(row.columns.get('activity', ''))}: "
                        f"{activity.code} kodu bu temada daha önce de geçiyor "
                        f"({code_seen[ckey].cell()}); iki ayrı faaliyet olarak alındı."
                    )
                else:
                    code_seen[ckey] = row.source
            last_activity_key = akey
        activity_of_row.append(activities[-1])

    summary.new_units = [u.name for u in resolver.save_new()]
    bulk_insert(list(themes.values()))
    bulk_insert(list(goals.values()))
    bulk_insert(list(strategies.values()))
    bulk_insert(activities)
    through_r = Activity.responsible_units.through
    through_p = Activity.partner_units.through
    insert_rows(
        through_r,
        ({"activity_id": a.pk, "unit_id": u.pk} for a, rs, _ in activity_units for u in rs),
    )
    insert_rows(
        through_p,
        ({"activity_id": a.pk, "unit_id": u.pk} for a, _, ps in activity_units for u in ps),
    )

    indicators: list[Indicator] = []
    row_indicator: list[tuple[PlanRow, Indicator | None]] = []
    targets: list[TargetCell] = []
    activity_targets_done: set[int] = set()
    position_in_activity: dict[int, int] = {}
    years = range(first_year, last_year + 1)
    parse = figure_parser(aliases)
    activity_field = Indicator._meta.get_field("activity")
    value_types: dict[tuple, str] = {}

    for row, activity in zip(rows, activity_of_row, strict=True):
        if activity is None:
            row_indicator.append((row, None))
            continue
        if id(activity) not in activity_targets_done:
            activity_targets_done.add(id(activity))
            for year, raw in sorted(row.activity_targets.items()):
                parsed = parse(raw)
                targets.append(TargetCell(None, activity, year, parsed))
        name = clean_text(row.indicator)
        if not name:
            row_indicator.append((row, None))
            continue
        baseline = parse(row.baseline)
        parsed_targets = {y: parse(v) for y, v in row.targets.items()}
        parsed_real = {y: parse(v) for y, v in row.realizations.items()}
        position_in_activity[id(activity)] = position_in_activity.get(id(activity), 0) + 1
        figures = [baseline, *parsed_targets.values(), *parsed_real.values()]
        # parse() hands out one object per distinct cell value: same ids, same answer
        vkey = (name, *map(id, figures))
        value_type = value_types.get(vkey)
        if value_type is None:
            value_type = value_types[vkey] = infer_value_type(name, figures)
        is_level = (activity.code, tr_fold(name)) in level_keys or value_type == ValueType.PERCENT
        indicator = Indicator(
            activity_id=activity.pk,  # saved above; no descriptor, no router check
            position=position_in_activity[id(activity)],
            name=name,
            unit_of_measure="%" if value_type == ValueType.PERCENT else "",
            value_type=value_type,
            accumulation=Indicator.Accumulation.LEVEL
            if is_level
            else Indicator.Accumulation.PER_YEAR,
            direction=infer_direction(baseline, list(parsed_targets.values())),
            baseline_value=baseline.value if baseline.state == FigureState.VALUE else None,
            baseline_raw=baseline.raw[:300],
        )
        activity_field.set_cached_value(indicator, activity)  # indicator.activity: no query
        indicators.append(indicator)
        row_indicator.append((row, indicator))
        for year, parsed in sorted(parsed_targets.items()):
            if year not in years:
                summary.warnings.append(
                    f"{row.source.cell()}: {year} yılı planın dönemi dışında; hedef alınmadı."
                )
                continue
            targets.append(TargetCell(indicator, None, year, parsed))
    bulk_insert(indicators)
    summary.target_cells = targets  # stored by the caller, through the target writer

    summary.themes = len(themes)
    summary.goals = len(goals)
    summary.strategies = len(strategies)
    summary.activities = len(activities)
    summary.indicators = len(indicators)
    summary.targets = sum(t.rows for t in targets if t.indicator is not None)
    summary.activity_targets = sum(t.rows for t in targets if t.indicator is None)
    return plan, summary, row_indicator
