from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin

from plans.admin import ResponsibleUnitFilter, YearFilter
from plans.models import Plan, Unit

from .entry import YearlyEntryForm, entry_rows, save_yearly_entries
from .models import Realization
from .report import report_response
from .resources import RealizationResource
from .uploads import realization_import_view


class RealizationInline(admin.TabularInline):
    model = Realization
    extra = 0
    fields = [
        "year",
        "group",
        "state",
        "value",
        "raw_text",
        "milestone_done",
        "deviation_reason",
        "note",
        "status",
    ]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class RealizationPlanFilter(admin.SimpleListFilter):
    title = _("plan")
    parameter_name = "plan"

    def lookups(self, request, model_admin):
        return [(p.pk, str(p)) for p in Plan.objects.all()]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(indicator__activity__theme__plan_id=self.value())
        return queryset


class RealizationUnitFilter(ResponsibleUnitFilter):
    path = "indicator__activity__responsible_units"


@admin.register(Realization)
class RealizationAdmin(ImportExportMixin, admin.ModelAdmin):
    resource_classes = [RealizationResource]
    list_display = [
        "year",
        "activity_code",
        "indicator",
        "group",
        "state",
        "value",
        "raw_text",
        "status",
        "entered_by",
        "updated_at",
    ]
    list_filter = [RealizationPlanFilter, YearFilter, RealizationUnitFilter, "status", "state"]
    search_fields = [
        "indicator__name__tr_contains",
        "indicator__activity__code",
        "raw_text__tr_contains",
        "deviation_reason__tr_contains",
    ]
    list_select_related = ["indicator__activity", "group", "entered_by"]
    autocomplete_fields = ["indicator"]
    readonly_fields = ["entered_by", "entered_at", "updated_at"]
    change_list_template = "admin/monitoring/realization/change_list.html"
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "indicator",
                    ("year", "group"),
                    ("state", "value", "raw_text"),
                    "milestone_done",
                    "status",
                ]
            },
        ),
        (_("Açıklamalar"), {"fields": ["deviation_reason", ("note", "note_internal")]}),
        (_("Kanıt"), {"fields": ["evidence_file", "evidence_url"]}),
        (_("Kayıt"), {"fields": [("entered_by", "entered_at", "updated_at")]}),
    ]

    @admin.display(description=_("faaliyet"), ordering="indicator__activity__code")
    def activity_code(self, obj):
        return obj.indicator.activity.code

    def save_model(self, request, obj, form, change):
        if not change or obj.entered_by_id is None:
            obj.entered_by = request.user
        super().save_model(request, obj, form, change)

    def get_urls(self):
        return [
            path(
                "yillik-giris/",
                self.admin_site.admin_view(self.yearly_entry_view),
                name="monitoring_realization_yearly_entry",
            ),
            path(
                "calisma-kitabi-yukle/",
                self.admin_site.admin_view(self.import_view),
                name="monitoring_realization_workbook_import",
            ),
            path(
                "rapor/<int:plan_id>/",
                self.admin_site.admin_view(self.report_view),
                name="monitoring_realization_report",
            ),
            *super().get_urls(),
        ]

    def get_import_resource_kwargs(self, request, **kwargs):
        return {**super().get_import_resource_kwargs(request, **kwargs), "user": request.user}

    def plans_for(self, request):
        return Plan.objects.select_related("municipality")

    def import_view(self, request):
        return realization_import_view(self, request, self.plans_for(request))

    def report_view(self, request, plan_id):
        """The Gerçekleşme Raporu; with ?unit= and ?empty=1 the form for one unit."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        plan = get_object_or_404(self.plans_for(request), pk=plan_id)
        return report_response(plan, request.GET)

    def yearly_entry_view(self, request):
        """Pick plan, year and (optionally) unit; enter every realization in one form."""
        if not self.has_change_permission(request) or not self.has_add_permission(request):
            raise PermissionDenied
        plans = self.plans_for(request)
        plan = year = unit = None
        plan_id = request.GET.get("plan", "")
        if plan_id.isdigit():
            plan = get_object_or_404(plans, pk=plan_id)
        units = []
        if plan:
            year_raw = request.GET.get("year", "")
            year = int(year_raw) if year_raw.isdigit() else None
            if year not in plan.years:
                year = plan.first_year
            units = list(
                Unit.objects.filter(responsible_for__theme__plan=plan).distinct().order_by("name")
            )
            unit_id = request.GET.get("unit", "")
            if unit_id.isdigit():
                unit = get_object_or_404(Unit, pk=unit_id, municipality=plan.municipality)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Yıllık gerçekleşme girişi"),
            "plans": plans,
            "plan": plan,
            "year": year,
            "unit": unit,
            "units": units,
        }
        if plan:
            rows = entry_rows(plan=plan, year=year, unit=unit)
            form = YearlyEntryForm(request.POST or None, rows=rows)
            if request.method == "POST":
                if form.is_valid():
                    counts = save_yearly_entries(form=form, year=year, user=request.user)
                    messages.success(
                        request,
                        _(
                            "%(year)s yılı kaydedildi: %(created)s yeni, %(updated)s değişen, "
                            "%(deleted)s silinen, %(unchanged)s değişmeyen gösterge."
                        )
                        % {
                            "year": year,
                            "created": counts.get("new", 0),
                            "updated": counts.get("updated", 0),
                            "deleted": counts.get("deleted", 0),
                            "unchanged": counts.get("unchanged", 0),
                        },
                    )
                    query = {"plan": plan.pk, "year": year}
                    if unit:
                        query["unit"] = unit.pk
                    return redirect(f"{request.path}?{urlencode(query)}")
                messages.error(
                    request,
                    _(
                        "Hiçbir değer kaydedilmedi: %(n)s alanda hata var, alanların yanında "
                        "gösterildi."
                    )
                    % {"n": len(form.errors)},
                )
            context["form"] = form
            context["changelist_url"] = reverse("admin:monitoring_realization_changelist")
        return TemplateResponse(request, "admin/monitoring/yearly_entry.html", context)
