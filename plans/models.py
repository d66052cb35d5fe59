"""What was promised: plan > theme > goal > (strategy) > activity > indicator > target.

Codes are not keys (real plans repeat and skip them): every level has its own position
inside its parent, and codes are unique only where the real plans have them unique.
Targets are per indicator (or, where the source gives them so, per activity), per year
and optionally per group of people, and keep the cell's raw text.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# the local gender profile's models live in their own module
from .gender_profile import (  # noqa: F401
    IndicatorProfileLink,
    ProfileFigure,
    ProfileMeasure,
    ProfileQuantity,
)
from .users import UserProfile  # noqa: F401
from .versions import DataVersion  # noqa: F401


class Municipality(models.Model):
    name = models.CharField(_("ad"), max_length=200, unique=True)
    slug = models.SlugField(_("kısa ad"), max_length=80, unique=True)

    class Meta:
        verbose_name = _("belediye")
        verbose_name_plural = _("belediyeler")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """An internal directorate or an external partner organisation."""

    class Kind(models.TextChoices):
        INTERNAL = "internal", _("Belediye birimi")
        EXTERNAL = "external", _("Dış paydaş")
        COLLECTIVE = "collective", _("Toplu ifade (ör. Tüm Müdürlükler)")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="units", verbose_name=_("belediye")
    )
    name = models.CharField(_("ad"), max_length=300)
    kind = models.CharField(_("tür"), max_length=20, choices=Kind, default=Kind.INTERNAL)
    key = models.CharField(
        _("eşleştirme anahtarı"),
        max_length=300,
        editable=False,
        help_text=_("Küçük harfe çevrilmiş, kısaltmaları açılmış ad."),
    )
    contact_emails = models.TextField(
        _("İletişim e-postaları"), blank=True, help_text=_("Her satıra bir adres.")
    )

    class Meta:
        verbose_name = _("birim")
        verbose_name_plural = _("birimler")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "key"], name="unit_unique_key"),
            models.CheckConstraint(condition=~Q(key=""), name="unit_key_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        from .unit_names import unit_key

        self.key = unit_key(self.name)
        super().save(*args, **kwargs)

    @property
    def emails(self) -> list[str]:
        return [e.strip() for e in self.contact_emails.replace(",", "\n").splitlines() if e.strip()]


class UnitAlias(models.Model):
    """Another spelling of a unit ("Sosyal Destek Hiz. Müd.", "SDHM")."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="aliases")
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, editable=False)
    alias = models.CharField(_("yazılış"), max_length=300)
    key = models.CharField(max_length=300, editable=False)

    class Meta:
        verbose_name = _("birim için başka yazılış")
        verbose_name_plural = _("başka yazılışlar")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "key"], name="unit_alias_unique_key"),
        ]

    def __str__(self) -> str:
        return self.alias

    def save(self, *args, **kwargs):
        from .unit_names import unit_key

        self.key = unit_key(self.alias)
        self.municipality_id = self.unit.municipality_id
        super().save(*args, **kwargs)


