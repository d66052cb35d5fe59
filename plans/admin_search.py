"""Admin lists that do not grow with the nation: search one table at a time, no full
counts of large tables, and the platform administrator's order on an index.

Django's own admin search ORs every search field across the joined tables and adds a
DISTINCT: no index can answer that, and on 300 municipalities the paginator's count
alone took a second. Here each table that holds a search field is searched on its own
(on PostgreSQL through the trigram index of its folded text, plans.lookups), its ids are
carried back to the listed model along the foreign keys, and the list keeps the rows
whose keys are among them: ``own columns LIKE x OR indicator_id IN (keys found in the
indicators)``, no join and no DISTINCT. The rows found are the same as Django's search
(every word in some field).
"""

from __future__ import annotations

from functools import cached_property

from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.db import connections, models
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.text import smart_split, unescape_string_literal

ESTIMATE_ABOVE = 1_000  # rows: a list the planner expects to be longer shows its estimate
IDS_AT_MOST = 1_000  # keys carried from one table to the next as a list (a longer
# list costs the planner more than a subquery costs the executor)


def _parse(model, spec: str) -> tuple[tuple[str, ...], str]:
    """``"indicator__activity__code__tr_contains"`` -> (("indicator", "activity"),
    "code__tr_contains"): the relations to follow and the lookup on the last table."""
    parts = spec.split("__")
    path: list[str] = []
    opts = model._meta
    for i, part in enumerate(parts):
        try:
            field = opts.get_field(part)
        except FieldDoesNotExist:
            break
        if field.is_relation and i < len(parts) - 1:
            try:
                field.related_model._meta.get_field(parts[i + 1])
            except FieldDoesNotExist:
                break  # a lookup on the relation itself
            path.append(part)
            opts = field.related_model._meta
            continue
        rest = parts[i:]
        lookup = "__".join(rest) if len(rest) > 1 else f"{part}__icontains"
        return tuple(path), lookup
    raise ValueError(f"search field {spec!r} of {model.__name__}")


def _fetch(qs: QuerySet):
    """The values of a one-column query as a list (a filter an index can take), or the
    query itself when there are more than ``IDS_AT_MOST``."""
    values = list(qs.order_by().distinct()[: IDS_AT_MOST + 1])
    return qs if len(values) > IDS_AT_MOST else values


def _condition(model, path: tuple[str, ...], cond: Q, user) -> Q:
    """A condition on ``model``'s own columns: rows whose ``path`` leads to a row that
    matches ``cond``. Each table on the path is asked on its own (its index), its ids
    carried back as a list of keys."""
    if not path:
        return cond
    field = model._meta.get_field(path[0])
    rel = field.related_model
    matching = _scoped(rel, user).filter(_condition(rel, path[1:], cond, user))
    if field.concrete and (field.many_to_one or field.one_to_one):
        return Q(**{f"{field.attname}__in": _fetch(matching.values_list("pk", flat=True))})
    if field.one_to_many or field.one_to_one:  # a reverse foreign key
        return Q(pk__in=_fetch(matching.values_list(field.field.attname, flat=True)))
    m2m = field if field.concrete else field.field
    own, other = m2m.m2m_field_name(), m2m.m2m_reverse_field_name()
    if not field.concrete:
        own, other = other, own
    through = m2m.remote_field.through._base_manager
    rel_ids = _fetch(matching.values_list("pk", flat=True))
    links = through.filter(**{f"{other}_id__in": rel_ids}).values_list(f"{own}_id", flat=True)
    return Q(pk__in=_fetch(links))


def _scoped(model, user) -> QuerySet:
    from .scoping import knows, scope

    qs = model._base_manager.all()
    return scope(qs, user) if user is not None and knows(model) else qs


def indexed_search(queryset: QuerySet, fields, term: str, user=None) -> QuerySet:
    """``queryset`` limited to rows where every word of ``term`` is in one of ``fields``
    (admin ``search_fields`` without prefixes), one table at a time: the listed table's
    own columns in the query itself (its trigram indexes, or its order index when most
    rows match), every other table asked first for the keys it leads to."""
    model = queryset.model
    groups: dict[tuple[str, ...], list[str]] = {}
    for spec in fields:
        path, lookup = _parse(model, spec)
        groups.setdefault(path, []).append(lookup)
    for word in smart_split(term):
        if word.startswith(('"', "'")) and word[0] == word[-1]:
            word = unescape_string_literal(word)
        found = Q()
        for path, lookups in groups.items():
            cond = Q()
            for lookup in lookups:
                cond |= Q(**{lookup: word})
            found |= _condition(model, path, cond, user)
        queryset = queryset.filter(found)
    return queryset


class EstimatedCountPaginator(Paginator):
    """On PostgreSQL a list longer than ``ESTIMATE_ABOVE`` rows is counted from the
    planner's estimate (``EXPLAIN`` reads the statistics, not the rows) instead of reading
    every row: the nation's realizations, or a search that finds a tenth of them. The
    count reads at most ``ESTIMATE_ABOVE + 1`` rows to know; shorter lists (a
    municipality's) are counted exactly, in the one query they always took."""

    @cached_property
    def count(self) -> int:
        qs = self.object_list
        if not isinstance(qs, QuerySet) or connections[qs.db].vendor != "postgresql":
            return super().count
        n = qs.order_by().values("pk")[: ESTIMATE_ABOVE + 1].count()
        return n if n <= ESTIMATE_ABOVE else max(n, _planned_rows(qs))


def _planned_rows(qs: QuerySet) -> int:
    import json

    sql, params = qs.order_by().values("pk").query.sql_with_params()
    with connections[qs.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


class IndexedListMixin:
    """For the admin of a large table: ``indexed_search`` instead of Django's search, no
    second count of the unfiltered table, an estimated count of an unfiltered list, and
    for platform administrators (the nation in one list) ``indexed_ordering``, an order
    an index gives, instead of the plan order across joined tables."""

    show_full_result_count = False
    paginator = EstimatedCountPaginator
    indexed_ordering: tuple[str, ...] = ()

    def get_search_results(self, request, queryset, search_term):
        fields = self.get_search_fields(request)
        if not search_term or not fields:
            return queryset, False
        return indexed_search(queryset, fields, search_term, request.user), False

    def get_ordering(self, request):
        if self.indexed_ordering and getattr(request.user, "is_superuser", False):
            return list(self.indexed_ordering)
        return super().get_ordering(request)


def count_of(model: type[models.Model], fk: str):
    """A correlated count of ``model`` rows pointing here through ``fk`` (a ``Count``
    over a join groups the whole table before paging): worked out only for the rows on
    the page."""
    sub = (
        model._base_manager.filter(**{fk: OuterRef("pk")})
        .order_by()
        .values(fk)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(sub, output_field=IntegerField()), 0)
