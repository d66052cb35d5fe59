"""The realization form of the admin: one "Gerçekleşme" box read like a spreadsheet
cell ("987", "%8,2", "-", "50 Kadın 50 Erkek"), the closed-year rule, and a version
that tells the second of two people editing the same figure."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from plans.models import FigureState, ValueType
from plans.text import parse_figure

from .models import Realization, ReportingYear


class RealizationForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    evidence_url = forms.URLField(
        label=_("Kanıt bağlantısı"), required=False, max_length=500, assume_scheme="https"
    )

    class Meta:
        model = Realization
        fields = [
            "indicator",
            "year",
            "group",
            "raw_text",
            "milestone_done",
            "deviation_reason",
            "note",
            "note_internal",
            "evidence_file",
            "evidence_url",
            "version",
        ]
        labels = {"raw_text": _("Gerçekleşme")}
        help_texts = {"raw_text": _("Sayı (987, 1.234, %8,2), uygulanmıyorsa “-”.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        indicator = cleaned.get("indicator") or getattr(self.instance, "indicator", None)
        year = cleaned.get("year")
        if indicator is None or year is None:
            return cleaned
        plan = indicator.activity.theme.plan
        if year not in plan.years:
            self.add_error(
                "year",
                _("%(year)s yılı planın dönemi (%(a)s-%(b)s) dışında.")
                % {"year": year, "a": plan.first_year, "b": plan.last_year},
            )
        closed = ReportingYear.objects.filter(plan=plan, is_closed=True)
        if closed.filter(year=year).exists() or (
            self.instance.pk and closed.filter(year=self.instance.year).exists()
        ):
            raise forms.ValidationError(
                _("%(year)s yılı kapatılmış: bu yılın gerçekleşmeleri değiştirilemez.")
                % {"year": year}
            )
        parsed = parse_figure(cleaned.get("raw_text", ""))
        if parsed.state == FigureState.TEXT and indicator.value_type != ValueType.MILESTONE:
            self.add_error("raw_text", _("“%(v)s” bir sayı değil.") % {"v": parsed.raw})
        elif parsed.groups and not cleaned.get("group"):
            self.add_error(
                "raw_text",
                _(
                    "Gruplara ayrılmış değeri yıllık giriş sayfasından "
                    "girin ya da grup seçip tek sayı yazın."
                ),
            )
        elif parsed.value is not None and parsed.value < 0:
            self.add_error("raw_text", _("Gerçekleşme eksi olamaz."))
        self.parsed = parsed
        if self.instance.pk:
            current = (
                Realization.objects.filter(pk=self.instance.pk)
                .values_list("version", "raw_text")
                .first()
            )
            seen = cleaned.get("version")
            if current is not None and seen is not None and current[0] != seen:
                raise forms.ValidationError(
                    _(
                        "Bu gerçekleşme siz düzenlerken başka biri tarafından değiştirildi "
                        "(şimdiki değer: “%(v)s”). Değişikliğiniz kaydedilmedi; sayfayı "
                        "yenileyip yeniden deneyin."
                    )
                    % {"v": current[1]}
                )
        return cleaned

    def save(self, commit=True):
        obj = super().save(commit=False)
        parsed = getattr(self, "parsed", None)
        if parsed is not None:
            obj.state = parsed.state
            obj.value = parsed.value if parsed.state == FigureState.VALUE else None
            obj.raw_text = parsed.raw
        if obj.pk:
            obj.version = (self.cleaned_data.get("version") or obj.version) + 1
        if commit:
            obj.save()
        return obj


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("İade açıklaması"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Müdürlük bu açıklamayı görür."),
    )