class Group(models.Model):
    """A group of people a figure can be broken down by (women, girls, disabled men...)."""

    class Sex(models.TextChoices):
        FEMALE = "female", _("Kadın")
        MALE = "male", _("Erkek")
        ANY = "", _("Belirtilmemiş")

    class AgeBand(models.TextChoices):
        CHILD = "child", _("Çocuk")
        YOUTH = "youth", _("Genç")
        ADULT = "adult", _("Yetişkin")
        ELDERLY = "elderly", _("Yaşlı")
        ANY = "", _("Belirtilmemiş")

    code = models.SlugField(_("kod"), max_length=40, unique=True)
    name = models.CharField(_("ad"), max_length=100, unique=True)
    sex = models.CharField(_("cinsiyet"), max_length=10, choices=Sex, blank=True, default="")
    age_band = models.CharField(
        _("yaş grubu"), max_length=10, choices=AgeBand, blank=True, default=""
    )
    disability = models.BooleanField(_("engelli"), default=False)
    aliases = models.TextField(
        _("yazılışlar"), blank=True, help_text=_("Hücrelerde geçen adları, her satıra bir tane.")
    )
    position = models.PositiveSmallIntegerField(_("sıra"), default=0)

    class Meta:
        verbose_name = _("kişi grubu")
        verbose_name_plural = _("kişi grupları")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Plan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Taslak")
        APPROVED = "approved", _("Onaylandı")
        IN_FORCE = "in_force", _("Yürürlükte")
        COMPLETED = "completed", _("Tamamlandı")
        ARCHIVED = "archived", _("Arşivlendi")

    class Kind(models.TextChoices):
        """How a plan follows its predecessor (plans.generations makes both)."""

        FIRST = "", _("İlk plan")
        REVISION = "revision", _("Yeni sürüm (aynı planın revizyonu)")
        NEXT = "next", _("Sonraki dönem planı")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="plans", verbose_name=_("belediye")
    )
    title = models.CharField(_("başlık"), max_length=300)
    first_year = models.PositiveSmallIntegerField(_("İlk yıl"))
    last_year = models.PositiveSmallIntegerField(_("son yıl"))
    version = models.PositiveSmallIntegerField(_("sürüm"), default=1)
    status = models.CharField(_("durum"), max_length=20, choices=Status, default=Status.DRAFT)
    council_decision_date = models.DateField(_("meclis karar tarihi"), null=True, blank=True)
    council_decision_number = models.CharField(_("meclis karar no"), max_length=50, blank=True)
    # the line of generations: the plan this one revises or follows (same municipality,
    # no cycle: plans.triggers.PLAN_LINEAGE)
    predecessor = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="successors",
        verbose_name=_("önceki plan"),
    )
    kind = models.CharField(
        _("önceki plana göre"), max_length=10, choices=Kind, blank=True, default=Kind.FIRST
    )
    theme_label = models.CharField(_("tema düzeyinin adı"), max_length=40, default="Tema")
    goal_label = models.CharField(_("hedef düzeyinin adı"), max_length=40, default="Hedef")
    strategy_label = models.CharField(
        _("strateji düzeyinin adı"), max_length=40, blank=True, default="Strateji"
    )
    activity_label = models.CharField(
        _("faaliyet düzeyinin adı"), max_length=40, default="Faaliyet"
    )
    is_public = models.BooleanField(
        _("herkese açık"), default=False, help_text=_("Gösterge paneli giriş yapmadan görülür.")
    )
    source_note = models.TextField(_("kaynak notu"), blank=True)
    created_at = models.DateTimeField(_("oluşturulma"), auto_now_add=True)
    updated_at = models.DateTimeField(_("güncellenme"), auto_now=True)

    class Meta:
        verbose_name = _("eylem planı")
        verbose_name_plural = _("eylem planları")
        ordering = ["municipality__name", "-first_year", "-version"]
        constraints = [
            models.CheckConstraint(
                condition=Q(first_year__lte=F("last_year")), name="plan_years_ordered"
            ),
            models.CheckConstraint(
                condition=Q(first_year__gte=2000, last_year__lte=2100), name="plan_years_sane"
            ),
            models.UniqueConstraint(
                fields=["municipality", "title", "version"], name="plan_unique_version"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["", "revision", "next"]), name="plan_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(predecessor__isnull=True) | ~Q(kind=""),
                name="plan_predecessor_has_kind",
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=F("pk")), name="plan_not_own_predecessor"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.first_year}-{self.last_year})"

    def get_absolute_url(self) -> str:
        return reverse("monitoring:overview", args=[self.pk])

    @property
    def heading(self) -> str:
        """The title with the municipality named once (reports, e-mails, pickers)."""
        from .text import plan_heading

        return plan_heading(self.municipality.name, self.title)

    @property
    def years(self) -> list[int]:
        return list(range(self.first_year, self.last_year + 1))


class Theme(models.Model):
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="themes", verbose_name=_("plan")
    )
    code = models.CharField(_("kod"), max_length=20, blank=True)
    title = models.CharField(_("başlık"), max_length=500)
    position = models.PositiveIntegerField(_("sıra"))

    class Meta:
        verbose_name = _("tema")
        verbose_name_plural = _("temalar")
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="theme_unique_position"),
            models.UniqueConstraint(
                fields=["plan", "code"], condition=~Q(code=""), name="theme_unique_code"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}" if self.code else self.title


