"""Who the plan's services reach: for a plan and a year, the people counted by the
indicators that count people (``Indicator.counts_people``), summed per group of people
(women, men, girls, boys, disabled women...), against the sum of the targets per group;
by theme and by responsible unit; and who is left out.

Rules:

- Only indicators that count people are summed, so a total never adds people to events,
  courses or neighbourhoods; rates are never summed.
- Only numbers sum. A dash, "to be decided" or a text is not a zero: it is counted apart
  (``not_numbers``) and left out of every sum. A blank was not entered.
- A figure split by group ("50 Kadın 50 Erkek") adds each group's number to its group. A
  figure that is not split belongs to the group the indicator counts
  (``Indicator.people_group``: "Eğitim alan kadın sayısı" counts women) or, when the
  indicator names none, to "not broken down" (``UNSPLIT``).
- Groups are summed as they are recorded: a disabled woman is counted under "Engelli
  kadın", not again under "Kadın".
- The public sees approved realizations only (``internal=False``).

- A target given to an activity split by group ("50 Kadın 50 Erkek", as Büyükçekmece's
  plan gives them) is people too: it counts when none of the activity's people-counting
  indicators has a target of its own that year.

``reach(plan, year, internal=...)`` runs nine queries whatever the plan's size.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from plans.models import Activity, FigureState, Group, Indicator, Plan, Target, Unit, ValueType
from plans.text import tr_sort_key

from .models import Realization

UNSPLIT = 0  # the key of figures not broken down by group
FEMALE, MALE, ANY_SEX = "female", "male", ""
SEX_LABELS = {
    FEMALE: _("Kadın ve kız çocuk"),
    MALE: _("Erkek ve oğlan çocuk"),
    ANY_SEX: _("Cinsiyeti belirtilmemiş"),
}
NOT_NUMBER_STATES = (FigureState.NOT_APPLICABLE, FigureState.TBD, FigureState.TEXT)


@dataclass
class Sum:
    """Numbers of people added up: target and realization, and how many figures each."""

    target: Decimal = Decimal(0)
    realized: Decimal = Decimal(0)
    targets: int = 0  # figures summed
    realizations: int = 0
    indicators: set = field(default_factory=set)
    activities: set = field(default_factory=set)  # whose own targets were summed

    def add(
        self, kind: str, value: Decimal, indicator_id: int | None, activity_id: int | None = None
    ) -> None:
        """A figure of an indicator, or (``indicator_id`` None) an activity's target."""
        if kind == "target":
            self.target += value
            self.targets += 1
        else:
            self.realized += value
            self.realizations += 1
        if indicator_id is not None:
            self.indicators.add(indicator_id)
        if activity_id is not None:
            self.activities.add(activity_id)

    @property
    def percent(self) -> Decimal | None:
        """Realization as a share of the target, in percent; None without a target."""
        if not self.targets or not self.target or not self.realizations:
            return None
        return (self.realized * 100 / self.target).quantize(Decimal("0.1"))

    @property
    def indicator_count(self) -> int:
        return len(self.indicators)

    @property
    def activity_count(self) -> int:
        return len(self.activities)

    def merge(self, other: Sum) -> None:
        self.target += other.target
        self.realized += other.realized
        self.targets += other.targets
        self.realizations += other.realizations
        self.indicators |= other.indicators
        self.activities |= other.activities


@dataclass
class GroupLine:
    group: Group | None  # None: not broken down by group
    sums: Sum

    @property
    def code(self) -> str:
        return self.group.code if self.group else "yok"

    @property
    def label(self) -> str:
        return self.group.name if self.group else str(_("Gruplara bölünmemiş"))

    @property
    def left_out(self) -> bool:
        """A target and not one number of realization."""
        return self.sums.targets > 0 and self.sums.realizations == 0


@dataclass
class SexSums:
    """One theme's or unit's people by sex: women and girls, men and boys, unknown."""

    obj: object  # a Theme, a Unit, or None (no responsible unit)
    by_sex: dict[str, Sum] = field(default_factory=lambda: defaultdict(Sum))

    @property
    def total(self) -> Sum:
        total = Sum()
        for s in self.by_sex.values():
            total.merge(s)
        return total

    def of(self, sex: str) -> Sum:
        return self.by_sex.get(sex) or Sum()

    @property
    def sex_cells(self) -> list[SexLine]:
        return [SexLine(sex, self.of(sex)) for sex in SEX_LABELS]


