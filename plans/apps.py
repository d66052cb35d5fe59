from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Eylem planları")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import lookups  # noqa: F401  (registers the Turkish-folding lookup)

        post_migrate.connect(_install_triggers, dispatch_uid="yeep_install_triggers")


def _install_triggers(sender, using="default", **kwargs):
    """Database triggers, installed again after every migrate (see plans.dbtriggers)."""
    if sender.name != "monitoring":
        return
    from django.db import connections

    from .dbtriggers import install_triggers

    install_triggers(connections[using])
    _ensure_reference_data(using)


def _ensure_reference_data(using: str) -> None:
    """The groups of people and the roles: created by migrations, and again after a
    flush (tests that use transactions empty every table)."""
    from monitoring.roles import ensure_roles

    from .models import Group
    from .text import DEFAULT_GROUPS

    existing = set(Group.objects.using(using).values_list("code", flat=True))
    for position, g in enumerate(DEFAULT_GROUPS, start=1):
        if g["code"] not in existing:
            Group.objects.using(using).create(
                code=g["code"],
                name=g["name"],
                sex=g["sex"],
                age_band=g["age_band"],
                disability=g["disability"],
                aliases="\n".join(g["aliases"]),
                position=position,
            )
    ensure_roles()
