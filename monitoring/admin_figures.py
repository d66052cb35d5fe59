"""The figures in the admin: targets and realizations as cells (one line per indicator or
activity and year, the raw text as typed, its groups shown beside it), written by the
figure writers. The plan admin (plans.admin) knows nothing of figures; this module
extends its indicator, activity and plan pages with them."""

from __future__ import annotations

from functools import cached_property

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.core.exceptions import PermissionDenied
from django.db.models import Min, Q
from django.http import HttpResponseRedirect
from django.urls import path
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from monitoring.excel.exports import SafeImportExportMixin
from monitoring.excel.plan_build import figure_objects, group_aliases
from plans import admin as plan_admin
from plans.models import Activity, Indicator, Plan, Target, Unit
from plans.resources import UnitResource
from plans.text import parse_figure

from .admin_generations import GenerationActions
from .audit import FigureRefused
from .excel.upload_views import plan_import_view
from .models import FigureChange, Realization
from .realizations import RealizationChange, check_realizations, realizations_apply
from .resources import IndicatorResource
from .targets import TargetChange, cell_changes_for, check_targets, targets_apply, targets_delete

SOURCE = "yönetim"


def cell_heads(qs, *owner_fields: str):
    """One row per cell (owner, year): the first of its group rows."""
    heads = qs.order_by().values(*owner_fields, "year").annotate(head=Min("pk")).values("head")
    return qs.filter(pk__in=heads)


def split_text(raw: str, aliases=None) -> str:
    """What a cell's text is stored as: "Kız çocuğu 40 · Oğlan çocuğu 40", or "–".
    ``aliases``: ``group_aliases()`` when the caller already has it (one per page)."""
    aliases, groups = aliases or group_aliases()
    parsed = parse_figure(raw or "", aliases)
    if not parsed.groups:
        return "–"
    names = {g.code: g.name for g in groups.values()}
    return " · ".join(
        f"{names.get(code, code)} {format(v.normalize(), 'f')}" for code, v in parsed.groups
    )


def refusal_text(exc: Exception) -> str:
    return " ".join(getattr(exc, "messages", [str(exc)]))


class TargetCellForm(forms.ModelForm):
    class Meta:
        model = Target
        fields = ["year", "raw_text"]
        labels = {"raw_text": _("Hedef")}
        help_texts = {"raw_text": _("“377”, “%8,2”, “-”, “40 Kadın 40 Erkek” ya da metin.")}


class CellFormSet(forms.BaseInlineFormSet):
    """An inline of cells: saved through the writer, its rules checked in ``clean``."""

    request = None
    owner_field = "indicator"

    @cached_property
    def aliases(self):
        """The groups of people and their aliases, read once for the whole formset."""
        return group_aliases()

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.aliases = self.aliases
        return form

    def cell_changes(self) -> list:
        raise NotImplementedError

    def check(self, changes) -> None:
        raise NotImplementedError

    def clean(self):
        super().clean()
        if any(self.errors) or self.instance.pk is None:
            return
        try:
            self.check(self.cell_changes())
        except (FigureRefused, PermissionDenied) as exc:
            raise forms.ValidationError(refusal_text(exc)) from exc

    def save_cells(self, user) -> None:
        self.apply(self.cell_changes(), user=user)
        self.new_objects, self.changed_objects, self.deleted_objects = [], [], []


class TargetCellFormSet(CellFormSet):
    def cell_changes(self) -> list[TargetChange]:
        owner = {f"{self.owner_field}_id": self.instance.pk}
        changes = []
        for form in self.forms:
            old = form.instance if form.instance.pk else None
            if form in self.deleted_forms:
                if old is not None:
                    changes.append(TargetChange(year=old.year, raw=None, **owner))
                continue
            if not form.has_changed():
                continue
            year, raw = form.cleaned_data["year"], form.cleaned_data.get("raw_text", "")
            if old is not None and old.year != year:
                changes.append(TargetChange(year=old.year, raw=None, **owner))
            changes.append(TargetChange(year=year, raw=raw, **owner))
        return changes

    def check(self, changes) -> None:
        check_targets(changes, user=self.request.user)

    def apply(self, changes, *, user) -> None:
        targets_apply(changes, user=user, source=SOURCE)


