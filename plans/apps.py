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
