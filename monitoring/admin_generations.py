"""The plan admin's "new version / next plan" action: pick one plan, confirm the kind, the
title and the period on a page of its own, and monitoring.generations makes the draft."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from plans.generations import default_period, default_title, generation_refusal
from plans.models import Plan

from .generations import GenerationResult, plan_generation_create

KINDS = [
    (Plan.Kind.REVISION, gettext_lazy("Yeni sürüm: aynı planın revizyonu, aynı dönem")),
    (Plan.Kind.NEXT, gettext_lazy("Sonraki dönem planı: yeni dönem, yeni hedefler")),
]


class GenerationForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Yeni planın türü"), choices=KINDS, widget=forms.RadioSelect
    )
    title = forms.CharField(
        label=gettext_lazy("Başlık"),
        max_length=300,
        widget=forms.TextInput(attrs={"class": "vLargeTextField", "size": 90}),
    )
    first_year = forms.IntegerField(label=gettext_lazy("İlk yıl"), min_value=2000, max_value=2100)
    last_year = forms.IntegerField(label=gettext_lazy("Son yıl"), min_value=2000, max_value=2100)

    def __init__(self, *args, source: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.source = source

    @classmethod
    def initial_for(cls, source: Plan, kind: str) -> dict:
        kind = kind if kind in (Plan.Kind.REVISION, Plan.Kind.NEXT) else Plan.Kind.REVISION
        first, last = default_period(source, kind)
        return {
            "kind": kind,
            "title": default_title(source, kind),
            "first_year": first,
            "last_year": last,
        }

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        refusal = generation_refusal(self.source, **data)
        if refusal:
            raise ValidationError(refusal)
        return data


def _counted(n: int, what: str) -> str:
    words = {
        "gösterge": ngettext("%(n)s gösterge", "%(n)s gösterge", n),
        "faaliyet": ngettext("%(n)s faaliyet", "%(n)s faaliyet", n),
        "tema": ngettext("%(n)s tema", "%(n)s tema", n),
        "hedef değeri": ngettext("%(n)s hedef değeri", "%(n)s hedef değeri", n),
        "mevcut değer": ngettext("%(n)s mevcut değer", "%(n)s mevcut değer", n),
    }
    return words[what] % {"n": n}


def result_message(result: GenerationResult) -> str:
    """ "Yeni sürüm oluşturuldu (taslak): ... 146 gösterge, 118 faaliyet, 8 tema
    kopyalandı; 438 hedef değeri aktarıldı." """
    plan, c = result.plan, result.counts
    head = _("%(kind)s oluşturuldu (taslak, herkese kapalı): %(plan)s.") % {
        "kind": plan.get_kind_display(),
        "plan": plan,
    }
    copied = ", ".join(_counted(c[k], k) for k in ("gösterge", "faaliyet", "tema"))
    text = f"{head} {copied} " + _("kopyalandı")
    if plan.kind == Plan.Kind.REVISION:
        text += "; " + _counted(c["hedef değeri"], "hedef değeri") + " " + _("aktarıldı") + "."
    else:
        text += "; " + _("önceki planın son gerçekleşmelerinden %(values)s alındı") % {
            "values": _counted(c["mevcut değer"], "mevcut değer")
        }
        if result.baselines_missing:
            text += ", " + ngettext(
                "%(n)s göstergenin mevcut değeri boş: gerçekleşmesi yoktu",
                "%(n)s göstergenin mevcut değeri boş: gerçekleşmesi yoktu",
                result.baselines_missing,
            ) % {"n": result.baselines_missing}
        text += "."
    return text


class GenerationActions:
    """For the plan admin: the action and its confirmation page."""

    actions = ["make_generation"]

    @admin.action(
        permissions=["add"], description=gettext_lazy("Yeni sürüm ya da sonraki dönem planı")
    )
    def make_generation(self, request, queryset):
        plans = list(queryset[:2])
        if len(plans) != 1:
            self.message_user(
                request, _("Yeni plan tek bir plandan yapılır: bir plan seçin."), messages.ERROR
            )
            return None
        return HttpResponseRedirect(reverse("admin:plans_plan_generation", args=[plans[0].pk]))

    def get_urls(self):
        view = self.admin_site.admin_view(self.generation_view)
        return [
            path("<int:pk>/yeni-plan/", view, name="plans_plan_generation"),
            *super().get_urls(),
        ]

    def generation_view(self, request, pk):
        source = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_add_permission(request):
            raise PermissionDenied
        initial = GenerationForm.initial_for(source, request.GET.get("tur", ""))
        form = GenerationForm(request.POST or None, source=source, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                result = plan_generation_create(source, **form.cleaned_data, user=request.user)
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, " ".join(getattr(exc, "messages", [str(exc)])))
            else:
                self.message_user(request, result_message(result), messages.SUCCESS)
                return HttpResponseRedirect(
                    reverse("admin:plans_plan_change", args=[result.plan.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Bu plandan yeni plan"),
            "opts": self.model._meta,
            "source": source,
            "form": form,
        }
        return TemplateResponse(request, "admin/plans/plan/generation.html", context)
