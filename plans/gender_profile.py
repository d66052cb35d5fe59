"""The local gender profile: context statistics by sex that describe the municipality
(not the plan's promises nor its realizations): population (also by neighbourhood),
council members, muhtars, staff, managers... per municipality and year.

A ``ProfileMeasure`` says what is counted (a shared list, as the groups of people are);
a ``ProfileFigure`` holds one count of women and men for a municipality, a year, a
measure and an optional part of it (``area``: a neighbourhood for the population, a
title such as "Müdür" for the managers; empty for the whole municipality), with its
source and the text it was read from. The database refuses negative counts, a second
figure for the same municipality/year/measure/area and a total that is not women + men.
An ``IndicatorProfileLink`` says that an indicator measures what a measure counts: the
profile's figure is then offered as the indicator's baseline (``proposed_baseline``).
The public plan page reads ``profile_summary`` (monitoring/templatetags/gender_profile).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .text import tr_int

FIRST_YEAR, LAST_YEAR = 1900, 2100


class ProfileQuantity(models.TextChoices):
    """Which number of a profile figure an indicator measures."""

    WOMEN = "women", _("Kadın sayısı")
    MEN = "men", _("Erkek sayısı")
    TOTAL = "total", _("Toplam")
    WOMEN_SHARE = "women_share", _("Kadınların payı (%)")


class ProfileMeasure(models.Model):
    code = models.SlugField(_("kod"), max_length=40, unique=True)
    name = models.CharField(_("ad"), max_length=150, unique=True)
    area_label = models.CharField(
        _("alt kırılımın adı"),
        max_length=60,
        blank=True,
        help_text=_("Rakamlar bir kısma ayrılıyorsa o kısmın adı: “Mahalle”, “Unvan”."),
    )
    position = models.PositiveSmallIntegerField(_("sıra"), default=0)

    class Meta:
        verbose_name = _("profil ölçüsü")
        verbose_name_plural = _("profil ölçüleri")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


def share(part: int, whole: int) -> Decimal | None:
    """``part`` as a percentage of ``whole``, two places (32.270 of 62.923 -> 51.28);
    None for a whole of zero."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP)


class ProfileFigureQuerySet(models.QuerySet):
    def of_municipality(self, municipality_id: int):
        return self.filter(municipality_id=municipality_id).select_related("measure")

    def whole(self, municipality_id: int, measure_id: int) -> dict[int, tuple[int, int]]:
        """{year: (women, men)} for the whole municipality: the figure without an area,
        else the sum of the year's parts (the managers are given by title only)."""
        whole: dict[int, tuple[int, int]] = {}
        parts: dict[int, tuple[int, int]] = {}
        rows = self.filter(municipality_id=municipality_id, measure_id=measure_id)
        for year, area, women, men in rows.values_list("year", "area", "women", "men"):
            if area:
                w, m = parts.get(year, (0, 0))
                parts[year] = (w + women, m + men)
            else:
                whole[year] = (women, men)
        return {**parts, **whole}


class ProfileFigure(models.Model):
    municipality = models.ForeignKey(
        "plans.Municipality",
        on_delete=models.CASCADE,
        related_name="profile_figures",
        verbose_name=_("belediye"),
    )
    year = models.PositiveSmallIntegerField(_("yıl"))
    measure = models.ForeignKey(
        ProfileMeasure,
        on_delete=models.PROTECT,
        related_name="figures",
        verbose_name=_("ölçü"),
    )
    area = models.CharField(
        _("kısım"),
        max_length=200,
        blank=True,
        default="",
        help_text=_("Boşsa belediyenin tamamı; doluysa bir mahalle ya da bir unvan."),
    )
    women = models.PositiveIntegerField(_("kadın"))
    men = models.PositiveIntegerField(_("erkek"))
    total = models.PositiveIntegerField(
        _("toplam"),
        null=True,
        blank=True,
        help_text=_("Kaynakta yazıyorsa; kadın ve erkek sayılarının toplamı olmalı."),
    )
    source = models.CharField(_("kaynak"), max_length=500, blank=True)
    raw_text = models.TextField(_("kaynak metni"), blank=True)
    updated_at = models.DateTimeField(_("güncellenme"), auto_now=True)

    objects = ProfileFigureQuerySet.as_manager()

    class Meta:
        verbose_name = _("profil rakamı")
        verbose_name_plural = _("yerel cinsiyet profili")
        ordering = ["municipality", "measure__position", "-year", "area"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "year", "measure", "area"],
                name="profilefigure_unique",
                violation_error_message=_(
                    "Bu belediyenin bu yıl ve kısım için bu ölçüde bir rakamı zaten var."
                ),
            ),
            models.CheckConstraint(
                condition=Q(women__gte=0, men__gte=0),
                name="profilefigure_counts_not_negative",
                violation_error_message=_("Kadın ve erkek sayıları eksi olamaz."),
            ),
            models.CheckConstraint(
                condition=Q(total__isnull=True) | Q(total=F("women") + F("men")),
                name="profilefigure_total_matches",
                violation_error_message=_(
                    "Toplam, kadın ve erkek sayılarının toplamı olmalı (ya da boş bırakılmalı)."
                ),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR, year__lte=LAST_YEAR),
                name="profilefigure_year_sane",
                violation_error_message=_("Yıl 1900 ile 2100 arasında olmalı."),
            ),
        ]

    def __str__(self) -> str:
        where = f" · {self.area}" if self.area else ""
        return f"{self.measure} {self.year}{where}"

    @property
    def people(self) -> int:
        return self.women + self.men

    @property
    def women_share(self) -> Decimal | None:
        return share(self.women, self.people)


