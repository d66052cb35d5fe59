"""Plan generations: a plan's revision (a new version of the same plan) or the next
period's plan, made as a draft copy of its structure, and the line of a municipality's
plans they make.

The copy is a fixed number of ``INSERT ... SELECT`` statements, whatever the plan's size:
themes, goals and strategies found again by their positions (unique inside their parent),
activities and indicators linked to the ones they continue (``continues``), which is how
their children and unit links find their new parents. The figures are monitoring's: its
``monitoring.generations`` calls this and then the target writer.

The database holds the rules (plans.triggers): same municipality, no cycle, and a row
continues only a row of its plan's predecessor. ``generation_refusal`` says the same in
Turkish before anything is written.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection, transaction

from .models import Activity, Plan

KIND_WORDS = {Plan.Kind.REVISION: "yeni sürüm", Plan.Kind.NEXT: "sonraki dönem planı"}


@dataclass
class CopiedStructure:
    plan: Plan
    counts: dict[str, int]  # "tema", "hedef", "strateji", "faaliyet", "gösterge", ...


def next_version(source: Plan, title: str) -> int:
    """A revision's version: above its predecessor's and above every plan of that title."""
    taken = Plan.objects.filter(municipality_id=source.municipality_id, title=title)
    highest = max([source.version, *taken.values_list("version", flat=True)])
    return highest + 1


def default_period(source: Plan, kind: str) -> tuple[int, int]:
    """A revision keeps the period; the next plan starts after it, as long."""
    if kind == Plan.Kind.REVISION:
        return source.first_year, source.last_year
    length = source.last_year - source.first_year
    return source.last_year + 1, source.last_year + 1 + length


def default_title(source: Plan, kind: str) -> str:
    if kind == Plan.Kind.REVISION:
        return source.title
    first, last = default_period(source, kind)
    return f"{source.title} {first}-{last}"[:300]


def generation_refusal(source: Plan, *, kind: str, title: str, first_year: int, last_year: int):
    """Why this plan cannot be made, in Turkish (field, what); None when it can."""
    if kind not in KIND_WORDS:
        return "Tür: “yeni sürüm” ya da “sonraki dönem planı” seçilmeli."
    if not title.strip():
        return "Başlık: yeni planın başlığı boş olamaz."
    if not (2000 <= first_year <= last_year <= 2100):
        return (
            f"Dönem: {first_year}-{last_year} geçerli bir dönem değil "
            "(2000-2100 arasında; ilk yıl son yıldan büyük olamaz)."
        )
    if kind == Plan.Kind.NEXT and first_year <= source.first_year:
        return (
            f"Dönem: sonraki dönem planı {source.first_year} yılından sonra başlamalı "
            f"(önceki plan {source.first_year}-{source.last_year})."
        )
    if kind == Plan.Kind.REVISION and first_year < source.first_year:
        return f"Dönem: yeni sürüm {source.first_year} yılından önce başlayamaz."
    version = next_version(source, title) if kind == Plan.Kind.REVISION else 1
    clash = Plan.objects.filter(
        municipality_id=source.municipality_id, title=title.strip(), version=version
    )
    if clash.exists():
        return f"Başlık: bu belediyenin “{title.strip()}” başlıklı {version}. sürümü zaten var."
    return None


def _insert_select(cursor, sql: str, params: dict) -> int:
    cursor.execute(sql, params)
    return max(cursor.rowcount, 0)


_NEW_THEME = "JOIN plans_theme {n} ON {n}.plan_id = %(new)s AND {n}.position = {o}.position"
_COPY_SQL = {
    "tema": (
        "INSERT INTO plans_theme (plan_id, code, title, position) "
        "SELECT %(new)s, code, title, position FROM plans_theme WHERE plan_id = %(old)s"
    ),
    "hedef": (
        "INSERT INTO plans_goal (theme_id, code, title, position) "
        "SELECT nt.id, g.code, g.title, g.position FROM plans_goal g "
        "JOIN plans_theme ot ON ot.id = g.theme_id "
        + _NEW_THEME.format(n="nt", o="ot")
        + " WHERE ot.plan_id = %(old)s"
    ),
    "strateji": (
        "INSERT INTO plans_strategy (goal_id, code, title, position) "
        "SELECT ng.id, s.code, s.title, s.position FROM plans_strategy s "
        "JOIN plans_goal og ON og.id = s.goal_id JOIN plans_theme ot ON ot.id = og.theme_id "
        + _NEW_THEME.format(n="nt", o="ot")
        + " JOIN plans_goal ng ON ng.theme_id = nt.id AND ng.position = og.position "
        "WHERE ot.plan_id = %(old)s"
    ),
    "faaliyet": (
        "INSERT INTO plans_activity (theme_id, goal_id, strategy_id, code, position, title, "
        "timing, start_year, end_year, timing_raw, responsible_raw, partners_raw, continues_id) "
        "SELECT nt.id, ng.id, ns.id, a.code, a.position, a.title, a.timing, a.start_year, "
        "a.end_year, a.timing_raw, a.responsible_raw, a.partners_raw, a.id "
        "FROM plans_activity a JOIN plans_theme ot ON ot.id = a.theme_id "
        + _NEW_THEME.format(n="nt", o="ot")
        # the goal and the strategy found again through their own themes and goals
        + " LEFT JOIN plans_goal og ON og.id = a.goal_id "
        "LEFT JOIN plans_theme got ON got.id = og.theme_id "
        "LEFT " + _NEW_THEME.format(n="gnt", o="got") + " "
        "LEFT JOIN plans_goal ng ON ng.theme_id = gnt.id AND ng.position = og.position "
        "LEFT JOIN plans_strategy os ON os.id = a.strategy_id "
        "LEFT JOIN plans_goal sog ON sog.id = os.goal_id "
        "LEFT JOIN plans_theme sot ON sot.id = sog.theme_id "
        "LEFT " + _NEW_THEME.format(n="snt", o="sot") + " "
        "LEFT JOIN plans_goal sng ON sng.theme_id = snt.id AND sng.position = sog.position "
        "LEFT JOIN plans_strategy ns ON ns.goal_id = sng.id AND ns.position = os.position "
        "WHERE ot.plan_id = %(old)s"
    ),
    "gösterge": (
        "INSERT INTO plans_indicator (activity_id, position, name, unit_of_measure, "
        "value_type, accumulation, direction, baseline_value, baseline_raw, continues_id) "
        "SELECT na.id, i.position, i.name, i.unit_of_measure, i.value_type, i.accumulation, "
        "i.direction, i.baseline_value, i.baseline_raw, i.id FROM plans_indicator i "
        "JOIN plans_activity na ON na.continues_id = i.activity_id "
        "JOIN plans_theme nt ON nt.id = na.theme_id WHERE nt.plan_id = %(new)s"
    ),
}


def _unit_links_sql(through) -> str:
    table = through._meta.db_table
    return (
        f"INSERT INTO {table} (activity_id, unit_id) SELECT na.id, r.unit_id FROM {table} r "
        "JOIN plans_activity na ON na.continues_id = r.activity_id "
        "JOIN plans_theme nt ON nt.id = na.theme_id WHERE nt.plan_id = %(new)s"
    )


@transaction.atomic
def plan_copy_structure(
    source: Plan, *, kind: str, title: str, first_year: int, last_year: int
) -> CopiedStructure:
    """A draft plan following ``source`` (its revision or its next plan) with a copy of its
    structure and unit links; no figure. Refused (ValidationError) by the rules."""
    title = title.strip()
    refusal = generation_refusal(
        source, kind=kind, title=title, first_year=first_year, last_year=last_year
    )
    if refusal:
        raise ValidationError(refusal)
    plan = Plan.objects.create(
        municipality_id=source.municipality_id,
        title=title,
        first_year=first_year,
        last_year=last_year,
        version=next_version(source, title) if kind == Plan.Kind.REVISION else 1,
        status=Plan.Status.DRAFT,
        is_public=False,
        predecessor=source,
        kind=kind,
        theme_label=source.theme_label,
        goal_label=source.goal_label,
        strategy_label=source.strategy_label,
        activity_label=source.activity_label,
        source_note=f"{source} planından kopyalandı ({KIND_WORDS[kind]}).",
    )
    params = {"new": plan.pk, "old": source.pk}
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        for what, sql in _COPY_SQL.items():
            counts[what] = _insert_select(cursor, sql, params)
        for what, through in (
            ("sorumlu birim bağı", Activity.responsible_units.through),
            ("destekçi bağı", Activity.partner_units.through),
        ):
            counts[what] = _insert_select(cursor, _unit_links_sql(through), params)
    return CopiedStructure(plan, counts)


# ---------------------------------------------------------------------------- the line


@dataclass
class Generation:
    """A plan in its line: its depth (0 for a plan with no visible predecessor)."""

    plan: Plan
    depth: int
    successors: list[Plan] = field(default_factory=list)


@dataclass
class PlanLine:
    """A municipality's plans, oldest first, each after the plan it follows."""

    municipality: object
    generations: list[Generation]