class RealizationCellFormSet(CellFormSet):
    def cell_changes(self) -> list[RealizationChange]:
        indicator = self.instance
        stored: dict[int, list[Realization]] = {}
        for r in Realization.objects.filter(indicator=indicator).select_related("group"):
            stored.setdefault(r.year, []).append(r)
        _aliases, groups = self.aliases
        changes = []
        for form in self.forms:
            old = form.instance if form.instance.pk else None
            if form in self.deleted_forms:
                if old is not None:
                    changes.append(RealizationChange(indicator, stored.get(old.year, []), []))
                continue
            if not form.has_changed():
                continue
            d = form.cleaned_data
            if old is not None and old.year != d["year"]:
                changes.append(RealizationChange(indicator, stored.get(old.year, []), []))
            new = figure_objects(
                Realization,
                form.parsed,
                groups,
                indicator=indicator,
                year=d["year"],
                entered_by=self.request.user,
            )
            changes.append(
                RealizationChange(
                    indicator,
                    stored.get(d["year"], []) if old is None or old.year == d["year"] else [],
                    new,
                    deviation_reason=d.get("deviation_reason", ""),
                    note=d.get("note", ""),
                    milestone_done=d.get("milestone_done"),
                )
            )
        return changes

    def check(self, changes) -> None:
        check_realizations(changes, user=self.request.user)

    def apply(self, changes, *, user) -> None:
        realizations_apply(changes, user=user, source=SOURCE)


class RealizationCellForm(forms.ModelForm):
    class Meta:
        model = Realization
        fields = ["year", "raw_text", "milestone_done", "deviation_reason", "note"]
        labels = {"raw_text": _("Gerçekleşme")}

    def clean(self):
        cleaned = super().clean()
        aliases = getattr(self, "aliases", None) or group_aliases()
        self.parsed = parse_figure(cleaned.get("raw_text", ""), aliases[0])
        return cleaned


class CellInline(plan_admin.ScopedAdminMixin, admin.TabularInline):
    extra = 0
    readonly_fields = ["groups"]

    @cached_property
    def aliases(self):
        # an inline is made for each request: the groups are read once per page
        return group_aliases()

    @admin.display(description=_("gruplara ayrılışı"))
    def groups(self, obj):
        return split_text(obj.raw_text, self.aliases) if obj and obj.pk else "–"

    def get_queryset(self, request):
        return cell_heads(super().get_queryset(request), self.fk_name)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.request = request
        formset.owner_field = self.fk_name
        return formset


class TargetCellInline(CellInline):
    model = Target
    form = TargetCellForm
    formset = TargetCellFormSet
    fk_name = "indicator"
    fields = ["year", "raw_text", "groups"]
    verbose_name = _("yıllık hedef")
    verbose_name_plural = _("yıllık hedefler (her yıl bir hücre, kaynaktaki gibi)")


class ActivityTargetCellInline(TargetCellInline):
    fk_name = "activity"
    verbose_name = _("faaliyet düzeyinde hedef")
    verbose_name_plural = _(
        "faaliyet düzeyinde hedefler (kaynakta göstergeye değil faaliyete verilmiş)"
    )


class RealizationCellInline(CellInline):
    model = Realization
    form = RealizationCellForm
    formset = RealizationCellFormSet
    fk_name = "indicator"
    fields = ["year", "raw_text", "groups", "milestone_done", "deviation_reason", "note", "status"]
    readonly_fields = ["groups", "status"]


