from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from monitoring.excel.exports import SafeImportExportMixin
from plans.admin import (
    ResponsibleUnitFilter,
    ScopedAdminMixin,
    YearFilter,
    year_column,
)
from plans.models import Plan, Unit
from plans.scoping import directorate_unit, scope

from . import admin_profile, closing, tasks, workflow  # noqa: F401  (admin_profile registers)
from .admin_columns import ReviewColumnsMixin
from .admin_figures import CellsAdminMixin
from .audit import FigureRefused
from .chasing import missing_by_unit
from .entry import (
    ReasonsMissing,
    YearlyEntryForm,
    entry_rows,
    mark_conflicts,
    save_yearly_entries,
    saved_message,
)
from .excel.report import report_filename, report_response
from .excel.upload_views import realization_import_view
from .forms import RealizationForm, ReturnForm
from .models import FigureChange, Realization, YearEvent
from .realizations import (
    ConcurrentChange,
    cells_of,
    realizations_apply,
    realizations_delete,
    realizations_set_evidence,
)
from .resources import RealizationResource
from .review import report_decision


def reminder_round_messages(request, round_) -> None:
    """What the year page says after "send reminders": the round's outcome when it ran at
    once, or that a worker will send it."""
    if round_.status == tasks.TaskResultStatus.SUCCESSFUL:
        record = round_.return_value
        messages.success(
            request, _("%(n)s birime hatırlatma gönderildi.") % {"n": len(record["sent"])}
        )
        if record["no_contact"]:
            messages.warning(
                request,
                _("E-posta adresi olmayan birimler: %(u)s")
                % {"u": ", ".join(u["name"] for u in record["no_contact"])},
            )
    elif round_.status == tasks.TaskResultStatus.FAILED:
        messages.error(request, _("Hatırlatmalar gönderilemedi; ayrıntı sunucu kaydında."))
    else:
        messages.success(
            request,
            _("Hatırlatmalar sıraya alındı: eksiği olan her birime birazdan bir e-posta gider."),
        )


class RealizationPlanFilter(admin.SimpleListFilter):
    title = _("plan")
    parameter_name = "plan"

    def lookups(self, request, model_admin):
        return [(p.pk, str(p)) for p in scope(Plan.objects.all(), request.user)]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(indicator__activity__theme__plan_id=self.value())
        return queryset


class RealizationUnitFilter(ResponsibleUnitFilter):
    path = "indicator__activity__responsible_units"


