"""What happened: yearly realizations of indicators, with notes, deviation reasons and
evidence, and who entered them."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from plans.models import Figure, Indicator


def evidence_path(instance, filename: str) -> str:
    return f"private/evidence/{instance.indicator_id}/{instance.year}/{filename}"


def validate_evidence_size(file) -> None:
    limit = settings.EVIDENCE_MAX_BYTES
    if file.size > limit:
        raise ValidationError(
            _("Kanıt dosyası çok büyük: %(size).1f MB; sınır %(limit).1f MB.")
            % {"size": file.size / 1048576, "limit": limit / 1048576}
        )


def validate_evidence_type(file) -> None:
    FileExtensionValidator(settings.EVIDENCE_EXTENSIONS)(file)


class RealizationQuerySet(models.QuerySet):
    def for_plan(self, plan):
        return self.filter(plan=plan)


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
    # the indicator's plan, kept by the database (monitoring.triggers OWNER_COLUMNS)
    plan = models.ForeignKey(
        "plans.Plan",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        editable=False,
        db_index=False,
        related_name="+",
        verbose_name=_("plan"),
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
        _("kanıt dosyası"),
        upload_to=evidence_path,
        blank=True,
        max_length=300,
        validators=[validate_evidence_type, validate_evidence_size],
        help_text=_("PDF, resim, Excel ya da Word; en çok 10 MB. Yalnızca yetkililer görür."),
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
    return_comment = models.TextField(_("İade açıklaması"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("İnceleyen"),
    )
    reviewed_at = models.DateTimeField(_("İnceleme"), null=True, blank=True)
    version = models.PositiveIntegerField(
        _("sürüm"), default=1, help_text=_("Aynı anda düzenlemeyi fark etmek için.")
    )

    objects = RealizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("gerçekleşme")
        verbose_name_plural = _("gerçekleşmeler")
        ordering = ["year", "group__position"]
        permissions = [
            ("submit_realization", _("Gerçekleşmeyi onaya gönderebilir")),
            ("approve_realization", _("Gerçekleşmeyi onaylayabilir ya da iade edebilir")),
            ("close_year", _("Yılı kapatıp yeniden açabilir")),
        ]
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
        indexes = [
            models.Index(fields=["plan", "year"], name="realization_plan_year"),
            # the platform administrator's list, the nation in this order
            models.Index(fields=["-year", "plan", "indicator", "id"], name="realization_list"),
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.raw_text or self.value}"


class ReportingYear(models.Model):
    """A plan's year as the equality unit closes and reopens it. No row: the year is
    open. While closed, no realization of that year can change (a database trigger)."""

    plan = models.ForeignKey(
        "plans.Plan",
        on_delete=models.CASCADE,
        related_name="reporting_years",
        verbose_name=_("plan"),
    )
    year = models.PositiveSmallIntegerField(_("yıl"))
    is_closed = models.BooleanField(_("kapalı"), default=False)
    changed_at = models.DateTimeField(_("değişiklik"), auto_now=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("değiştiren"),
    )

    class Meta:
        verbose_name = _("raporlama yılı")
        verbose_name_plural = _("raporlama yılları")
        constraints = [
            models.UniqueConstraint(fields=["plan", "year"], name="reporting_year_unique"),
        ]

    def __str__(self) -> str:
        state = _("kapalı") if self.is_closed else _("açık")
        return f"{self.plan} {self.year} ({state})"


class YearEvent(models.Model):
    """Closing and reopening a year: who, when, why. Kept for good."""

    class Action(models.TextChoices):
        CLOSED = "closed", _("Yıl onaylandı ve kapatıldı")
        REOPENED = "reopened", _("Yıl yeniden açıldı")

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("yıl"))
    action = models.CharField(_("İşlem"), max_length=10, choices=Action)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("kullanıcı"),
    )
    at = models.DateTimeField(_("zaman"), auto_now_add=True)
    note = models.TextField(_("not"), blank=True)

    class Meta:
        verbose_name = _("yıl kaydı")
        verbose_name_plural = _("yıl kayıtları")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.plan} {self.year}: {self.get_action_display()}"


class FigureChange(models.Model):
    """The audit trail: every change to a target or a realization, old and new."""

    class Kind(models.TextChoices):
        TARGET = "target", _("Hedef")
        REALIZATION = "realization", _("Gerçekleşme")
        BUDGET = "budget", _("Bütçe")

    kind = models.CharField(_("tür"), max_length=12, choices=Kind)
    # The figure's owners: SET_NULL, so deleting an indicator, an activity or a plan keeps
    # what happened to its figures; the labels below make a row readable alone.
    plan = models.ForeignKey(
        "plans.Plan",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("plan"),
    )
    # the plan's municipality, kept by the database; stays when the plan is deleted
    municipality = models.ForeignKey(
        "plans.Municipality",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        db_index=False,
        related_name="+",
        verbose_name=_("belediye"),
    )
    indicator = models.ForeignKey(
        "plans.Indicator",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gösterge"),
    )
    activity = models.ForeignKey(
        "plans.Activity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("faaliyet"),
    )
    year = models.PositiveSmallIntegerField(_("yıl"))
    group = models.ForeignKey(
        "plans.Group",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("grup"),
    )
    plan_title = models.CharField(_("plan adı"), max_length=300, blank=True)
    activity_code = models.CharField(_("faaliyet kodu"), max_length=40, blank=True)
    indicator_name = models.CharField(_("gösterge adı"), max_length=500, blank=True)
    group_label = models.CharField(_("gruplar"), max_length=300, blank=True)
    old_text = models.CharField(_("eski değer"), max_length=500, blank=True)
    new_text = models.CharField(_("yeni değer"), max_length=500, blank=True)
    # a realization's approval state before and after (a target has none): shown with
    # its Turkish label ("Onaylandı"), stored as the code ("approved")
    old_status = models.CharField(
        _("eski durum"), max_length=10, blank=True, choices=Realization.Status
    )
    new_status = models.CharField(
        _("yeni durum"), max_length=10, blank=True, choices=Realization.Status
    )
    reason = models.TextField(_("gerekçe"), blank=True)
    source = models.CharField(_("nereden"), max_length=30, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("kullanıcı"),
    )
    at = models.DateTimeField(_("zaman"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("değişiklik kaydı")
        verbose_name_plural = _("değişiklik kayıtları")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["plan", "-at"], name="figurechange_plan_at"),
            models.Index(fields=["municipality", "-at", "-id"], name="figurechange_mun_at"),
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.old_text or '∅'} → {self.new_text or '∅'}"


class ActivityBudget(models.Model):
    """An activity's planned and actual budget of one year, in Turkish lira, with the
    budget code of the municipality's performance programme (seed 000 §3.1.4: analyse the
    budget by gender). Written by monitoring.budgets only; the texts as typed are kept."""

    activity = models.ForeignKey(
        "plans.Activity",
        on_delete=models.CASCADE,
        related_name="budgets",
        verbose_name=_("faaliyet"),
    )
    year = models.PositiveSmallIntegerField(_("yıl"))
    planned = models.DecimalField(
        _("planlanan bütçe (TL)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    actual = models.DecimalField(
        _("harcanan bütçe (TL)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    code = models.CharField(
        _("bütçe kodu"),
        max_length=60,
        blank=True,
        help_text=_("Performans programındaki kodu (varsa)."),
    )
    planned_raw = models.CharField(_("planlanan (yazıldığı gibi)"), max_length=100, blank=True)
    actual_raw = models.CharField(_("harcanan (yazıldığı gibi)"), max_length=100, blank=True)
    updated_at = models.DateTimeField(_("güncellenme"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("güncelleyen"),
    )

    class Meta:
        verbose_name = _("faaliyet bütçesi")
        verbose_name_plural = _("faaliyet bütçeleri")
        ordering = ["activity", "year"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "year"], name="budget_unique_year"),
            models.CheckConstraint(
                condition=Q(planned__isnull=True) | Q(planned__gte=0),
                name="budget_planned_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(actual__isnull=True) | Q(actual__gte=0),
                name="budget_actual_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.planned_raw or self.planned} / {self.actual_raw or self.actual}"
