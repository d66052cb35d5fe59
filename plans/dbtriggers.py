"""Database triggers for the one invariant a CHECK constraint cannot express:
a target's or realization's year lies inside its plan's period (the plan is three
tables away). Used by migrations of both apps; SQLite and PostgreSQL flavours.
"""

from __future__ import annotations

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
        elif schema_editor.connection.vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}_ins;")
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}_upd;")

    return migrations.RunPython(forwards, backwards, elidable=False)