def plan_lines(plans) -> list[PlanLine]:
    """Group already read plans (with their municipality) into lines of generations, in
    the order the plans came by municipality; no query. A plan whose predecessor is not
    among ``plans`` (not visible) starts a line of its own."""
    by_municipality: dict[int, list[Plan]] = defaultdict(list)
    order: list[int] = []
    for plan in plans:
        if plan.municipality_id not in by_municipality:
            order.append(plan.municipality_id)
        by_municipality[plan.municipality_id].append(plan)
    return [_line(by_municipality[mid]) for mid in order]


def _line(plans: list[Plan]) -> PlanLine:
    ids = {p.pk for p in plans}
    children: dict[int | None, list[Plan]] = defaultdict(list)
    for p in plans:
        children[p.predecessor_id if p.predecessor_id in ids else None].append(p)
    for kids in children.values():
        kids.sort(key=lambda p: (p.first_year, p.version, p.pk))
    out: list[Generation] = []
    seen: set[int] = set()
    stack = [(p, 0) for p in reversed(children[None])]
    while stack:  # depth first: each plan right after the one it follows
        plan, depth = stack.pop()
        if plan.pk in seen:
            continue
        seen.add(plan.pk)
        out.append(Generation(plan, depth, children.get(plan.pk, [])))
        stack.extend((c, depth + 1) for c in reversed(children.get(plan.pk, [])))
    return PlanLine(plans[0].municipality, out)