class IndicatorProfileLink(models.Model):
    """An indicator that measures what a profile measure counts ("kadın meclis üyesi
    oranı"): the profile's figure is offered as its baseline."""

    indicator = models.OneToOneField(
        "plans.Indicator",
        on_delete=models.CASCADE,
        related_name="profile_link",
        verbose_name=_("gösterge"),
    )
    measure = models.ForeignKey(
        ProfileMeasure,
        on_delete=models.CASCADE,
        related_name="indicator_links",
        verbose_name=_("yerel profilde ölçtüğü"),
    )
    quantity = models.CharField(
        _("profildeki hangi sayı"),
        max_length=12,
        choices=ProfileQuantity,
        default=ProfileQuantity.WOMEN_SHARE,
    )

    class Meta:
        verbose_name = _("yerel profil bağlantısı")
        verbose_name_plural = _("yerel profil bağlantıları")

    def __str__(self) -> str:
        return f"{self.measure} · {self.get_quantity_display()}"


def proposed_baseline(link: IndicatorProfileLink) -> tuple[Decimal, str] | None:
    """The profile figure a linked indicator starts from: (value, text). The latest
    year up to the plan's first year (the situation before the plan), else the earliest
    year after it; the whole municipality (or the sum of its parts)."""
    plan = link.indicator.activity.theme.plan
    years = ProfileFigure.objects.whole(plan.municipality_id, link.measure_id)
    if not years:
        return None
    before = [y for y in years if y <= plan.first_year]
    year = max(before) if before else min(years)
    women, men = years[year]
    value = {
        ProfileQuantity.WOMEN: Decimal(women),
        ProfileQuantity.MEN: Decimal(men),
        ProfileQuantity.TOTAL: Decimal(women + men),
        ProfileQuantity.WOMEN_SHARE: share(women, women + men),
    }[link.quantity]
    if value is None:
        return None
    text = _("%(value)s (yerel profil, %(year)s: %(measure)s, %(women)s kadın / %(men)s erkek)")
    shown = (
        "%" + format(value.normalize(), "f").replace(".", ",")
        if link.quantity == ProfileQuantity.WOMEN_SHARE
        else tr_int(int(value))
    )
    return value, str(text) % {
        "value": shown,
        "year": year,
        "measure": link.measure.name,
        "women": tr_int(women),
        "men": tr_int(men),
    }


@dataclass
class MeasureSummary:
    """One measure of a municipality's profile as the public page shows it: its latest
    year (the whole municipality, or the sum of the parts), that year's parts, and the
    earlier years of the whole."""

    measure: ProfileMeasure
    year: int
    women: int
    men: int
    sources: list[str]
    parts: list[ProfileFigure] = field(default_factory=list)
    history: list[tuple[int, int, int]] = field(default_factory=list)  # (year, women, men)

    @property
    def people(self) -> int:
        return self.women + self.men

    @property
    def women_share(self) -> Decimal | None:
        return share(self.women, self.people)

    @property
    def men_share(self) -> Decimal | None:
        return share(self.men, self.people)


def profile_summary(municipality_id: int) -> list[MeasureSummary]:
    """The municipality's profile, measure by measure in the measures' order (one query)."""
    by_measure: dict[int, list[ProfileFigure]] = {}
    for f in ProfileFigure.objects.of_municipality(municipality_id).order_by(
        "measure__position", "measure__name", "-year", "pk"
    ):
        by_measure.setdefault(f.measure_id, []).append(f)
    summaries = []
    for figures in by_measure.values():
        years: dict[int, list[ProfileFigure]] = {}
        for f in figures:
            years.setdefault(f.year, []).append(f)
        totals = {}
        for year, rows in years.items():
            whole = [f for f in rows if not f.area]
            counted = whole or rows
            totals[year] = (sum(f.women for f in counted), sum(f.men for f in counted))
        latest = max(years)
        rows = years[latest]
        parts = sorted((f for f in rows if f.area), key=lambda f: -f.people)
        summaries.append(
            MeasureSummary(
                measure=figures[0].measure,
                year=latest,
                women=totals[latest][0],
                men=totals[latest][1],
                sources=list(dict.fromkeys(f.source for f in rows if f.source)),
                parts=parts,
                history=[(y, *totals[y]) for y in sorted(totals, reverse=True)],
            )
        )
    return summaries
