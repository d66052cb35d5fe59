"""Turkish case-insensitive search in SQL, the same on SQLite and PostgreSQL.

``TrFold(expr)`` lower-cases with Turkish rules: the two letters whose Turkish case
differs from the rest of the world are turned first (İ->i, I->ı), then ``lower()`` does
the others. PostgreSQL's built-ins (both IMMUTABLE, so an index can hold the result);
on SQLite a Python function registered on each new connection, ``search_fold``, which
gives the same text. ``field__tr_contains="istihdam"`` finds "İSTİHDAM", and "ışık"
finds "IŞIK". Usable in admin ``search_fields`` ("title__tr_contains").

On PostgreSQL the folded text of the columns that are searched has a trigram index
(``TrigramIndex``, pg_trgm GIN over exactly the expression ``TrFold`` writes), so
``LIKE '%x%'`` is answered from the index instead of folding every row. (A translate()
of the whole Turkish alphabet cost five times a lower(): on 300 municipalities that
was most of a search's time, also in the index's recheck.)
"""

from __future__ import annotations

from django.db import models
from django.db.backends.signals import connection_created
from django.db.migrations.operations.base import Operation
from django.dispatch import receiver

from .text import tr_fold

_PG_FOLD = "lower(translate(%s::text, 'İI', 'iı'))"


def search_fold(text: str) -> str:
    """What ``TrFold`` makes of a text: Turkish letters as ``tr_fold``, any other
    capital letter lower-cased."""
    return tr_fold(text).lower()


class TrFold(models.Func):
    function = "tr_fold"
    output_field = models.TextField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template=_PG_FOLD % "%(expressions)s",
            **extra_context,
        )


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class TrContains(models.Lookup):
    lookup_name = "tr_contains"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs_sql, lhs_params = compiler.compile(TrFold(self.lhs))
        pattern = f"%{_escape_like(search_fold(str(self.rhs)))}%"
        if connection.vendor == "postgresql":  # backslash is its default escape
            return f"{lhs_sql} LIKE %s", [*lhs_params, pattern]
        return f"{lhs_sql} LIKE %s ESCAPE '\\'", [*lhs_params, pattern]


models.CharField.register_lookup(TrContains)
models.TextField.register_lookup(TrContains)


@receiver(connection_created)
def _register_sqlite_functions(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function("tr_fold", 1, _sqlite_fold, deterministic=True)


def _sqlite_fold(value):
    return None if value is None else search_fold(str(value))


class TrigramExtension(Operation):
    """``CREATE EXTENSION pg_trgm`` on PostgreSQL; nothing elsewhere. Backwards it stays
    (other databases' objects may use it)."""

    reversible = True
    reduces_to_sql = True

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        pass

    def describe(self):
        return "Create the pg_trgm extension on PostgreSQL"


class TrigramIndex(Operation):
    """A pg_trgm GIN index over the Turkish-folded text of ``table.column`` (the
    expression of ``tr_contains``) on PostgreSQL; nothing on other databases."""

    reversible = True
    reduces_to_sql = True

    def __init__(self, table: str, column: str, name: str):
        self.table, self.column, self.name = table, column, name

    def deconstruct(self):
        return (self.__class__.__qualname__, [self.table, self.column, self.name], {})

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            expr = _PG_FOLD % schema_editor.quote_name(self.column)
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {self.name} ON {self.table} "
                f"USING gin (({expr}) gin_trgm_ops)"
            )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP INDEX IF EXISTS {self.name}")

    def describe(self):
        return f"Trigram index {self.name} on {self.table}.{self.column} (PostgreSQL)"
