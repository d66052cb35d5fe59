"""Turkish case-insensitive search in SQL, the same on SQLite and PostgreSQL.

``TrFold(expr)`` lower-cases with Turkish rules (İ->i, I->ı) through a character-by-
character ``translate``: PostgreSQL's built-in; on SQLite a Python function registered
on each new connection. ``field__tr_contains="istihdam"`` finds "İSTİHDAM", and
"ışık" finds "IŞIK". Usable in admin ``search_fields`` ("title__tr_contains").
"""

from __future__ import annotations

from django.db import models
from django.db.backends.signals import connection_created
from django.dispatch import receiver

from .text import TR_LOWER, TR_UPPER, tr_fold


class TrFold(models.Func):
    function = "tr_fold"
    output_field = models.TextField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            function="translate",
            template=f"%(function)s(%(expressions)s::text, '{TR_UPPER}', '{TR_LOWER}')",
            **extra_context,
        )


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class TrContains(models.Lookup):
    lookup_name = "tr_contains"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs_sql, lhs_params = compiler.compile(TrFold(self.lhs))
        pattern = f"%{_escape_like(tr_fold(str(self.rhs)))}%"
        return f"{lhs_sql} LIKE %s ESCAPE '\\'", [*lhs_params, pattern]


models.CharField.register_lookup(TrContains)
models.TextField.register_lookup(TrContains)


@receiver(connection_created)
def _register_sqlite_functions(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function("tr_fold", 1, _sqlite_fold, deterministic=True)


def _sqlite_fold(value):
    return None if value is None else tr_fold(str(value))
