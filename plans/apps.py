from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Eylem planları")

    def ready(self) -> None:
        from . import lookups  # noqa: F401  (registers the Turkish-folding lookup)
