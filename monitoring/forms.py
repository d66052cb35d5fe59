"""The realization form of the admin: one "Gerçekleşme" box read like a spreadsheet
cell ("987", "%8,2", "-", "50 Kadın 50 Erkek"), and the versions the user saw, so the
writer (monitoring.realizations) tells the second of two people editing the same cell."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from monitoring.excel.plan_build import figure_objects, group_aliases
from plans.models import FigureState, ValueType
from plans.text import parse_figure

from .audit import FigureRefused
from .models import Realization
from .realizations import RealizationChange, check_realizations, versions_of


class RealizationForm(forms.ModelForm):
    user = None  # set by the admin (get_form): the writer's rules are the user's
    seen_version = forms.CharField(widget=forms.HiddenInput, required=False)
    evidence_url = forms.URLField(
        label=_("Kanıt bağlantısı"), required=False, max_length=500, assume_scheme="https"
    )

    class Meta:
        model = Realization
        fields = [
            "indicator",
            "year",
            "raw_text",
            "milestone_done",
            "deviation_reason",
            "note",
            "note_internal",
            "evidence_file",
            "evidence_url",
        ]
        labels = {"raw_text": _("Gerçekleşme")}
        help_texts = {"raw_text": _("Sayı (987, 1.234, %8,2), uygulanmıyorsa “-”.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["seen_version"].initial = versions_of(
                list(
                    Realization.objects.filter(
                        indicator_id=self.instance.indicator_id, year=self.instance.year
                    )
                )
            )

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
        parsed = parse_figure(cleaned.get("raw_text", ""), group_aliases()[0])
        if parsed.state == FigureState.TEXT and indicator.value_type != ValueType.MILESTONE:
            self.add_error("raw_text", _("“%(v)s” bir sayı değil.") % {"v": parsed.raw})
        elif parsed.value is not None and parsed.value < 0:
            self.add_error("raw_text", _("Gerçekleşme eksi olamaz."))
        self.parsed = parsed
        if not self.errors:
            try:  # the writer's rules, shown beside the form
                check_realizations([self.cell_change(user=self.user)], user=self.user)
            except FigureRefused as exc:
                self.add_error(None, exc.messages)
            except PermissionDenied as exc:
                self.add_error(None, str(exc))
        return cleaned

    def cell_change(self, *, user) -> RealizationChange:
        """What the form asks of the figure's cell (indicator, year), for the writer."""
        indicator = self.cleaned_data.get("indicator") or self.instance.indicator
        year = self.cleaned_data.get("year") or self.instance.year
        old = list(
            Realization.objects.filter(indicator=indicator, year=year).select_related("group")
        )
        _aliases, groups = group_aliases()
        new = figure_objects(
            Realization, self.parsed, groups, indicator=indicator, year=year, entered_by=user
        )
        seen = self.cleaned_data.get("seen_version")
        return RealizationChange(
            indicator=indicator,
            old=old,
            new=new,
            deviation_reason=self.cleaned_data.get("deviation_reason", ""),
            note=self.cleaned_data.get("note", ""),
            milestone_done=self.cleaned_data.get("milestone_done"),
            seen_version=None if seen is None or not self.instance.pk else seen,
        )


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("İade açıklaması"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Müdürlük bu açıklamayı görür."),
    )