class Goal(models.Model):
    theme = models.ForeignKey(
        Theme, on_delete=models.CASCADE, related_name="goals", verbose_name=_("tema")
    )
    code = models.CharField(_("kod"), max_length=20, blank=True)
    title = models.TextField(_("başlık"))
    position = models.PositiveIntegerField(_("sıra"))

    class Meta:
        verbose_name = _("hedef")
        verbose_name_plural = _("hedefler")
        ordering = ["theme", "position"]
        constraints = [
            models.UniqueConstraint(fields=["theme", "position"], name="goal_unique_position"),
            models.UniqueConstraint(
                fields=["theme", "code"], condition=~Q(code=""), name="goal_unique_code"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}".strip()


class Strategy(models.Model):
    """The optional level below a goal (Büyükçekmece's STRATEJİ, Narlıdere's HEDEF)."""

    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, related_name="strategies", verbose_name=_("hedef")
    )
    code = models.CharField(_("kod"), max_length=20, blank=True)
    title = models.TextField(_("başlık"))
    position = models.PositiveIntegerField(_("sıra"))

    class Meta:
        verbose_name = _("strateji")
        verbose_name_plural = _("stratejiler")
        ordering = ["goal", "position"]
        constraints = [
            models.UniqueConstraint(fields=["goal", "position"], name="strategy_unique_position"),
            models.UniqueConstraint(
                fields=["goal", "code"], condition=~Q(code=""), name="strategy_unique_code"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}".strip()


class ActivityQuerySet(models.QuerySet):
    def for_plan(self, plan):
        return self.filter(theme__plan=plan)


class Activity(models.Model):
    class Timing(models.TextChoices):
        SHORT = "short", _("Kısa vade")
        MEDIUM = "medium", _("Orta vade")
        LONG = "long", _("Uzun vade")
        RANGE = "range", _("Yıl aralığı")
        UNSET = "", _("Belirtilmemiş")

    theme = models.ForeignKey(
        Theme, on_delete=models.CASCADE, related_name="activities", verbose_name=_("tema")
    )
    goal = models.ForeignKey(
        Goal,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("hedef"),
    )
    strategy = models.ForeignKey(
        Strategy,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("strateji"),
    )
    code = models.CharField(_("kod"), max_length=30, blank=True)
    position = models.PositiveIntegerField(
        _("sıra"), help_text=_("Plandaki sırası; koddan bağımsızdır.")
    )
    title = models.TextField(_("faaliyet"))
    timing = models.CharField(_("zamanlama"), max_length=10, choices=Timing, blank=True, default="")
    start_year = models.PositiveSmallIntegerField(_("başlangıç yılı"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("bitiş yılı"), null=True, blank=True)
    timing_raw = models.CharField(_("zamanlama (kaynak metni)"), max_length=200, blank=True)
    responsible_units = models.ManyToManyField(
        Unit, blank=True, related_name="responsible_for", verbose_name=_("sorumlu birimler")
    )
    partner_units = models.ManyToManyField(
        Unit, blank=True, related_name="partner_in", verbose_name=_("destekçi/işbirliği")
    )
    responsible_raw = models.TextField(_("sorumlu birim (kaynak metni)"), blank=True)
    partners_raw = models.TextField(_("destekçi kurum/kuruluş (kaynak metni)"), blank=True)
    continues = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="continued_by",
        verbose_name=_("önceki plandaki karşılığı"),
    )

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("faaliyet")
        verbose_name_plural = _("faaliyetler")
        ordering = ["theme__plan", "theme__position", "position"]
        constraints = [
            models.UniqueConstraint(fields=["theme", "position"], name="activity_unique_position"),
            models.CheckConstraint(
                condition=Q(start_year__isnull=True)
                | Q(end_year__isnull=True)
                | Q(start_year__lte=F("end_year")),
                name="activity_years_ordered",
            ),
            models.CheckConstraint(
                condition=Q(strategy__isnull=True) | Q(goal__isnull=False),
                name="activity_strategy_needs_goal",
            ),
        ]
        indexes = [models.Index(fields=["code"])]

    def __str__(self) -> str:
        return f"{self.code} {self.title}".strip()[:120]


class ValueType(models.TextChoices):
    COUNT = "count", _("Sayı")
    PERCENT = "percent", _("Yüzde")
    DECIMAL = "decimal", _("Ondalıklı sayı")
    MILESTONE = "milestone", _("Metin (aşama)")


class Indicator(models.Model):
    class Accumulation(models.TextChoices):
        PER_YEAR = "per_year", _("Her yıl ayrı sayılır")
        LEVEL = "level", _("Süregelen düzey (kümülatif)")

    class Direction(models.TextChoices):
        INCREASE = "increase", _("Artış")
        DECREASE = "decrease", _("Azalış")
        KEEP = "keep", _("Koruma")

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("faaliyet")
    )
    position = models.PositiveIntegerField(_("sıra"))
    name = models.TextField(_("gösterge"))
    unit_of_measure = models.CharField(_("ölçü birimi"), max_length=40, blank=True)
    value_type = models.CharField(
        _("değer türü"), max_length=10, choices=ValueType, default=ValueType.COUNT
    )
    accumulation = models.CharField(
        _("birikim"), max_length=10, choices=Accumulation, default=Accumulation.PER_YEAR
    )
    direction = models.CharField(
        _("İstenen yön"), max_length=10, choices=Direction, default=Direction.INCREASE
    )
    baseline_value = models.DecimalField(
        _("mevcut değer"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    baseline_raw = models.CharField(_("mevcut (kaynak metni)"), max_length=300, blank=True)
    continues = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="continued_by",
        verbose_name=_("önceki plandaki karşılığı"),
        help_text=_("Bu göstergenin sürdürdüğü, önceki plandaki gösterge."),
    )
    counts_people = models.BooleanField(
        _("kişi sayar"),
        default=False,
        help_text=_(
            "Gösterge kişileri sayıyor (kadın, erkek, çocuk, katılımcı…): rakamları "
            "“kime ulaşıldı” toplamlarına girer. Etkinlik, kurs, mahalle sayan gösterge "
            "kişi saymaz."
        ),
    )
    people_group = models.ForeignKey(
        Group,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("saydığı grup"),
        help_text=_(
            "Gösterge tek bir grubu sayıyorsa (ör. “eğitim alan kadın sayısı”): gruplara "
            "bölünmemiş rakamları bu grubun toplamına girer."
        ),
    )

    class Meta:
        verbose_name = _("gösterge")
        verbose_name_plural = _("göstergeler")
        ordering = [
            "activity__theme__plan",
            "activity__theme__position",
            "activity__position",
            "position",
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "position"], name="indicator_unique_position"
            ),
        ]

    def __str__(self) -> str:
        return self.name[:120]

    def clean(self) -> None:
        super().clean()
        if self.people_group_id and not self.counts_people:
            raise ValidationError(
                {"counts_people": _("Saydığı grup seçilen gösterge kişi sayar olmalı.")}
            )
        if self.counts_people and self.value_type not in (ValueType.COUNT, ValueType.DECIMAL):
            raise ValidationError(
                {"counts_people": _("Yalnızca sayı olan bir gösterge kişi sayabilir.")}
            )


