"""Inserting thousands of model instances at once, for the workbook imports.

``QuerySet.bulk_create`` compiles every value of every row through the SQL compiler
(and on SQLite sends batches of 999 parameters, about 80 rows). For a plan of 10,000
indicators that is two thirds of the import's time. ``bulk_insert`` does the same job
for the plain models we import (no inheritance, no expressions as values): it prepares
each column with the field's own conversion only where the database needs one (decimals,
dates), sends large multi-row ``INSERT ... VALUES`` batches and reads the new primary
keys back with ``RETURNING``, which PostgreSQL and SQLite (3.35+) both support. The
database's constraints and triggers apply to every row, as with ``bulk_create``.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connections, models, router

# Fields whose Python value the database driver takes as it is (what Django's own
# get_db_prep_save returns unchanged for values of the right type).
_PLAIN = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.ForeignKey,
)
_MAX_PARAMS = {"sqlite": 30_000, "postgresql": 60_000}


def _auto_now_add(field) -> bool:
    return getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)


def bulk_insert(objs: Sequence[models.Model], *, returning: bool = True) -> None:
    """INSERT ``objs`` (unsaved instances of one model) and set their primary keys.

    Related objects saved earlier in the same import (``Goal(theme=theme)``) give their
    keys to the foreign key columns, as ``bulk_create`` does. Pass ``returning=False``
    when nothing will point at the new rows, to skip reading their keys.
    """
    if not objs:
        return
    model = type(objs[0])
    opts = model._meta
    alias = router.db_for_write(model)
    connection = connections[alias]
    if (
        connection.vendor not in _MAX_PARAMS
        or not connection.features.can_return_rows_from_bulk_insert
    ):
        model.objects.using(alias).bulk_create(objs)
        return
    fields = [f for f in opts.concrete_fields if not f.primary_key]
    fks = [(f.name, f.attname) for f in fields if f.is_relation and f.many_to_one]
    stamped = [f for f in fields if _auto_now_add(f)]
    prepare = [
        None if isinstance(f, _PLAIN) else (lambda v, f=f: f.get_db_prep_save(v, connection))
        for f in fields
    ]
    attnames = [f.attname for f in fields]
    rows = []
    for obj in objs:
        if type(obj) is not model:
            raise TypeError(f"bulk_insert: {type(obj).__name__} among {model.__name__} rows")
        if obj.pk is not None:
            raise ValueError(f"bulk_insert: {model.__name__} {obj.pk} is already saved")
        cache = obj._state.fields_cache
        for name, attname in fks:
            if getattr(obj, attname) is None:
                related = cache.get(name)
                if related is not None:
                    if related.pk is None:
                        raise ValueError(
                            f"bulk_insert: {model.__name__}.{name} points at an unsaved row"
                        )
                    setattr(obj, attname, related.pk)
        for f in stamped:
            f.pre_save(obj, add=True)
        rows.append(
            [
                getattr(obj, a) if p is None else p(getattr(obj, a))
                for a, p in zip(attnames, prepare, strict=True)
            ]
        )
    qn = connection.ops.quote_name
    columns = ", ".join(qn(f.column) for f in fields)
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    head = f"INSERT INTO {qn(opts.db_table)} ({columns}) VALUES "
    tail = f" RETURNING {qn(opts.pk.column)}" if returning else ""
    size = max(1, _MAX_PARAMS[connection.vendor] // max(1, len(fields)))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            sql = head + ", ".join([one] * len(batch)) + tail
            cursor.execute(sql, [v for row in batch for v in row])
            if returning:
                for obj, (pk,) in zip(objs[start : start + size], cursor.fetchall(), strict=True):
                    obj.pk = pk
                    obj._state.adding = False
                    obj._state.db = alias
            else:
                for obj in objs[start : start + size]:
                    obj._state.adding = False
                    obj._state.db = alias
