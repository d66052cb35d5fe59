from django.db import migrations

from plans.dbtriggers import ACTIVITY_OF_INDICATOR, year_in_plan_trigger
from plans.text import DEFAULT_GROUPS


def seed_groups(apps, schema_editor):
    Group = apps.get_model("plans", "Group")
    for position, g in enumerate(DEFAULT_GROUPS, start=1):
        Group.objects.update_or_create(
            code=g["code"],
            defaults={
                "name": g["name"],
                "sex": g["sex"],
                "age_band": g["age_band"],
                "disability": g["disability"],
                "aliases": "\n".join(g["aliases"]),
                "position": position,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial")]

    operations = [
        year_in_plan_trigger(
            "plans_target",
            "target_year_in_plan",
            f"COALESCE(NEW.activity_id, {ACTIVITY_OF_INDICATOR})",
        ),
        migrations.RunPython(seed_groups, migrations.RunPython.noop),
    ]
