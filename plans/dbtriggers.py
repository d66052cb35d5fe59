"""Database triggers for the one invariant a CHECK constraint cannot express:
a target's or realization's year lies inside its plan's period (the plan is three
tables away). Used by migrations of both apps; SQLite and PostgreSQL flavours.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import migrations
from django.db.migrations.operations.base import Operation

# SQL that yields the activity id of the row being written (NEW.*).
ACTIVITY_OF_INDICATOR = (
    "(SELECT i.activity_id FROM plans_indicator i WHERE i.id = NEW.indicator_id)"
)


def _condition(activity_expr: str) -> str:
    return (
        "EXISTS (SELECT 1 FROM plans_activity a "
        "JOIN plans_theme t ON t.id = a.theme_id "
        "JOIN plans_plan p ON p.id = t.plan_id "
        f"WHERE a.id = {activity_expr} AND NEW.year BETWEEN p.first_year AND p.last_year)"
    )


def year_in_plan_trigger(table: str, name: str, activity_expr: str) -> migrations.RunPython:
    def forwards(apps, schema_editor):
        cond = _condition(activity_expr)
        message = f"{name}: yıl planın dönemi dışında"
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                f"""
                CREATE OR REPLACE FUNCTION {name}_fn() RETURNS trigger AS $$
                BEGIN
                  IF NOT {cond} THEN
                    RAISE EXCEPTION '{message} (%%)', NEW.year USING ERRCODE = 'check_violation';
                  END IF;
                  RETURN NEW;
                END;
                $$ LANGUAGE plpgsql;
                """
            )
            schema_editor.execute(
                f"CREATE TRIGGER {name} BEFORE INSERT OR UPDATE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {name}_fn();"
            )
        elif schema_editor.connection.vendor == "sqlite":
            for event, suffix in (("INSERT", "ins"), ("UPDATE", "upd")):
                schema_editor.execute(
                    f"CREATE TRIGGER {name}_{suffix} BEFORE {event} ON {table} "
                    f"WHEN NOT {cond} "
                    f"BEGIN SELECT RAISE(ABORT, '{message}'); END;"
                )

    def backwards(apps, schema_editor):
        # every name the check has had, also those later trigger sets gave it
        for sql in drop_sql(schema_editor.connection.vendor, table, name):
            schema_editor.execute(sql, params=None)

    return migrations.RunPython(forwards, backwards, elidable=False)


# PostgreSQL: one check per statement over its transition tables, not one PL/pgSQL call
# per row; a plan import's 40,000 rows took six seconds of row triggers.
_TRANSITION = {
    "INSERT": "REFERENCING NEW TABLE AS new_rows",
    "UPDATE": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "DELETE": "REFERENCING OLD TABLE AS old_rows",
}


# ---------------------------------------------------------------- trigger sets
#
# Since monitoring 0005 the triggers are a migration operation: ``InstallTriggers``
# drops every trigger a set may have left (also those of earlier versions) and creates the
# set, forwards and backwards, so ``sqlmigrate`` shows the SQL and a migration that makes
# SQLite rebuild a table ends with the operation again.


@dataclass(frozen=True)
class Check:
    """Refuse a statement: ``tests`` are (event, row, SQL condition that refuses)."""

    table: str
    name: str
    tests: tuple[tuple[str, str, str], ...]
    message: str


@dataclass(frozen=True)
class Bump:
    """After a write, bump the data version of the plans it touched: ``plans`` is a
    SELECT of ``pid`` (plan ids) for one row ``{row}``."""

    table: str
    name: str
    plans: str
    events: tuple[str, ...] = ("INSERT", "UPDATE", "DELETE")


def _sqlite_sql(spec) -> list[str]:
    out = []
    if isinstance(spec, Check):
        for event, row, cond in spec.tests:
            trig = f"{spec.name}_{event.lower()}_{row.lower()}"
            out.append(
                f"CREATE TRIGGER {trig} BEFORE {event} ON {spec.table} WHEN {cond} "
                f"BEGIN SELECT RAISE(ABORT, '{spec.message}'); END"
            )
        return out
    for event in spec.events:
        rows = {"INSERT": ["NEW"], "UPDATE": ["OLD", "NEW"], "DELETE": ["OLD"]}[event]
        body = " ".join(
            f"INSERT INTO plans_dataversion (plan_id, version) SELECT pid, 1 FROM "
            f"({spec.plans.format(row=row)}) WHERE pid IS NOT NULL "
            "ON CONFLICT (plan_id) DO UPDATE SET version = version + 1;"
            for row in rows
        )
        out.append(
            f"CREATE TRIGGER {spec.name}_{event.lower()} AFTER {event} ON {spec.table} "
            f"BEGIN {body} END"
        )
    return out


def _postgres_sql(spec) -> list[str]:
    out = []
    for event, referencing in _TRANSITION.items():
        if isinstance(spec, Check):
            tests = [
                f"EXISTS (SELECT 1 FROM {row.lower()}_rows r WHERE "
                + re.sub(rf"\b{row}\.", "r.", cond)
                + ")"
                for ev, row, cond in spec.tests
                if ev == event
            ]
            if not tests:
                continue
            body = (
                f"IF {' OR '.join(tests)} THEN RAISE EXCEPTION '{spec.message}' "
                "USING ERRCODE = 'check_violation'; END IF;"
            )
        else:
            if event not in spec.events:
                continue
            sources = {"INSERT": ["new"], "UPDATE": ["old", "new"], "DELETE": ["old"]}[event]
            union = " UNION ".join(
                f"SELECT s.pid FROM {src}_rows r CROSS JOIN LATERAL "
                f"({spec.plans.format(row='r')}) s"
                for src in sources
            )
            body = (
                f"INSERT INTO plans_dataversion (plan_id, version) SELECT DISTINCT u.pid, 1 "
                f"FROM ({union}) u WHERE u.pid IS NOT NULL ON CONFLICT (plan_id) DO UPDATE "
                "SET version = plans_dataversion.version + 1;"
            )
        trig = f"{spec.name}_{event.lower()}"
        out.append(
            f"CREATE OR REPLACE FUNCTION {trig}_fn() RETURNS trigger AS $$ "
            f"BEGIN {body} RETURN NULL; END; $$ LANGUAGE plpgsql"
        )
        out.append(
            f"CREATE TRIGGER {trig} AFTER {event} ON {spec.table} {referencing} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {trig}_fn()"
        )
    return out


def drop_sql(vendor: str, table: str, name: str) -> list[str]:
    """Every trigger ``name`` may have had on ``table``, in any version."""
    if vendor == "sqlite":
        names = [name, f"{name}_ins", f"{name}_upd"]
        names += [f"{name}_{e}" for e in ("insert", "update", "delete")]
        names += [f"{name}_{e}_{r}" for e in ("insert", "update", "delete") for r in ("new", "old")]
        return [f"DROP TRIGGER IF EXISTS {n}" for n in names]
    out = [f"DROP TRIGGER IF EXISTS {name} ON {table}", f"DROP FUNCTION IF EXISTS {name}_fn()"]
    for event in _TRANSITION:
        trig = f"{name}_{event.lower()}"
        out += [f"DROP TRIGGER IF EXISTS {trig} ON {table}", f"DROP FUNCTION IF EXISTS {trig}_fn()"]
    return out


def trigger_sql(vendor: str, install: Sequence, drop: Sequence = ()) -> list[str]:
    """The statements that take the triggers of ``drop`` and ``install`` away and create
    those of ``install``."""
    if vendor not in ("sqlite", "postgresql"):
        return []
    seen: set[tuple[str, str]] = set()
    out: list[str] = []
    for spec in [*drop, *install]:
        if (spec.table, spec.name) not in seen:
            seen.add((spec.table, spec.name))
            out += drop_sql(vendor, spec.table, spec.name)
    make = _sqlite_sql if vendor == "sqlite" else _postgres_sql
    for spec in install:
        out += make(spec)
    return out


class InstallTriggers(Operation):
    """Replace the triggers of ``before`` (the set the previous migration left) by those
    of ``after``; backwards the other way round. Reversible, shown by ``sqlmigrate``."""

    reversible = True
    reduces_to_sql = True

    def __init__(self, after: Sequence, before: Sequence = ()):
        self.after, self.before = list(after), list(before)

    def deconstruct(self):
        return (self.__class__.__qualname__, [self.after, self.before], {})

    def state_forwards(self, app_label, state):
        pass

    def _run(self, schema_editor, install, drop):
        for sql in trigger_sql(schema_editor.connection.vendor, install, drop):
            schema_editor.execute(sql, params=None)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        self._run(schema_editor, self.after, self.before)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        self._run(schema_editor, self.before, self.after)

    def describe(self):
        return f"Install {len(self.after)} database trigger sets"


class WithoutSQLiteTriggers(migrations.SeparateDatabaseAndState):
    """Run ``operations`` with every trigger of a SQLite database taken away and created
    again after them. SQLite rebuilds a table to add a constraint or a column with a
    default, and cannot rename the rebuilt table while another table's trigger names it
    ("error in trigger target_year_in_plan_ins: no such table: main.plans_plan"); the
    rebuild would also drop the table's own triggers. PostgreSQL alters tables in place:
    the operations just run."""

    def __init__(self, operations=None, database_operations=None, state_operations=None):
        ops = list(operations if operations is not None else database_operations or [])
        super().__init__(database_operations=ops, state_operations=ops)

    def deconstruct(self):
        return (self.__class__.__qualname__, [], {"operations": self.database_operations})

    def _around(self, schema_editor, run) -> None:
        if schema_editor.connection.vendor != "sqlite":
            run()
            return
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
            saved = cursor.fetchall()
        for name, _sql in saved:
            schema_editor.execute(f'DROP TRIGGER IF EXISTS "{name}"', params=None)
        run()
        for _name, sql in saved:
            schema_editor.execute(sql, params=None)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        parent = super().database_forwards
        self._around(schema_editor, lambda: parent(app_label, schema_editor, from_state, to_state))

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        parent = super().database_backwards
        self._around(schema_editor, lambda: parent(app_label, schema_editor, from_state, to_state))

    def describe(self):
        return f"Run {len(self.database_operations)} operations without SQLite's triggers"
