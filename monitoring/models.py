"""What happened: yearly realizations of indicators, with notes, deviation reasons and
evidence, and who entered them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from plans.models import Figure, Indicator


def evidence_path(instance, filename: str) -> str:
    return f"evidence/{instance.indicator_id}/{instance.year}/{filename}"


class RealizationQuerySet(models.QuerySet):
    def for_plan(self, plan):
        return self.filter(indicator__activity__theme__plan=plan)


class Realization(Figure):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Taslak")
        SUBMITTED = "submitted", _("Gönderildi")
        APPROVED = "approved", _("Onaylandı")
        RETURNED = "returned", _("İade edildi")

    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.CASCADE,
        related_name="realizations",
        verbose_name=_("gösterge"),
    )
    milestone_done = models.BooleanField(
        _("aşama tamamlandı"),
        null=True,
        blank=True,
        help_text=_("Metin hedefli göstergelerde elle işaretlenir."),
    )
    note = models.TextField(_("açıklama"), blank=True)
    note_internal = models.BooleanField(_("açıklama yalnızca kurum içi"), default=False)
    deviation_reason = models.TextField(_("sapma nedeni"), blank=True)
    evidence_file = models.FileField(
        _("kanıt dosyası"), upload_to=evidence_path, blank=True, max_length=300
    )
    evidence_url = models.URLField(_("kanıt bağlantısı"), blank=True, max_length=500)
    status = models.CharField(_("onay durumu"), max_length=10, choices=Status, default=Status.DRAFT)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("giren"),
    )
    entered_at = models.DateTimeField(_("girilme"), auto_now_add=True)
    updated_at = models.DateTimeField(_("güncellenme"), auto_now=True)

    objects = RealizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("gerçekleşme")
        verbose_name_plural = _("gerçekleşmeler")
        ordering = ["year", "group__position"]
        constraints = [
            Figure.state_constraint("realization"),
            models.UniqueConstraint(
                fields=["indicator", "year"],
                condition=Q(group__isnull=True),
                name="realization_unique_indicator_year",
            ),
            models.UniqueConstraint(
                fields=["indicator", "year", "group"],
                condition=Q(group__isnull=False),
                name="realization_unique_indicator_year_group",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.raw_text or self.value}"