class FigureState(models.TextChoices):
    VALUE = "value", _("Değer")
    NOT_APPLICABLE = "na", _("Uygulanmaz (-)")
    BLANK = "blank", _("Boş")
    TBD = "tbd", _("Belirlenecek")
    TEXT = "text", _("Metin (aşama)")


class Figure(models.Model):
    """A yearly number (target or realization) with the cell it came from."""

    year = models.PositiveSmallIntegerField(_("yıl"))
    group = models.ForeignKey(
        Group, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("grup")
    )
    state = models.CharField(
        _("durum"), max_length=10, choices=FigureState, default=FigureState.VALUE
    )
    value = models.DecimalField(_("değer"), max_digits=16, decimal_places=4, null=True, blank=True)
    raw_text = models.CharField(_("kaynak metni"), max_length=500, blank=True)

    class Meta:
        abstract = True

    @staticmethod
    def state_constraint(prefix: str) -> models.CheckConstraint:
        return models.CheckConstraint(
            condition=(Q(state=FigureState.VALUE) & Q(value__isnull=False))
            | (~Q(state=FigureState.VALUE) & Q(value__isnull=True)),
            name=f"{prefix}_value_iff_state_value",
        )


class Target(Figure):
    """A yearly target, for an indicator or (where the plan gives it so) for an activity."""

    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="targets",
        verbose_name=_("gösterge"),
    )
    activity = models.ForeignKey(
        Activity,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="activity_targets",
        verbose_name=_("faaliyet"),
        help_text=_("Yalnızca hedef göstergeye değil faaliyete verilmişse."),
    )
    # the plan the indicator or activity belongs to, kept by the database (filled on
    # insert, refused when wrong, following a move: monitoring.triggers OWNER_COLUMNS):
    # pages read a plan's targets through one index instead of two owner paths
    plan = models.ForeignKey(
        Plan,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        editable=False,
        db_index=False,
        related_name="+",
        verbose_name=_("plan"),
    )
    updated_at = models.DateTimeField(_("güncellenme"), auto_now=True)

    class Meta:
        verbose_name = _("yıllık hedef")
        verbose_name_plural = _("yıllık hedefler")
        ordering = ["year", "group__position"]
        constraints = [
            Figure.state_constraint("target"),
            models.CheckConstraint(
                condition=Q(indicator__isnull=True, activity__isnull=False)
                | Q(indicator__isnull=False, activity__isnull=True),
                name="target_indicator_xor_activity",
            ),
            models.UniqueConstraint(
                fields=["indicator", "year"],
                condition=Q(indicator__isnull=False, group__isnull=True),
                name="target_unique_indicator_year",
            ),
            models.UniqueConstraint(
                fields=["indicator", "year", "group"],
                condition=Q(indicator__isnull=False, group__isnull=False),
                name="target_unique_indicator_year_group",
            ),
            models.UniqueConstraint(
                fields=["activity", "year"],
                condition=Q(activity__isnull=False, group__isnull=True),
                name="target_unique_activity_year",
            ),
            models.UniqueConstraint(
                fields=["activity", "year", "group"],
                condition=Q(activity__isnull=False, group__isnull=False),
                name="target_unique_activity_year_group",
            ),
        ]
        indexes = [models.Index(fields=["plan", "year"], name="target_plan_year")]

    def __str__(self) -> str:
        return f"{self.year}: {self.raw_text or self.value}"