@dataclass
class SexLine:
    sex: str
    sums: Sum

    @property
    def label(self) -> str:
        return str(SEX_LABELS[self.sex])


@dataclass
class Pair:
    """An indicator (or an activity, ``indicator_id`` None: its own target) with a
    target for a group and no number of realization for it."""

    indicator_id: int | None
    code: str
    name: str
    group: Group | None
    target: Decimal
    activity_id: int | None = None


@dataclass
class Reach:
    plan: Plan
    year: int
    internal: bool
    people_indicators: int  # indicators that count people
    groups: list[GroupLine]
    total: Sum
    by_sex: dict[str, Sum]
    themes: list[SexSums]
    units: list[SexSums]
    not_numbers: dict[str, int]  # kind -> figures that are not numbers ("-", text, tbd)
    unsplit_indicators: list[tuple[int, str, str]]  # (id, activity code, name)
    left_out_pairs: list[Pair]
    realized_indicators: int  # with a number of realization this year
    realized_by_sex: int  # ... of them recorded by sex
    activity_targets: int = 0  # activities' own group targets summed (Büyükçekmece's)

    @property
    def sex_labels(self) -> list[str]:
        return [str(label) for label in SEX_LABELS.values()]

    @property
    def sex_lines(self) -> list[SexLine]:
        """Women and girls, men and boys, sex not given, summed over the groups."""
        return [SexLine(sex, self.by_sex.get(sex) or Sum()) for sex in SEX_LABELS]

    @property
    def left_out_groups(self) -> list[GroupLine]:
        return [g for g in self.groups if g.group is not None and g.left_out]

    @property
    def split_percent(self) -> Decimal | None:
        """Share of the indicators with a realization whose realization is by sex."""
        if not self.realized_indicators:
            return None
        return (Decimal(self.realized_by_sex) * 100 / self.realized_indicators).quantize(
            Decimal("0.1")
        )

    @property
    def people_by_sex_percent(self) -> Decimal | None:
        """Share of the people reached who are recorded as women/girls or men/boys."""
        if not self.total.realized:
            return None
        known = self.by_sex.get(FEMALE, Sum()).realized + self.by_sex.get(MALE, Sum()).realized
        return (known * 100 / self.total.realized).quantize(Decimal("0.1"))

    @property
    def chart(self) -> dict:
        """Target and realization per group, for json_script (numbers as floats)."""
        lines = [g for g in self.groups if g.sums.targets or g.sums.realizations]
        return {
            "labels": [g.label for g in lines],
            "names": {"target": str(_("Hedef")), "realized": str(_("Gerçekleşme"))},
            "target": [float(g.sums.target) if g.sums.targets else None for g in lines],
            "realized": [float(g.sums.realized) if g.sums.realizations else None for g in lines],
            "axis": str(_("kişi")),
        }


def reach_for_request(request, plan: Plan) -> Reach:
    """The page's reach: the year asked for (else the latest with a realization the
    visitor may see); approved figures only outside the plan's municipality."""
    from .dashboard import choose_year, figures_internal, plan_fingerprint

    internal = figures_internal(request, plan)
    latest = plan_fingerprint(plan).latest_year(internal=internal)
    year = choose_year(plan, request.GET.get("year"), latest)
    return reach(plan, year, internal=internal)


def people_indicators(plan: Plan):
    """The plan's indicators that count people (numbers only: a rate never sums)."""
    return Indicator.objects.filter(
        activity__theme__plan=plan,
        counts_people=True,
        value_type__in=(ValueType.COUNT, ValueType.DECIMAL),
    )


def _figure_rows(plan: Plan, year: int, internal: bool) -> dict[str, dict[int, list]]:
    """Per kind ("target", "realization"), per indicator: (group_id, state, value)."""
    wanted = people_indicators(plan).values("pk")
    reals = Realization.objects.filter(indicator__in=wanted, year=year)
    if not internal:
        reals = reals.filter(status=Realization.Status.APPROVED)
    found: dict[str, dict[int, list]] = {
        "target": defaultdict(list),
        "realization": defaultdict(list),
    }
    queries = (
        ("target", Target.objects.filter(indicator__in=wanted, year=year)),
        ("realization", reals),
    )
    for kind, qs in queries:
        for ind_id, group_id, state, value in qs.values_list(
            "indicator_id", "group_id", "state", "value"
        ):
            found[kind][ind_id].append((group_id, state, value))
    return found


