"""Database triggers for the one invariant a CHECK constraint cannot express:
a target's or realization's year lies inside its plan's period (the plan is three
tables away). Used by migrations of both apps; SQLite and PostgreSQL flavours.
"""

from __future__ import annotations

import re

from django.db import migrations

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
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table};")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}_fn();")
            drop_statement_triggers(schema_editor, table, name)
        elif schema_editor.connection.vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}_ins;")
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}_upd;")

    return migrations.RunPython(forwards, backwards, elidable=False)


# ---------------------------------------------------------------- (re)installing
#
# SQLite drops a table's triggers when a migration rebuilds the table (ALTER TABLE is
# emulated by copy-and-rename), so every trigger is installed again, idempotently, after
# each ``migrate`` (a post_migrate receiver in plans.apps). On PostgreSQL the row-level
# triggers of the first migrations are replaced by statement-level ones (below), and
# later runs replace those by themselves.

CLOSED_YEAR = (
    "EXISTS (SELECT 1 FROM monitoring_reportingyear ry "
    "JOIN plans_theme t ON t.plan_id = ry.plan_id "
    "JOIN plans_activity a ON a.theme_id = t.id "
    "JOIN plans_indicator i ON i.activity_id = a.id "
    "WHERE i.id = {row}.indicator_id AND ry.year = {row}.year AND ry.is_closed)"
)


def _trigger_specs():
    """(table, name, [(event, row, condition that refuses), ...], message)."""
    target_activity = f"COALESCE(NEW.activity_id, {ACTIVITY_OF_INDICATOR})"
    return [
        (
            "plans_target",
            "target_year_in_plan",
            [
                ("INSERT", "NEW", "NOT " + _condition(target_activity)),
                ("UPDATE", "NEW", "NOT " + _condition(target_activity)),
            ],
            "target_year_in_plan: yıl planın dönemi dışında",
        ),
        (
            "monitoring_realization",
            "realization_year_in_plan",
            [
                ("INSERT", "NEW", "NOT " + _condition(ACTIVITY_OF_INDICATOR)),
                ("UPDATE", "NEW", "NOT " + _condition(ACTIVITY_OF_INDICATOR)),
            ],
            "realization_year_in_plan: yıl planın dönemi dışında",
        ),
        (
            "monitoring_realization",
            "realization_closed_year",
            [
                ("INSERT", "NEW", CLOSED_YEAR.format(row="NEW")),
                ("UPDATE", "NEW", CLOSED_YEAR.format(row="NEW")),
                ("UPDATE", "OLD", CLOSED_YEAR.format(row="OLD")),
                ("DELETE", "OLD", CLOSED_YEAR.format(row="OLD")),
            ],
            "closed_year: bu yıl kapatılmış; gerçekleşmeler değiştirilemez",
        ),
    ]


def install_triggers(connection) -> None:
    tables = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table, name, checks, message in _trigger_specs():
            if table not in tables or "monitoring_reportingyear" not in tables:
                continue
            if connection.vendor == "sqlite":
                # old names from the first migrations, then the current ones
                for old in (f"{name}_ins", f"{name}_upd"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {old}")
                for event, row, cond in checks:
                    trig = f"{name}_{event.lower()}_{row.lower()}"
                    cursor.execute(f"DROP TRIGGER IF EXISTS {trig}")
                    cursor.execute(
                        f"CREATE TRIGGER {trig} BEFORE {event} ON {table} WHEN {cond} "
                        f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
                    )
            elif connection.vendor == "postgresql":
                _install_statement_triggers(cursor, table, name, checks, message)


# PostgreSQL: one check per statement over its transition tables, not one PL/pgSQL call
# per row; a plan import's 40,000 rows took six seconds of row triggers.
_TRANSITION = {
    "INSERT": "REFERENCING NEW TABLE AS new_rows",
    "UPDATE": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "DELETE": "REFERENCING OLD TABLE AS old_rows",
}


def drop_statement_triggers(executor, table: str, name: str) -> None:
    """Drop a check's statement-level triggers and functions (PostgreSQL); ``executor``
    is a schema editor (migrations taking a check away) or a cursor."""
    for event in _TRANSITION:
        trig = f"{name}_{event.lower()}"
        executor.execute(f"DROP TRIGGER IF EXISTS {trig} ON {table}")
        executor.execute(f"DROP FUNCTION IF EXISTS {trig}_fn()")


def _install_statement_triggers(cursor, table, name, checks, message) -> None:
    # the row-level trigger and function of earlier versions
    cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
    cursor.execute(f"DROP FUNCTION IF EXISTS {name}_fn()")
    drop_statement_triggers(cursor, table, name)
    for event, referencing in _TRANSITION.items():
        # NEW.col / OLD.col of a row trigger: columns of the transition table's rows
        tests = [
            f"EXISTS (SELECT 1 FROM {row.lower()}_rows r WHERE "
            + re.sub(rf"\b{row}\.", "r.", cond)
            + ")"
            for ev, row, cond in checks
            if ev == event
        ]
        if not tests:
            continue
        trig = f"{name}_{event.lower()}"
        cursor.execute(
            f"CREATE OR REPLACE FUNCTION {trig}_fn() RETURNS trigger AS $$ "
            f"BEGIN IF {' OR '.join(tests)} THEN RAISE EXCEPTION '{message}' "
            "USING ERRCODE = 'check_violation'; END IF; RETURN NULL; END; "
            "$$ LANGUAGE plpgsql"
        )
        cursor.execute(
            f"CREATE TRIGGER {trig} AFTER {event} ON {table} {referencing} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {trig}_fn()"
        )
