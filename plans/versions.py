"""The plan's data version: the dashboard's and the page cache's key."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DataVersion(models.Model):
    """A counter per plan that database triggers bump on every write to the plan's
    figures or structure (monitoring.triggers): the dashboard caches by it. No foreign
    key, so deleting a plan never races its triggers; nothing in Python writes it."""

    plan_id = models.BigIntegerField(primary_key=True)
    version = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("veri sürümü")
        verbose_name_plural = _("veri sürümleri")

    def __str__(self) -> str:
        return f"{self.plan_id}: {self.version}"

    @classmethod
    def of(cls, plan_id: int) -> int:
        return cls.objects.filter(plan_id=plan_id).values_list("version", flat=True).first() or 0
