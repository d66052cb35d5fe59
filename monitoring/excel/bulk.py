"""Inserting thousands of rows at once, for the workbook imports.

``QuerySet.bulk_create`` compiles every value of every row through the SQL compiler
(and on SQLite sends batches of 999 parameters, about 80 rows), and needs a model
instance per row. For a plan of 10,000 indicators that was two thirds of the import's
time. Here each column is prepared once per value with the field's own conversion, and
only where the database needs one; rows go in large multi-row ``INSERT ... VALUES``
batches, and the new primary keys come back with ``RETURNING`` (SQLite 3.35+); on
PostgreSQL rows go through ``COPY``, with keys drawn from the table's sequence. The
database's constraints and triggers apply to every row, as with
``bulk_create``; no signals are sent, as with ``bulk_create``.

- ``bulk_insert(objs)``: unsaved instances of one model, which get their keys (the
  levels of a plan: later rows point at them);
- ``insert_rows(Model, rows)``: plain dicts, for the many rows nothing points at
  (targets, realizations, audit entries, links to units).

Both are for plain models (no inheritance) with plain values (no SQL expressions).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.db import connections, models, router
from django.utils import timezone

# Fields whose Python value the driver takes as it is (Django's get_db_prep_save returns
# a value of the right type unchanged for these).
_PLAIN = (models.CharField, models.TextField, models.IntegerField, models.BooleanField)
_SQLITE_MAX_PARAMS = 30_000  # per multi-row INSERT (PostgreSQL uses COPY instead)


def _auto_now(field) -> bool:
    return bool(getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))


class _Table:
    """How to turn values into the parameters of one model's INSERT."""

    def __init__(self, model: type[models.Model]):
        self.model = model
        self.alias = router.db_for_write(model)
        self.connection = connections[self.alias]
        self.fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.now = timezone.now()

    def usable(self) -> bool:
        c = self.connection
        return c.vendor == "postgresql" or (
            c.vendor == "sqlite" and c.features.can_return_rows_from_bulk_insert
        )

    def converter(self, field):
        """None when the value goes in as it is, else a function of the value."""
        connection = self.connection
        if _auto_now(field):
            stamp = field.get_db_prep_save(self.now, connection)
            return lambda v: stamp
        if field.is_relation:
            return lambda v: v.pk if isinstance(v, models.Model) else v
        if isinstance(field, models.DecimalField):
            prep = field.get_db_prep_save
            return lambda v: v if v is None or type(v) is Decimal else prep(v, connection)
        if isinstance(field, _PLAIN):
            return None
        prep = field.get_db_prep_save
        return lambda v: prep(v, connection)

    def insert(self, rows: list[list], returning: bool) -> list:
        if self.connection.vendor == "postgresql":
            return self.copy(rows, returning)
        connection = self.connection
        qn = connection.ops.quote_name
        opts = self.model._meta
        columns = ", ".join(qn(f.column) for f in self.fields)
        one = "(" + ", ".join(["%s"] * len(self.fields)) + ")"
        head = f"INSERT INTO {qn(opts.db_table)} ({columns}) VALUES "
        tail = f" RETURNING {qn(opts.pk.column)}" if returning else ""
        size = max(1, _SQLITE_MAX_PARAMS // max(1, len(self.fields)))
        keys: list = []
        with connection.cursor() as cursor:
            for start in range(0, len(rows), size):
                batch = rows[start : start + size]
                sql = head + ", ".join([one] * len(batch)) + tail
                cursor.execute(sql, [v for row in batch for v in row])
                if returning:
                    keys.extend(pk for (pk,) in cursor.fetchall())
        return keys

    def copy(self, rows: list[list], returning: bool) -> list:
        """PostgreSQL: ``COPY ... FROM STDIN``, the values adapted by psycopg in C (a
        multi-row INSERT spent most of its time quoting 300,000 parameters in Python).
        New keys are taken from the table's sequence first and sent with the rows."""
        connection = self.connection
        qn = connection.ops.quote_name
        opts = self.model._meta
        columns = [f.column for f in self.fields]
        keys: list = []
        with connection.cursor() as cursor:
            if returning:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [opts.db_table, opts.pk.column, len(rows)],
                )
                keys = [k for (k,) in cursor.fetchall()]
                columns.insert(0, opts.pk.column)
            sql = f"COPY {qn(opts.db_table)} ({', '.join(map(qn, columns))}) FROM STDIN"
            started = time.monotonic()
            with connection.wrap_database_errors, cursor.cursor.copy(sql) as copy:
                write = copy.write_row
                if returning:
                    for key, row in zip(keys, rows, strict=True):
                        write([key, *row])
                else:
                    for row in rows:
                        write(row)
            if connection.queries_logged:  # seen by debug tools and query-count tests
                connection.queries_log.append(
                    {"sql": sql, "time": f"{time.monotonic() - started:.3f}"}
                )
        return keys


def bulk_insert(objs: Sequence[models.Model], *, returning: bool = True) -> None:
    """INSERT ``objs`` (unsaved instances of one model) and set their primary keys.

    Related objects saved earlier in the same import (``Goal(theme=theme)``) give their
    keys to the foreign key columns, as ``bulk_create`` does; auto_now fields get the
    same time for the whole batch.
    """
    if not objs:
        return
    model = type(objs[0])
    table = _Table(model)
    if not table.usable():
        model.objects.using(table.alias).bulk_create(objs)
        return
    fks = [(f.name, f.attname) for f in table.fields if f.is_relation and f.many_to_one]
    stamped = [f.attname for f in table.fields if _auto_now(f)]
    columns = [(f.attname, table.converter(f)) for f in table.fields]
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
        for attname in stamped:
            setattr(obj, attname, table.now)
        # the stored values themselves: no descriptor (a FileField's would build a
        # FieldFile per row)
        d = obj.__dict__
        rows.append([d[a] if c is None else c(d[a]) for a, c in columns])
    keys = table.insert(rows, returning)
    for k, obj in enumerate(objs):
        if returning:
            obj.pk = keys[k]
        obj._state.adding = False
        obj._state.db = table.alias


def insert_rows(
    model: type[models.Model], rows: Iterable[dict], *, returning: bool = False
) -> list:
    """INSERT one row per dict (keys: field names, or ``<fk>_id``; a foreign key may be
    given as a saved instance); fields left out get their default. Every dict has the
    same keys. Returns the new primary keys when ``returning``."""
    rows = list(rows)
    if not rows:
        return []
    table = _Table(model)
    if not table.usable():
        objs = model.objects.using(table.alias).bulk_create([model(**r) for r in rows])
        return [o.pk for o in objs]
    given = set(rows[0])
    plan = []  # per column: (key in the dict, converter) or (None, the value for all rows)
    for f in table.fields:
        key = f.name if f.name in given else f.attname if f.attname in given else None
        convert = table.converter(f)
        if key is not None:
            plan.append((key, convert))
            given.discard(key)
        elif _auto_now(f):
            plan.append((None, convert(None)))
        else:
            plan.append((None, f.get_db_prep_save(f.get_default(), table.connection)))
    if given:
        raise ValueError(f"insert_rows: {model.__name__} has no field {sorted(given)[0]}")
    width = len(rows[0])
    values = []
    for row in rows:
        if len(row) != width:
            raise ValueError(f"insert_rows: {model.__name__} rows with different keys")
        values.append(
            [(row[key] if c is None else c(row[key])) if key is not None else c for key, c in plan]
        )
    return table.insert(values, returning)