def split(rows: list, own_group: int | None) -> tuple[dict[int, Decimal], int, bool]:
    """One indicator's cell: numbers per group key, how many rows are not numbers, and
    whether anything was entered. Group rows are the breakdown (an ungrouped row beside
    them is their total and is not added again); an ungrouped number belongs to the
    indicator's own group, else to UNSPLIT."""
    grouped = [r for r in rows if r[0] is not None]
    use = grouped or [r for r in rows if r[0] is None][:1]
    numbers: dict[int, Decimal] = {}
    not_numbers = 0
    for group_id, state, value in use:
        if state == FigureState.VALUE and value is not None:
            key = group_id or own_group or UNSPLIT
            numbers[key] = numbers.get(key, Decimal(0)) + value
        elif state in NOT_NUMBER_STATES:
            not_numbers += 1
    return numbers, not_numbers, any(r[1] != FigureState.BLANK for r in use)


def reach(plan: Plan, year: int, *, internal: bool) -> Reach:
    """The year's people per group, theme and unit. Nine queries."""
    inds = list(
        people_indicators(plan)
        .order_by("activity__theme__position", "activity__position", "position")
        .values_list("pk", "activity_id", "activity__theme_id", "people_group_id", "name")
    )
    acts = {
        pk: (code, theme_id, title)
        for pk, code, theme_id, title in Activity.objects.filter(theme__plan=plan).values_list(
            "pk", "code", "theme_id", "title"
        )
    }
    groups = {g.pk: g for g in Group.objects.all()}
    rows = _figure_rows(plan, year, internal)
    unit_links: dict[int, list[int]] = defaultdict(list)
    through = Activity.responsible_units.through.objects.filter(activity__theme__plan=plan)
    for activity_id, unit_id in through.values_list("activity_id", "unit_id"):
        unit_links[activity_id].append(unit_id)
    acc = _Accumulator(groups)
    for pk, activity_id, theme_id, own_group, name in inds:
        acc.indicator(
            pk=pk,
            code=acts[activity_id][0],
            name=name,
            theme_id=theme_id,
            unit_ids=unit_links.get(activity_id) or [0],
            own_group=own_group if own_group in groups else None,
            rows={kind: rows[kind].get(pk, []) for kind in rows},
        )
    _activity_targets(acc, plan, year, inds, rows, acts, unit_links)
    return acc.result(plan, year, internal, len(inds))


def _activity_targets(acc, plan, year, inds, rows, acts, unit_links) -> None:
    """Targets given to an activity split by group ("50 Kadın 50 Erkek", Büyükçekmece):
    people by construction. They count when no indicator of the activity that counts
    people has a target of its own that year (else they would be counted twice); the
    realizations are its indicators'. One query."""
    with_own = {a for pk, a, *_ in inds if rows["target"].get(pk)}
    real_groups: dict[int, set] = defaultdict(set)
    for pk, activity_id, _theme, own_group, _name in inds:
        for group_id, state, value in rows["realization"].get(pk, []):
            if state == FigureState.VALUE and value is not None:
                real_groups[activity_id].add(group_id or own_group or UNSPLIT)
    cells = Target.objects.filter(
        activity__theme__plan=plan, year=year, group__isnull=False
    ).values_list("activity_id", "group_id", "state", "value")
    for activity_id, group_id, state, value in cells:
        if activity_id in with_own or group_id not in acc.groups:
            continue
        code, theme_id, title = acts[activity_id]
        if state != FigureState.VALUE or value is None:
            acc.not_numbers["target"] += state in NOT_NUMBER_STATES
            continue
        acc.activity_target(
            activity_id=activity_id,
            code=code,
            title=title,
            theme_id=theme_id,
            unit_ids=unit_links.get(activity_id) or [0],
            group_id=group_id,
            value=value,
            reached=group_id in real_groups[activity_id],
        )


