from django.db import migrations

from monitoring.roles import ROLE_PERMISSIONS
from plans.dbtriggers import drop_sql

CLOSED = (
    "EXISTS (SELECT 1 FROM monitoring_reportingyear ry "
    "JOIN plans_theme t ON t.plan_id = ry.plan_id "
    "JOIN plans_activity a ON a.theme_id = t.id "
    "JOIN plans_indicator i ON i.activity_id = a.id "
    "WHERE i.id = {row}.indicator_id AND ry.year = {row}.year AND ry.is_closed)"
)
MESSAGE = "closed_year: bu yıl kapatılmış; gerçekleşmeler değiştirilemez"


def closed_year_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            f"""
            CREATE OR REPLACE FUNCTION realization_closed_year_fn() RETURNS trigger AS $$
            BEGIN
              IF (TG_OP IN ('UPDATE', 'DELETE') AND {CLOSED.format(row="OLD")})
                 OR (TG_OP IN ('INSERT', 'UPDATE') AND {CLOSED.format(row="NEW")}) THEN
                RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation';
              END IF;
              IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
              RETURN NEW;
            END;
            $$ LANGUAGE plpgsql;
            """
        )
        schema_editor.execute(
            "CREATE TRIGGER realization_closed_year BEFORE INSERT OR UPDATE OR DELETE "
            "ON monitoring_realization FOR EACH ROW EXECUTE FUNCTION realization_closed_year_fn();"
        )
    elif vendor == "sqlite":
        for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("UPDATE", "OLD"),
                           ("DELETE", "OLD")):
            name = f"realization_closed_year_{event.lower()}_{row.lower()}"
            schema_editor.execute(
                f"CREATE TRIGGER {name} BEFORE {event} ON monitoring_realization "
                f"WHEN {CLOSED.format(row=row)} BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;"
            )


def drop_closed_year_trigger(apps, schema_editor):
    # every name the check has had, also those later trigger sets gave it
    for sql in drop_sql(schema_editor.connection.vendor, "monitoring_realization",
                         "realization_closed_year"):
        schema_editor.execute(sql, params=None)


def create_roles(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = []
        for app_label, codename in perms:
            wanted.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(wanted)


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0003_workflow_audit"),
        ("plans", "0002_triggers_and_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(closed_year_trigger, drop_closed_year_trigger),
        migrations.RunPython(create_roles, migrations.RunPython.noop),
    ]