@admin.register(Realization)
class RealizationAdmin(
    ReviewColumnsMixin, CellsAdminMixin, ScopedAdminMixin, SafeImportExportMixin, admin.ModelAdmin
):
    resource_classes = [RealizationResource]
    ordering = [
        "-year",
        "indicator__activity__theme__position",
        "indicator__activity__position",
        "indicator__position",
    ]
    list_display = [
        year_column,
        "activity_code",
        "indicator_short",
        "target_column",
        "figure_column",
        "status",
        "reason_column",
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
    readonly_fields = [
        "status",
        "return_comment",
        "reviewed_by",
        "reviewed_at",
        "entered_by",
        "entered_at",
        "updated_at",
        "evidence_link",
    ]
    change_list_template = "admin/monitoring/realization/change_list.html"
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    form = RealizationForm
    actions = ["submit_selected", "approve_selected", "return_selected"]
    fieldsets = [
        (
            None,
            {"fields": ["indicator", ("year", "group"), "raw_text", "milestone_done", "version"]},
        ),
        (_("Açıklamalar"), {"fields": ["deviation_reason", ("note", "note_internal")]}),
        (_("Kanıt"), {"fields": ["evidence_file", "evidence_link", "evidence_url"]}),
        (_("Onay"), {"fields": [("status", "reviewed_by", "reviewed_at"), "return_comment"]}),
        (_("Kayıt"), {"fields": [("entered_by", "entered_at", "updated_at")]}),
    ]

    @admin.display(description=_("faaliyet"), ordering="indicator__activity__code")
    def activity_code(self, obj):
        return obj.indicator.activity.code

    @admin.display(description=_("kanıtı aç"))
    def evidence_link(self, obj):
        if not obj or not obj.evidence_file:
            return "-"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:monitoring_realization_evidence", args=[obj.pk]),
            _("Kanıt dosyasını indir"),
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        unit = directorate_unit(request.user)
        if db_field.name == "indicator" and field is not None and unit is not None:
            field.queryset = field.queryset.filter(activity__responsible_units=unit)
        return field

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.has_perm("monitoring.submit_realization"):
            actions.pop("submit_selected", None)
        if not request.user.has_perm("monitoring.approve_realization"):
            actions.pop("approve_selected", None)
            actions.pop("return_selected", None)
        return actions

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.user = request.user
        return form

    def save_model(self, request, obj, form, change):
        """The form's cell (indicator, year) through the writer; the evidence beside it."""
        realizations_apply(
            [form.cell_change(user=request.user)], user=request.user, source="yönetim"
        )
        head = (
            Realization.objects.filter(indicator=obj.indicator, year=obj.year)
            .order_by("pk")
            .first()
        )
        obj.pk = head.pk if head else None
        if head is not None and {"evidence_file", "evidence_url"} & set(form.changed_data):
            realizations_set_evidence(
                head,
                user=request.user,
                file=form.cleaned_data.get("evidence_file") or None,
                url=form.cleaned_data.get("evidence_url", ""),
            )

    def figures_of(self, objs):
        return [], cells_of(objs)

    def delete_model(self, request, obj):
        realizations_delete([obj], user=request.user, source="yönetim: silindi")

    def delete_queryset(self, request, queryset):
        realizations_delete(list(queryset), user=request.user, source="yönetim: silindi")

    @admin.action(description=_("Seçilenleri onaya gönder"))
    def submit_selected(self, request, queryset):
        rows = list(queryset.select_related("indicator__activity__theme"))
        try:
            n = workflow.submit(rows, user=request.user, source="yönetim")
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return
        self.message_user(request, _("%(n)s gerçekleşme onaya gönderildi.") % {"n": n})

    @admin.action(description=_("Seçilenleri onayla"))
    def approve_selected(self, request, queryset):
        rows = list(queryset.select_related("indicator__activity__theme"))
        try:
            n = workflow.approve(rows, user=request.user)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return
        report_decision(request, n, rows, approve=True)

    @admin.action(description=_("Seçilenleri açıklamayla iade et"))
    def return_selected(self, request, queryset):
        form = ReturnForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            rows = list(queryset.select_related("indicator__activity__theme"))
            try:
                n = workflow.return_for_changes(
                    rows, user=request.user, comment=form.cleaned_data["comment"]
                )
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
                return None
            self.message_user(request, _("%(n)s gerçekleşme iade edildi.") % {"n": n})
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Gerçekleşmeleri iade et"),
            "form": form,
            "queryset": queryset.select_related("indicator__activity"),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/monitoring/return.html", context)

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
                "yil-takibi/",
                self.admin_site.admin_view(self.year_view),
                name="monitoring_realization_year",
            ),
            path(
                "kanit/<int:pk>/",
                self.admin_site.admin_view(self.evidence_view),
                name="monitoring_realization_evidence",
            ),
            path(
                "rapor/<int:plan_id>/birim-formlari.zip",
                self.admin_site.admin_view(self.unit_forms_view),
                name="monitoring_realization_unit_forms",
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
        return scope(Plan.objects.select_related("municipality"), request.user)

    def year_view(self, request):
        """The open year at a glance for the equality unit: who has not reported (with
        a reminder button), pending reviews, and closing or reopening the year."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        plans = self.plans_for(request)
        plan_id = request.GET.get("plan", "")
        plan = get_object_or_404(plans, pk=plan_id) if plan_id.isdigit() else plans.first()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Yıl takibi"),
            "plans": plans,
            "plan": plan,
        }
        if plan is None:
            return TemplateResponse(request, "admin/monitoring/year.html", context)
        year_raw = request.GET.get("year", "")
        year = (
            int(year_raw)
            if year_raw.isdigit() and int(year_raw) in plan.years
            else (workflow.open_year(plan))
        )
        here = f"{request.path}?{urlencode({'plan': plan.pk, 'year': year})}"
        if request.method == "POST":
            action = request.POST.get("action")
            if action in ("close", "close_confirmed"):
                return closing.close_step(request, plan=plan, year=year, here=here, context=context)
            try:
                if action == "remind" and request.user.has_perm("monitoring.approve_realization"):
                    reminder_round_messages(request, tasks.remind(plan=plan, year=year))
                elif action == "reopen":
                    workflow.reopen_year(
                        plan=plan, year=year, user=request.user, note=request.POST.get("note", "")
                    )
                    messages.success(request, _("%(y)s yılı yeniden açıldı.") % {"y": year})
                else:
                    raise PermissionDenied
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            return redirect(here)
        statuses = dict(
            Realization.objects.for_plan(plan)
            .filter(year=year)
            .order_by()
            .values_list("status")
            .annotate(n=Count("pk"))
        )
        context.update(
            year=year,
            closed=(closed := workflow.is_closed(plan, year)),
            checklist=None if closed else closing.checklist(plan, year),
            debts=missing_by_unit(plan, year),
            statuses=[
                (label, statuses.get(value, 0)) for value, label in Realization.Status.choices
            ],
            events=YearEvent.objects.filter(plan=plan).select_related("user")[:20],
            can_close=request.user.has_perm("monitoring.close_year"),
            can_remind=request.user.has_perm("monitoring.approve_realization"),
        )
        return TemplateResponse(request, "admin/monitoring/year.html", context)

    def unit_forms_view(self, request, plan_id):
        """Every responsible unit's blank form for a year, in one zip file."""
        if not request.user.has_perm("monitoring.approve_realization"):
            raise PermissionDenied
        plan = get_object_or_404(self.plans_for(request), pk=plan_id)
        year_raw = request.GET.get("year", "")
        year = (
            int(year_raw)
            if year_raw.isdigit() and int(year_raw) in plan.years
            else (workflow.open_year(plan))
        )
        task_id = request.GET.get("task", "")
        build = (
            tasks.unit_forms_result(task_id, plan=plan)
            if task_id
            else tasks.unit_forms(plan=plan, year=year)
        )
        if build is None:
            raise Http404
        year = build.kwargs["year"]
        if build.status == tasks.TaskResultStatus.FAILED:
            messages.error(request, _("Birim formları hazırlanamadı; ayrıntı sunucu kaydında."))
            here = reverse("admin:monitoring_realization_year")
            return redirect(f"{here}?{urlencode({'plan': plan.pk, 'year': year})}")
        if build.status != tasks.TaskResultStatus.SUCCESSFUL:
            # a worker builds it: this page asks again every few seconds until it is ready
            again = f"{request.path}?{urlencode({'year': year, 'task': build.id})}"
            response = HttpResponse(
                format_html(
                    '<!doctype html><title>{}</title><p>{} <a href="{}">{}</a></p>',
                    _("Birim formları hazırlanıyor"),
                    _("Birim formları hazırlanıyor; hazır olunca indirme kendiliğinden başlar."),
                    again,
                    _("Yeniden dene"),
                ),
                status=202,
            )
            response["Refresh"] = f"3; url={again}"
            return response
        name = report_filename(plan, year, empty=True).replace(".xlsx", "-birimler.zip")
        with tasks.open_unit_forms(build) as zipped:
            response = HttpResponse(zipped.read(), content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    def evidence_view(self, request, pk):
        """Evidence files are never on a public URL: only users who may see the
        realization (its municipality, its unit for directorate staff) get the file."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        obj = get_object_or_404(self.get_queryset(request), pk=pk)
        if not obj.evidence_file:
            raise Http404
        return FileResponse(
            obj.evidence_file.open("rb"),
            as_attachment=True,
            filename=obj.evidence_file.name.rsplit("/", 1)[-1],
        )

    def import_view(self, request):
        return realization_import_view(self, request, self.plans_for(request))

    def report_view(self, request, plan_id):
        """The Gerçekleşme Raporu; with ?unit= and ?empty=1 the form for one unit."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        plan = get_object_or_404(self.plans_for(request), pk=plan_id)
        return report_response(plan, request.GET)

    def yearly_entry_view(self, request):
        """Pick plan, year and (optionally) unit; enter every realization in one form.
        Directorate staff see their own unit's indicators only."""
        if not self.has_change_permission(request) or not self.has_add_permission(request):
            raise PermissionDenied
        plans = self.plans_for(request)
        plan = year = unit = None
        plan_id = request.GET.get("plan", "")
        if plan_id.isdigit():
            plan = get_object_or_404(plans, pk=plan_id)
        elif plans.count() == 1:
            plan = plans.first()
        units = []
        own_unit = directorate_unit(request.user)
        if plan:
            year_raw = request.GET.get("year", "")
            year = int(year_raw) if year_raw.isdigit() else None
            if year not in plan.years:
                year = workflow.open_year(plan)
            units = list(
                scope(Unit.objects.filter(responsible_for__theme__plan=plan), request.user)
                .distinct()
                .order_by("name")
            )
            unit_id = request.GET.get("unit", "")
            if own_unit is not None:
                units = [u for u in units if u.pk == own_unit]
                if not units:
                    raise PermissionDenied  # a directorate user whose unit has no activity
                unit = units[0]
            elif unit_id.isdigit():
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
            "unit_locked": own_unit is not None,
        }
        if plan:
            closed = workflow.is_closed(plan, year)
            rows = entry_rows(plan=plan, year=year, unit=unit)
            form = YearlyEntryForm(request.POST or None, request.FILES or None, rows=rows)
            if request.method == "POST" and closed:
                messages.error(
                    request,
                    _("%(year)s yılı kapatılmış; değerler değiştirilemez.") % {"year": year},
                )
            elif request.method == "POST" and form.is_valid():
                try:
                    counts = save_yearly_entries(
                        form=form,
                        year=year,
                        user=request.user,
                        submit="submit_for_review" in request.POST,
                    )
                except ConcurrentChange as exc:
                    mark_conflicts(form, exc.indicators)
                    messages.error(
                        request,
                        _(
                            "Hiçbir değer kaydedilmedi: siz düzenlerken "
                            "başka biri bazı değerleri değiştirdi."
                        ),
                    )
                except ReasonsMissing as exc:
                    for pk in exc.indicator_ids:
                        form.add_error(
                            f"d_{pk}",
                            _("Hedefin gerisinde: onaya göndermek için sapma nedenini yazın."),
                        )
                    messages.error(
                        request,
                        _(
                            "Hiçbir değer kaydedilmedi ve gönderilmedi: "
                            "hedefin gerisinde kalan göstergelerde sapma "
                            "nedeni eksik."
                        ),
                    )
                except FigureRefused as exc:
                    messages.error(request, " ".join(exc.messages))
                else:
                    msg = saved_message(year, counts)
                    messages.success(request, msg)
                    query = {"plan": plan.pk, "year": year}
                    if unit and own_unit is None:
                        query["unit"] = unit.pk
                    return redirect(f"{request.path}?{urlencode(query)}")
            elif request.method == "POST":
                messages.error(
                    request,
                    _(
                        "Hiçbir değer kaydedilmedi: %(n)s alanda hata var, alanların yanında "
                        "gösterildi."
                    )
                    % {"n": len(form.errors)},
                )
            context.update(
                form=form,
                closed=closed,
                changelist_url=reverse("admin:monitoring_realization_changelist"),
                can_submit=request.user.has_perm("monitoring.submit_realization"),
            )
        return TemplateResponse(request, "admin/monitoring/yearly_entry.html", context)


@admin.register(FigureChange)
class FigureChangeAdmin(admin.ModelAdmin):
    """The audit trail, read only: who changed which figure, when, from what to what."""

    list_display = [
        "at",
        "user",
        "kind",
        "plan_title",
        "activity_code",
        "indicator_name",
        year_column,
        "group_label",
        "old_text",
        "new_text",
        "old_status",
        "new_status",
        "reason",
        "source",
    ]
    list_filter = ["kind", "source", "year"]
    # the row's own labels: it reads the same after its indicator is deleted, and a
    # search stays on one table
    search_fields = [
        "indicator_name__tr_contains",
        "activity_code",
        "reason__tr_contains",
        "user__username",
    ]
    list_select_related = ["user"]
    date_hierarchy = "at"

    def get_queryset(self, request):
        return scope(super().get_queryset(request), request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(YearEvent)
class YearEventAdmin(FigureChangeAdmin):
    list_display = ["at", "plan", year_column, "action", "user", "note"]
    list_filter = ["action", "year"]
    search_fields = ["note__tr_contains", "plan__title__tr_contains"]
    list_select_related = ["plan", "user"]
