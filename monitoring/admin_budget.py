"""The activity's budgets as an inline of its admin page, saved through
monitoring.budgets (the one writer): amounts typed the Turkish way, refusals shown on
the form, nothing stored half."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from plans import admin as plan_admin

from .audit import FigureRefused
from .budgets import BudgetChange, budgets_apply, check_budgets, parse_tl
from .models import ActivityBudget

SOURCE = "yönetim"


def _shown(value, raw: str) -> str:
    if raw:
        return raw
    return "" if value is None else format(value.normalize(), "f")


class BudgetForm(forms.ModelForm):
    planned_text = forms.CharField(label=_("Planlanan (TL)"), required=False, max_length=100)
    actual_text = forms.CharField(label=_("Harcanan (TL)"), required=False, max_length=100)

    class Meta:
        model = ActivityBudget
        fields = ["year", "planned_text", "actual_text", "code"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        b = self.instance
        if b.pk:
            self.initial["planned_text"] = _shown(b.planned, b.planned_raw)
            self.initial["actual_text"] = _shown(b.actual, b.actual_raw)

    def clean(self):
        data = super().clean()
        for name, label in (("planned_text", _("Planlanan")), ("actual_text", _("Harcanan"))):
            try:
                parse_tl(data.get(name), label=str(label))
            except FigureRefused as exc:
                self.add_error(name, exc.messages[0])
        return data


class BudgetFormSet(forms.BaseInlineFormSet):
    user = None

    def changes(self) -> list[BudgetChange]:
        found = []
        for form in self.forms:
            if not form.has_changed() and form not in self.deleted_forms:
                continue
            data = form.cleaned_data
            if not data or not data.get("year"):
                continue
            deleted = form in self.deleted_forms
            if form.instance.pk and data["year"] != form.instance.year:
                found.append(BudgetChange(self.instance.pk, form.instance.year, "", "", ""))
            found.append(
                BudgetChange(
                    activity_id=self.instance.pk,
                    year=data["year"],
                    planned="" if deleted else data.get("planned_text") or "",
                    actual="" if deleted else data.get("actual_text") or "",
                    code="" if deleted else data.get("code") or "",
                )
            )
        return found

    def clean(self):
        super().clean()
        if any(self.errors) or not self.instance.pk:
            return
        try:
            check_budgets(self.changes(), user=self.user)
        except (FigureRefused, PermissionDenied) as exc:
            raise ValidationError(getattr(exc, "messages", [str(exc)])) from exc

    def save(self, commit=True):
        budgets_apply(self.changes(), user=self.user, source=SOURCE)
        self.new_objects, self.changed_objects, self.deleted_objects = [], [], []
        return []


class BudgetInline(plan_admin.ScopedAdminMixin, admin.TabularInline):
    model = ActivityBudget
    form = BudgetForm
    formset = BudgetFormSet
    extra = 0
    verbose_name = _("bütçe")
    verbose_name_plural = _("bütçe (planlanan ve harcanan, TL)")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.user = request.user
        return formset
