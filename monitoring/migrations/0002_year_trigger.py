from django.db import migrations

from plans.dbtriggers import ACTIVITY_OF_INDICATOR, year_in_plan_trigger


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0001_initial"), ("plans", "0002_triggers_and_groups")]

    operations = [
        year_in_plan_trigger("monitoring_realization", "realization_year_in_plan",
                             ACTIVITY_OF_INDICATOR),
    ]
