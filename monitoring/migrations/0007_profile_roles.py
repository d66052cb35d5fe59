from django.db import migrations

from monitoring.roles import PROFILE_PERMISSIONS


def add_profile_permissions(apps, schema_editor):
    """The roles get the local gender profile's permissions (added, nothing else changed)."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, perms in PROFILE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        for app_label, codename in perms:
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0006_turkish_labels"),
        ("plans", "0005_gender_profile"),
    ]

    operations = [migrations.RunPython(add_profile_permissions, migrations.RunPython.noop)]