class CellsAdminMixin:
    """Inline cells saved through their writer; structure deletes take their figures
    with them through the writers (audited, refused in a closed year)."""

    figure_owner = "indicator"

    def save_formset(self, request, form, formset, change):
        if isinstance(formset, CellFormSet):
            try:
                formset.save_cells(request.user)
            except (FigureRefused, PermissionDenied) as exc:  # changed since clean()
                messages.error(request, refusal_text(exc))
                formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            return None
        return super().save_formset(request, form, formset, change)

    def figures_of(self, objs) -> tuple[list, list]:
        """(target changes, realization cells) that deleting ``objs`` takes away."""
        raise NotImplementedError

    def delete_figures(self, request, objs) -> None:
        target_changes, real_cells = self.figures_of(objs)
        targets_apply(target_changes, user=request.user, source=f"{SOURCE}: silindi")
        realizations_apply(
            [RealizationChange(c[0].indicator, c, []) for c in real_cells],
            user=request.user,
            source=f"{SOURCE}: silindi",
        )

    def delete_model(self, request, obj):
        self.delete_figures(request, [obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        self.delete_figures(request, list(queryset))
        super().delete_queryset(request, queryset)

    def delete_view(self, request, object_id, extra_context=None):
        if request.method == "POST":
            obj = self.get_object(request, object_id)
            if obj is not None:
                refusal = self.delete_refusal(request, [obj])
                if refusal:
                    messages.error(request, refusal)
                    return HttpResponseRedirect(request.path)
        return super().delete_view(request, object_id, extra_context)

    def delete_refusal(self, request, objs) -> str:
        target_changes, real_cells = self.figures_of(objs)
        try:
            check_targets(target_changes, user=request.user)
            check_realizations(
                [RealizationChange(c[0].indicator, c, []) for c in real_cells], user=request.user
            )
        except (FigureRefused, PermissionDenied) as exc:
            return refusal_text(exc)
        return ""

    @admin.action(permissions=["delete"], description=_("Seçilenleri sil"))
    def delete_selected(self, request, queryset):
        if request.POST.get("post"):
            refusal = self.delete_refusal(request, list(queryset))
            if refusal:
                self.message_user(request, refusal, messages.ERROR)
                return None
        return django_delete_selected(self, request, queryset)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            actions["delete_selected"] = (
                type(self).delete_selected,
                "delete_selected",
                _("Seçilenleri sil"),
            )
        return actions


def _real_cells(indicator_q: Q) -> list[list[Realization]]:
    cells: dict[tuple, list[Realization]] = {}
    for r in Realization.objects.filter(indicator_q).select_related("indicator", "group"):
        cells.setdefault((r.indicator_id, r.year), []).append(r)
    return list(cells.values())


admin.site.unregister(Indicator)
admin.site.unregister(Unit)
admin.site.unregister(Activity)
admin.site.unregister(Plan)


def _status_change(change: FigureChange) -> str:
    """ "Gönderildi → Onaylandı", the labels rather than the stored codes; "" for a target."""
    if not (change.old_status or change.new_status):
        return ""
    return f"{change.get_old_status_display() or '∅'} → {change.get_new_status_display() or '∅'}"


@admin.register(Indicator)
class IndicatorAdmin(CellsAdminMixin, SafeImportExportMixin, plan_admin.IndicatorAdmin):
    resource_classes = [IndicatorResource]
    inlines = [TargetCellInline, RealizationCellInline]
    readonly_fields = [*plan_admin.IndicatorAdmin.readonly_fields, "history"]
    fieldsets = [
        *plan_admin.IndicatorAdmin.fieldsets,
        (_("Değişiklik geçmişi"), {"fields": ["history"], "classes": ["collapse"]}),
    ]

    def get_import_resource_kwargs(self, request, **kwargs):
        return {**super().get_import_resource_kwargs(request, **kwargs), "user": request.user}

    def figures_of(self, objs):
        ids = [o.pk for o in objs]
        return cell_changes_for("indicator", ids), _real_cells(Q(indicator_id__in=ids))

    @admin.display(description=_("son değişiklikler"))
    def history(self, obj):
        """Who changed this indicator's targets and realizations, when, from what to what."""
        if not obj or not obj.pk:
            return "-"
        changes = FigureChange.objects.filter(indicator=obj).select_related("user")[:30]
        if not changes:
            return _("Henüz değişiklik yok.")
        return format_html(
            "<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th>"
            "<th>{}</th></tr>{}</table>",
            _("zaman"),
            _("kullanıcı"),
            _("tür"),
            _("yıl"),
            _("eski → yeni"),
            _("onay durumu"),
            _("gerekçe"),
            format_html_join(
                "",
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{} → {}</td><td>{}</td>"
                "<td>{}</td></tr>",
                (
                    (
                        localtime(c.at).strftime("%d.%m.%Y %H:%M"),
                        c.user or "-",
                        c.get_kind_display(),
                        c.year,
                        c.old_text or "∅",
                        c.new_text or "∅",
                        _status_change(c),
                        c.reason,
                    )
                    for c in changes
                ),
            ),
        )


@admin.register(Unit)
class UnitAdmin(SafeImportExportMixin, plan_admin.UnitAdmin):
    """The flat unit table, read and written through the bounded, formula-safe formats."""

    resource_classes = [UnitResource]

    def get_import_resource_kwargs(self, request, **kwargs):
        return {**super().get_import_resource_kwargs(request, **kwargs), "user": request.user}


@admin.register(Activity)
class ActivityAdmin(CellsAdminMixin, plan_admin.ActivityAdmin):
    inlines = [*plan_admin.ActivityAdmin.inlines, ActivityTargetCellInline]

    def figures_of(self, objs):
        ids = [o.pk for o in objs]
        inds = list(Indicator.objects.filter(activity_id__in=ids).values_list("pk", flat=True))
        changes = cell_changes_for("activity", ids) + cell_changes_for("indicator", inds)
        return changes, _real_cells(Q(indicator_id__in=inds))


@admin.register(Plan)
class PlanAdmin(GenerationActions, CellsAdminMixin, plan_admin.PlanAdmin):
    def figures_of(self, objs):
        ids = [o.pk for o in objs]
        acts = list(Activity.objects.filter(theme__plan_id__in=ids).values_list("pk", flat=True))
        inds = list(Indicator.objects.filter(activity_id__in=acts).values_list("pk", flat=True))
        changes = cell_changes_for("activity", acts) + cell_changes_for("indicator", inds)
        return changes, _real_cells(Q(indicator_id__in=inds))

    def get_urls(self):
        return [
            path(
                "ice-aktar/",
                self.admin_site.admin_view(lambda request: plan_import_view(self, request)),
                name="plans_plan_import",
            ),
            *super().get_urls(),
        ]


class TargetPlanFilter(admin.SimpleListFilter):
    title = _("plan")
    parameter_name = "plan"

    def lookups(self, request, model_admin):
        return [(p.pk, str(p)) for p in plan_admin.scope(Plan.objects.all(), request.user)]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(
                Q(indicator__activity__theme__plan_id=self.value())
                | Q(activity__theme__plan_id=self.value())
            )
        return queryset


class TargetForm(TargetCellForm):
    user = None

    class Meta(TargetCellForm.Meta):
        fields = ["indicator", "activity", "year", "raw_text"]

    def change(self) -> TargetChange:
        d = self.cleaned_data
        return TargetChange(
            year=d.get("year"),
            raw=d.get("raw_text", ""),
            indicator_id=d["indicator"].pk if d.get("indicator") else None,
            activity_id=d["activity"].pk if d.get("activity") and not d.get("indicator") else None,
        )

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("indicator")) == bool(cleaned.get("activity")):
            raise forms.ValidationError(_("Ya bir gösterge ya da bir faaliyet seçin (biri)."))
        if not self.errors:
            changes = [self.change()]
            old = self.instance
            if old.pk and (old.year, old.indicator_id, old.activity_id) != (
                changes[0].year,
                changes[0].indicator_id,
                changes[0].activity_id,
            ):
                changes.insert(0, TargetChange(old.year, None, old.indicator_id, old.activity_id))
            self.changes = changes
            try:
                check_targets(changes, user=self.user)
            except (FigureRefused, PermissionDenied) as exc:
                raise forms.ValidationError(refusal_text(exc)) from exc
        return cleaned


@admin.register(Target)
class TargetAdmin(CellsAdminMixin, plan_admin.ScopedAdminMixin, admin.ModelAdmin):
    """One target cell per page: the text as typed; its groups are derived."""

    form = TargetForm
    list_display = [
        plan_admin.year_column,
        "owner",
        "group",
        "state",
        plan_admin.value_column,
        "raw_text",
    ]
    list_filter = [TargetPlanFilter, plan_admin.YearFilter, "state", "group"]
    search_fields = [
        "indicator__name__tr_contains",
        "activity__title__tr_contains",
        "raw_text__tr_contains",
        "indicator__activity__code",
        "activity__code",
    ]
    list_select_related = ["indicator__activity", "activity", "group"]
    autocomplete_fields = ["indicator", "activity"]
    readonly_fields = ["groups"]
    fields = ["indicator", "activity", "year", "raw_text", "groups"]

    @admin.display(description=_("gruplara ayrılışı"))
    def groups(self, obj):
        return split_text(obj.raw_text) if obj and obj.pk else "–"

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.user = request.user
        return form

    @admin.display(description=_("gösterge / faaliyet"))
    def owner(self, obj):
        if obj.indicator_id:
            return f"{obj.indicator.activity.code} · {obj.indicator}"
        return f"{obj.activity.code} · {obj.activity.title[:80]}"

    def save_model(self, request, obj, form, change):
        targets_apply(form.changes, user=request.user, source=SOURCE)
        last = form.changes[-1]
        head = (
            Target.objects.filter(
                indicator_id=last.indicator_id, activity_id=last.activity_id, year=last.year
            )
            .order_by("pk")
            .first()
        )
        obj.pk = head.pk if head else None

    def figures_of(self, objs):
        keys = {(t.indicator_id, t.activity_id, t.year) for t in objs}
        return [TargetChange(y, None, i, a) for i, a, y in keys], []

    def delete_model(self, request, obj):
        targets_delete([obj], user=request.user, source=f"{SOURCE}: silindi")

    def delete_queryset(self, request, queryset):
        targets_delete(list(queryset), user=request.user, source=f"{SOURCE}: silindi")
