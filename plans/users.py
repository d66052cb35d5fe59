"""Who a user works for."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class UserProfile(models.Model):
    """Which municipality (and unit) a user works for; none for platform administrators."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    municipality = models.ForeignKey(
        "plans.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("belediye"),
    )
    unit = models.ForeignKey(
        "plans.Unit", on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("birim")
    )

    class Meta:
        verbose_name = _("kullanıcı profili")
        verbose_name_plural = _("kullanıcı profilleri")

    def __str__(self) -> str:
        return str(self.user)
