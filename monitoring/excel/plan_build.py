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

from plans.models import (
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
    ValueType,
)
from plans.text import (
    ParsedFigure,
    clean_text,
    guess_people,
    parse_figure,
    parse_timing,
    tr_fold,
)

from .bulk import bulk_insert, insert_rows
from .plan_units import UnitResolver


@dataclass
class SourceRef:
    """Where a row came from, for messages: sheet, row, column."""

    sheet: str = ""
    row: int | None = None

    def cell(self, column: str = "") -> str:
        parts = []
        if self.sheet:  # a Place ("Word belgesi, 3. tablo") reads as it is
            parts.append(self.sheet if type(self.sheet) is not str else f"'{self.sheet}' sayfası")
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
    # the activity's budget: year (0: the column names none) -> cell; budget code
    budgets: dict[int, object] = field(default_factory=dict)
    budget_actuals: dict[int, object] = field(default_factory=dict)
    budget_code: str = ""
    activity_id: int | None = None  # set when the plan is built
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
    # the plan's own names of its levels: Narlıdere's "Amaç > Hedef > Eylem"
    labels: tuple[str, str, str, str] = ("Tema", "Hedef", "Strateji", "Faaliyet")
    # what the import preview shows (monitoring.excel.plan_preview), not stored
    built: dict = field(default_factory=dict, repr=False)

    def counts(self) -> dict[str, int]:
        """The numbers per level under fixed keys ("tema", "hedef", "strateji",
        "faaliyet", ...), whatever the plan calls its levels."""
        return {
            "tema": self.themes,
            "hedef": self.goals,
            "strateji": self.strategies,
            "faaliyet": self.activities,
            "gösterge": self.indicators,
            "hedef değeri": self.targets + self.activity_targets,
            "gerçekleşme": self.realizations,
        }

    def labelled_counts(self) -> dict[str, int]:
        """The same numbers as people read them, under the plan's names for its levels
        ("amaç", "hedef", "eylem" for Narlıdere; "strateji" for a plan whose STRATEJİ rows
        are its goals)."""
        theme, goal, strategy, activity = (tr_fold(x) for x in self.labels)
        counts = {theme or "tema": self.themes, goal or "hedef": self.goals}
        if strategy and strategy not in counts:
            counts[strategy] = self.strategies
        counts[activity or "faaliyet"] = self.activities
        counts["gösterge"] = self.indicators
        counts["hedef değeri"] = self.targets + self.activity_targets
        counts["gerçekleşme"] = self.realizations
        return counts


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
    unit_merges: dict[str, str] | None = None,
) -> tuple[Plan, BuildSummary, list[tuple[PlanRow, Indicator | None]]]:
    """Create a whole plan from rows. Returns the plan, a summary and, per row, the
    indicator created for it (for realizations stored by the caller); the targets are in
    ``summary.target_cells``, for the target writer."""
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
    builder = _PlanBuilder(plan, level_indicator_keys, unit_merges)
    activity_of_row = [builder.activity_for(row) for row in rows]
    builder.save_structure()
    for row, activity in zip(rows, activity_of_row, strict=True):
        row.activity_id = activity.pk if activity is not None else None
    row_indicator = [
        (row, builder.indicator_for(row, activity))
        for row, activity in zip(rows, activity_of_row, strict=True)
    ]
    bulk_insert(builder.indicators)
    return plan, builder.finish(), row_indicator


