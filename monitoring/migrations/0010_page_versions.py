from django.db import migrations

from monitoring.triggers import ADDED_IN_0010
from plans.dbtriggers import InstallTriggers


class Migration(migrations.Migration):
    """The data version follows what the cached pages show beyond the plan's own figures:
    the gender profile, budgets, the figures of the plans a plan continues; and budgets
    keep the figures' year rules (the plan's period, closed years)."""

    dependencies = [
        ("monitoring", "0009_figure_owners"),
        ("plans", "0008_target_plan"),
    ]

    operations = [InstallTriggers(ADDED_IN_0010)]