class _Accumulator:
    """Adds indicators' cells up into the sums a ``Reach`` holds."""

    def __init__(self, groups: dict[int, Group]):
        self.groups = groups
        self.by_group: dict[int, Sum] = defaultdict(Sum)
        self.themes: dict[int, SexSums] = {}
        self.units: dict[int, SexSums] = {}
        self.not_numbers = {"target": 0, "realization": 0}
        self.unsplit: list[tuple[int, str, str]] = []
        self.pairs: list[Pair] = []
        self.realized_indicators = 0
        self.realized_by_sex = 0
        self.activity_targets = 0

    def sex_of(self, key: int) -> str:
        group = self.groups.get(key)
        return group.sex if group else ANY_SEX

    def indicator(self, *, pk, code, name, theme_id, unit_ids, own_group, rows) -> None:
        by_sex_seen = own_group is not None and self.sex_of(own_group) != ANY_SEX
        numbers_of = {}
        for kind in ("target", "realization"):
            numbers, not_numbers, _entered = split(rows[kind], own_group)
            numbers_of[kind] = numbers
            self.not_numbers[kind] += not_numbers
            by_sex_seen |= any(self.sex_of(k) != ANY_SEX for k in numbers)
            theme = self.themes.setdefault(theme_id, SexSums(theme_id))
            units = [self.units.setdefault(u, SexSums(u)) for u in unit_ids]
            for key, value in numbers.items():
                self.by_group[key].add(kind, value, pk)
                sex = self.sex_of(key)
                theme.by_sex[sex].add(kind, value, pk)
                for unit in units:
                    unit.by_sex[sex].add(kind, value, pk)
        real = numbers_of["realization"]
        if real:
            self.realized_indicators += 1
            self.realized_by_sex += any(self.sex_of(k) != ANY_SEX for k in real)
        if not by_sex_seen:
            self.unsplit.append((pk, code, name))
        for key, value in numbers_of["target"].items():
            if key not in real:
                self.pairs.append(Pair(pk, code, name, self.groups.get(key), value))

    def activity_target(
        self, *, activity_id, code, title, theme_id, unit_ids, group_id, value, reached
    ) -> None:
        self.activity_targets += 1
        self.by_group[group_id].add("target", value, None, activity_id)
        sex = self.sex_of(group_id)
        theme = self.themes.setdefault(theme_id, SexSums(theme_id))
        theme.by_sex[sex].add("target", value, None, activity_id)
        for u in unit_ids:
            self.units.setdefault(u, SexSums(u)).by_sex[sex].add("target", value, None, activity_id)
        if not reached:
            group = self.groups.get(group_id)
            self.pairs.append(Pair(None, code, title, group, value, activity_id))

    def result(self, plan: Plan, year: int, internal: bool, count: int) -> Reach:
        ordered = sorted(
            (k for k in self.by_group if k != UNSPLIT),
            key=lambda k: (self.groups[k].position, tr_sort_key(self.groups[k].name)),
        )
        lines = [GroupLine(self.groups[k], self.by_group[k]) for k in ordered]
        if UNSPLIT in self.by_group:
            lines.append(GroupLine(None, self.by_group[UNSPLIT]))
        total, by_sex = Sum(), defaultdict(Sum)
        for key, s in self.by_group.items():
            total.merge(s)
            by_sex[self.sex_of(key)].merge(s)
        themes = {t.pk: t for t in plan.themes.all()}
        theme_rows = [
            SexSums(themes[tid], s.by_sex)
            for tid, s in sorted(self.themes.items(), key=lambda kv: themes[kv[0]].position)
            if s.by_sex
        ]
        units = {u.pk: u for u in Unit.objects.filter(pk__in=[u for u in self.units if u])}
        unit_rows = sorted(
            (SexSums(units.get(uid), s.by_sex) for uid, s in self.units.items() if s.by_sex),
            key=lambda s: (s.obj is None, tr_sort_key(s.obj.name if s.obj else "")),
        )
        return Reach(
            plan=plan,
            year=year,
            internal=internal,
            people_indicators=count,
            groups=lines,
            total=total,
            by_sex=dict(by_sex),
            themes=theme_rows,
            units=unit_rows,
            not_numbers=self.not_numbers,
            unsplit_indicators=self.unsplit,
            left_out_pairs=self.pairs,
            realized_indicators=self.realized_indicators,
            realized_by_sex=self.realized_by_sex,
            activity_targets=self.activity_targets,
        )


def group_filter(queryset, code: str, year: int):
    """Indicators that count people and hold a figure of this group (or count it) in
    the year; "yok": those whose figures are not broken down by group."""
    people = queryset.filter(counts_people=True)
    if code == "yok":
        split_ids = Indicator.objects.filter(
            Q(targets__year=year, targets__group__isnull=False)
            | Q(realizations__year=year, realizations__group__isnull=False)
        ).values("pk")
        return people.filter(people_group__isnull=True).exclude(pk__in=split_ids)
    ids = Indicator.objects.filter(
        Q(people_group__code=code)
        | (Q(targets__year=year, targets__group__code=code))
        | (Q(realizations__year=year, realizations__group__code=code))
    ).values("pk")
    return people.filter(pk__in=ids)