class _PlanBuilder:
    """The levels, activities and indicators of one new plan, built row by row and
    inserted in bulk (a fixed number of queries whatever the number of rows)."""

    def __init__(
        self,
        plan: Plan,
        level_indicator_keys: Iterable[tuple[str, str]],
        unit_merges: dict[str, str] | None = None,
    ):
        self.plan = plan
        self.summary = BuildSummary()
        aliases, groups = group_aliases()
        self.aliases, self.groups = aliases, groups
        self.parse = figure_parser(aliases)
        self.resolver = UnitResolver(plan.municipality, unit_merges)
        self.level_keys = {(c, tr_fold(n)) for c, n in level_indicator_keys}
        self.themes: dict[tuple, Theme] = {}
        self.goals: dict[tuple, Goal] = {}
        self.strategies: dict[tuple, Strategy] = {}
        self.activities: list[Activity] = []
        self.activity_units: list[tuple[Activity, list[Unit], list[Unit]]] = []
        self.code_seen: dict[tuple, SourceRef] = {}
        self.positions: Counter = Counter()
        self.last_activity_key = None
        self.indicators: list[Indicator] = []
        self.targets: list[TargetCell] = []
        self.activity_targets_done: set[int] = set()
        self.position_in_activity: Counter = Counter()
        self.value_types: dict[tuple, str] = {}
        self.years = range(plan.first_year, plan.last_year + 1)

    def next_position(self, parent) -> int:
        """1, 2, 3 ... within one parent, in the order rows come."""
        self.positions[parent] += 1
        return self.positions[parent]

    def levels_for(self, row: PlanRow) -> tuple[tuple, Theme, Goal | None, Strategy | None]:
        tkey = (row.theme_code, row.theme_title)
        theme = self.themes.get(tkey)
        if theme is None:
            theme = self.themes[tkey] = Theme(
                plan=self.plan,
                code=row.theme_code[:20],
                title=row.theme_title[:500] or row.theme_code or "Tema",
                position=len(self.themes) + 1,
            )
        goal = None
        if row.goal_code or row.goal_title:
            gkey = (tkey, row.goal_code, row.goal_title)
            goal = self.goals.get(gkey)
            if goal is None:
                goal = self.goals[gkey] = Goal(
                    theme=theme,
                    code=row.goal_code[:20],
                    title=row.goal_title,
                    position=self.next_position(tkey),
                )
        strategy = None
        if (row.strategy_code or row.strategy_title) and goal is not None:
            skey = (tkey, row.goal_code, row.goal_title, row.strategy_code, row.strategy_title)
            strategy = self.strategies.get(skey)
            if strategy is None:
                strategy = self.strategies[skey] = Strategy(
                    goal=goal,
                    code=row.strategy_code[:20],
                    title=row.strategy_title,
                    position=self.next_position(skey[:3]),
                )
        return tkey, theme, goal, strategy

    def activity_for(self, row: PlanRow) -> Activity | None:
        """The row's activity (a new one, or the one the row continues); None for a
        grouping row only (a goal without actions)."""
        tkey, theme, goal, strategy = self.levels_for(row)
        if not (row.activity_code or row.activity_title or clean_text(row.indicator)):
            return None
        akey = (
            row.activity_key
            if row.activity_key is not None
            else (tkey, id(goal), id(strategy), row.activity_code, row.activity_title)
        )
        if akey == self.last_activity_key and self.activities:
            return self.activities[-1]
        timing = parse_timing(row.timing)
        activity = Activity(
            theme=theme,
            goal=goal,
            strategy=strategy,
            code=row.activity_code[:30],
            title=row.activity_title or row.activity_code or "(adsız faaliyet)",
            position=self.next_position(("activities", tkey)),
            timing=timing["timing"],
            start_year=timing["start_year"],
            end_year=timing["end_year"],
            timing_raw=clean_text(row.timing)[:200],
            responsible_raw=clean_text(row.responsible),
            partners_raw=clean_text(row.partners),
        )
        self.activities.append(activity)
        self.activity_units.append(
            (
                activity,
                self.resolver.resolve_cell(
                    row.responsible, row.source.cell(row.columns.get("responsible", ""))
                ),
                self.resolver.resolve_cell(
                    row.partners, row.source.cell(row.columns.get("partners", ""))
                ),
            )
        )
        self._note_code(row, tkey, activity)
        self.last_activity_key = akey
        return activity

    def _note_code(self, row: PlanRow, tkey: tuple, activity: Activity) -> None:
        if not activity.code:
            return
        ckey = (tkey, activity.code)
        if ckey in self.code_seen:
            self.summary.warnings.append(
                f"{row.source.cell(row.columns.get('activity', ''))}: "
                f"{activity.code} kodu bu temada daha önce de geçiyor "
                f"({self.code_seen[ckey].cell()}); iki ayrı faaliyet olarak alındı."
            )
        else:
            self.code_seen[ckey] = row.source

    def save_structure(self) -> None:
        new = self.resolver.save_new()
        self.summary.new_units = [u.name for u in new]
        self.summary.built["new_units"] = [
            (u, self.resolver.first_seen.get(u.key, ""), self.resolver.uses[u.key]) for u in new
        ]
        self.summary.built["known_units"] = self.resolver.known
        bulk_insert(list(self.themes.values()))
        bulk_insert(list(self.goals.values()))
        bulk_insert(list(self.strategies.values()))
        bulk_insert(self.activities)
        for through, k in (
            (Activity.responsible_units.through, 1),
            (Activity.partner_units.through, 2),
        ):
            insert_rows(
                through,
                (
                    {"activity_id": t[0].pk, "unit_id": u.pk}
                    for t in self.activity_units
                    for u in t[k]
                ),
            )

    def indicator_for(self, row: PlanRow, activity: Activity | None) -> Indicator | None:
        """The row's indicator (unsaved, inserted with the others) and its target cells."""
        if activity is None:
            return None
        if id(activity) not in self.activity_targets_done:
            self.activity_targets_done.add(id(activity))
            for year, raw in sorted(row.activity_targets.items()):
                self.targets.append(TargetCell(None, activity, year, self.parse(raw)))
        name = clean_text(row.indicator)
        if not name:
            return None
        baseline = self.parse(row.baseline)
        parsed_targets = {y: self.parse(v) for y, v in row.targets.items()}
        parsed_real = {y: self.parse(v) for y, v in row.realizations.items()}
        self.position_in_activity[id(activity)] += 1
        value_type = self._value_type(
            name, [baseline, *parsed_targets.values(), *parsed_real.values()]
        )
        is_level = (activity.code, tr_fold(name)) in self.level_keys or (
            value_type == ValueType.PERCENT
        )
        people, group_code = (
            guess_people(name, "", self.aliases)
            if value_type in (ValueType.COUNT, ValueType.DECIMAL)
            else (False, None)
        )
        group = self.groups.get(group_code) if group_code else None
        indicator = Indicator(
            activity_id=activity.pk,  # saved above; no descriptor, no router check
            position=self.position_in_activity[id(activity)],
            name=name,
            counts_people=people,
            people_group_id=group.pk if group else None,
            unit_of_measure="%" if value_type == ValueType.PERCENT else "",
            value_type=value_type,
            accumulation=Indicator.Accumulation.LEVEL
            if is_level
            else Indicator.Accumulation.PER_YEAR,
            direction=infer_direction(baseline, list(parsed_targets.values())),
            baseline_value=baseline.value if baseline.state == FigureState.VALUE else None,
            baseline_raw=baseline.raw[:300],
        )
        _ACTIVITY_FIELD.set_cached_value(indicator, activity)  # indicator.activity: no query
        self.indicators.append(indicator)
        for year, parsed in sorted(parsed_targets.items()):
            if year not in self.years:
                self.summary.warnings.append(
                    f"{row.source.cell()}: {year} yılı planın dönemi dışında; hedef alınmadı."
                )
                continue
            self.targets.append(TargetCell(indicator, None, year, parsed))
        return indicator

    def _value_type(self, name: str, figures: list[ParsedFigure]) -> str:
        # parse() hands out one object per distinct cell value: same ids, same answer
        vkey = (name, *map(id, figures))
        if vkey not in self.value_types:
            self.value_types[vkey] = infer_value_type(name, figures)
        return self.value_types[vkey]

    def finish(self) -> BuildSummary:
        summary = self.summary
        summary.target_cells = self.targets  # stored by the caller, through the writer
        plan = self.plan
        summary.labels = (
            plan.theme_label,
            plan.goal_label,
            plan.strategy_label,
            plan.activity_label,
        )
        summary.built.update(
            themes=list(self.themes.values()),
            goals=list(self.goals.values()),
            strategies=list(self.strategies.values()),
            activities=self.activities,
            indicators=self.indicators,
            activity_units=self.activity_units,
        )
        summary.themes = len(self.themes)
        summary.goals = len(self.goals)
        summary.strategies = len(self.strategies)
        summary.activities = len(self.activities)
        summary.indicators = len(self.indicators)
        summary.targets = sum(t.rows for t in self.targets if t.indicator is not None)
        summary.activity_targets = sum(t.rows for t in self.targets if t.indicator is None)
        return summary


_ACTIVITY_FIELD = Indicator._meta.get_field("activity")
