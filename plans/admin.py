"""The admin is the data-entry product: plan > theme > goal > activity > indicator, each
reachable in a click or two, with Turkish-folding search and no query per row."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import admin
from django.db.models import Count, Prefetch
from django.urls import reverse
from django.utils import formats
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from .admin_profile import ProfileBaselineMixin, ProfileFigureInline
from .models import (
    Activity,
    Goal,
    Group,
    Indicator,
    Municipality,
    Plan,
    Strategy,
    Theme,
    Unit,
    UnitAlias,
    UserProfile,
)
from .scoping import scope


class ScopedAdminMixin:
    """Only the user's municipality: in lists, change forms (a guessed id is a 404) and
    every choice of a related object (a posted id of another municipality is refused)."""

    def get_queryset(self, request):
        return scope(super().get_queryset(request), request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and hasattr(field, "queryset"):
            field.queryset = scope(field.queryset, request.user)
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and hasattr(field, "queryset"):
            field.queryset = scope(field.queryset, request.user)
        return field


@admin.display(description=_("yıl"), ordering="year")
def year_column(obj) -> str:
    """A year as written, not "2.024" (Turkish thousands separator)."""
    return str(obj.year)


@admin.display(description=_("değer"), ordering="value")
def value_column(obj) -> str:
    """987 rather than "987,0000"; 4.910 and 1.234,5 (Turkish grouping and decimal comma)."""
    if obj.value is None:
        return "–"
    value = obj.value.normalize()
    if value == value.to_integral_value():
        value = value.quantize(Decimal(1))  # 4.91E+3 -> 4910
    return formats.number_format(value, use_l10n=True, force_grouping=True)


def changelist_link(model, label: str, **params) -> str:
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    return format_html('<a href="{}?{}">{}</a>', url, urlencode(params), label)


class PlanFilter(admin.SimpleListFilter):
    title = _("plan")
    parameter_name = "plan"
    path = "theme__plan"

    def lookups(self, request, model_admin):
        return [(p.pk, str(p)) for p in scope(Plan.objects.all(), request.user)]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{f"{self.path}__id": self.value()})
        return queryset


class ThemeFilter(admin.SimpleListFilter):
    """Themes of the chosen plan only (all themes when no plan is chosen)."""

    title = _("tema")
    parameter_name = "theme"
    path = "theme"

    def lookups(self, request, model_admin):
        qs = scope(Theme.objects.select_related("plan"), request.user)
        plan = request.GET.get("plan")
        if plan and plan.isdigit():
            qs = qs.filter(plan_id=plan)
        return [(t.pk, f"{t.plan.title[:25]} · {t}" if not plan else str(t)) for t in qs]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{f"{self.path}__id": self.value()})
        return queryset


class ResponsibleUnitFilter(admin.SimpleListFilter):
    title = _("sorumlu birim")
    parameter_name = "unit"
    path = "responsible_units"

    def lookups(self, request, model_admin):
        qs = scope(Unit.objects.filter(responsible_for__isnull=False), request.user).distinct()
        plan = request.GET.get("plan")
        if plan and plan.isdigit():
            qs = qs.filter(responsible_for__theme__plan_id=plan)
        return [(u.pk, u.name) for u in qs.order_by("name")]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{f"{self.path}__id": self.value()}).distinct()
        return queryset


class YearFilter(admin.SimpleListFilter):
    title = _("yıl")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = model_admin.get_queryset(request).order_by().values_list("year", flat=True)
        return [(y, str(y)) for y in sorted(set(years.distinct()))]

    def queryset(self, request, queryset):
        if self.value() and str(self.value()).isdigit():
            return queryset.filter(year=int(self.value()))
        return queryset


@admin.register(Municipality)
class MunicipalityAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name__tr_contains"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ProfileFigureInline]  # the local gender profile


class UnitAliasInline(ScopedAdminMixin, admin.TabularInline):
    model = UnitAlias
    extra = 1
    fields = ["alias"]


@admin.register(Unit)
class UnitAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Import and export (the flat unit table) are added by monitoring.admin_figures."""

    list_display = ["name", "kind", "municipality", "alias_list"]
    list_filter = [("municipality", admin.RelatedOnlyFieldListFilter), "kind"]
    search_fields = ["name__tr_contains", "aliases__alias__tr_contains"]
    list_select_related = ["municipality"]
    inlines = [UnitAliasInline]
    fields = ["municipality", "name", "kind", "contact_emails"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("aliases")

    @admin.display(description=_("başka yazılışlar"))
    def alias_list(self, obj):
        return ", ".join(a.alias for a in obj.aliases.all())


@admin.register(Group)
class GroupAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "code", "sex", "age_band", "disability", "position"]
    list_editable = ["position"]
    search_fields = ["name__tr_contains", "aliases__tr_contains"]


class ThemeInline(ScopedAdminMixin, admin.TabularInline):
    model = Theme
    extra = 0
    fields = ["position", "code", "title"]
    show_change_link = True


GENERATION_WORDS = {Plan.Kind.REVISION: _("Yeni sürüm"), Plan.Kind.NEXT: _("Sonraki dönem planı")}


@admin.register(Plan)
class PlanAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = [
        "title",
        "municipality",
        "period",
        "version",
        "generation",
        "status",
        "is_public",
        "theme_count",
        "activity_count",
        "links",
    ]
    list_filter = ["status", ("municipality", admin.RelatedOnlyFieldListFilter), "is_public"]
    search_fields = ["title__tr_contains", "municipality__name__tr_contains"]
    list_select_related = ["municipality", "predecessor"]
    readonly_fields = ["structure", "links", "predecessor", "kind"]
    inlines = [ThemeInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "municipality",
                    "title",
                    ("first_year", "last_year"),
                    "version",
                    "status",
                    "is_public",
                    "links",
                ]
            },
        ),
        (_("Meclis kararı"), {"fields": [("council_decision_date", "council_decision_number")]}),
        (_("Plan kuşağı"), {"fields": [("predecessor", "kind")]}),
        (
            _("Düzeylerin bu plandaki adları"),
            {"fields": [("theme_label", "goal_label", "strategy_label", "activity_label")]},
        ),
        (_("Plan yapısı"), {"fields": ["structure"]}),
        (_("Kaynak"), {"fields": ["source_note"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_themes=Count("themes", distinct=True),
                n_activities=Count("themes__activities", distinct=True),
            )
        )

    change_list_template = "admin/plans/plan/change_list.html"

    @admin.display(description=_("dönem"))
    def period(self, obj):
        return f"{obj.first_year}–{obj.last_year}"

    @admin.display(description=_("önceki plana göre"))
    def generation(self, obj):
        """ "Yeni sürüm: <the plan it revises>"; "-" for a first plan."""
        if not obj.predecessor_id:
            return "-"
        before = obj.predecessor
        return format_html(
            "{}<br><span class='quiet'>{} {}–{}, {}</span>",
            GENERATION_WORDS.get(obj.kind, obj.get_kind_display()),
            _("önceki:"),
            before.first_year,
            before.last_year,
            _("%(v)s. sürüm") % {"v": before.version},
        )

    @admin.display(description=_("tema"), ordering="n_themes")
    def theme_count(self, obj):
        return obj.n_themes

    @admin.display(description=_("faaliyet"), ordering="n_activities")
    def activity_count(self, obj):
        return obj.n_activities

    @admin.display(description=_("git"))
    def links(self, obj):
        if not obj.pk:
            return "-"
        entry = reverse("admin:monitoring_realization_yearly_entry")
        report = reverse("admin:monitoring_realization_report", args=[obj.pk])
        reports = format_html_join(
            " ", "<a href='{}?year={}'>{}</a>", ((report, y, y) for y in obj.years)
        )
        return format_html(
            "{} · {} · {} · <a href='{}?{}'>{}</a> · {} {}",
            changelist_link(Theme, _("Temalar"), plan__id__exact=obj.pk),
            changelist_link(Activity, _("Faaliyetler"), plan=obj.pk),
            changelist_link(Indicator, _("Göstergeler"), plan=obj.pk),
            entry,
            urlencode({"plan": obj.pk}),
            _("Yıllık gerçekleşme girişi"),
            _("Gerçekleşme raporu (xlsx):"),
            reports,
        )

    @admin.display(description=_("temalar, hedefler ve faaliyetler"))
    def structure(self, obj):
        if not obj.pk:
            return "-"
        themes = obj.themes.prefetch_related(
            Prefetch("goals", queryset=Goal.objects.prefetch_related("strategies")),
            Prefetch(
                "activities",
                queryset=Activity.objects.only(
                    "id", "code", "title", "theme_id", "goal_id", "strategy_id", "position"
                ),
            ),
        )
        parts = []
        for theme in themes:
            acts = list(theme.activities.all())
            items = []
            for goal in list(theme.goals.all()) + [None]:
                goal_acts = [a for a in acts if a.goal_id == (goal.pk if goal else None)]
                if goal is None and not goal_acts:
                    continue
                act_html = format_html_join(
                    "",
                    "<li><a href='{}'>{} {}</a></li>",
                    (
                        (reverse("admin:plans_activity_change", args=[a.pk]), a.code, a.title[:110])
                        for a in goal_acts
                    ),
                )
                if goal is None:
                    items.append(format_html("<ul>{}</ul>", act_html))
                else:
                    items.append(
                        format_html(
                            "<li><a href='{}'><strong>{}</strong></a> ({}) <ul>{}</ul></li>",
                            reverse("admin:plans_goal_change", args=[goal.pk]),
                            str(goal)[:140],
                            len(goal_acts),
                            act_html,
                        )
                    )
            parts.append(
                format_html(
                    "<details><summary><a href='{}'>{}</a> — {} {}</summary><ul>{}</ul></details>",
                    reverse("admin:plans_theme_change", args=[theme.pk]),
                    str(theme),
                    len(acts),
                    obj.activity_label.lower(),
                    format_html_join("", "{}", ((i,) for i in items)),
                )
            )
        return format_html_join("", "{}", ((p,) for p in parts))


class GoalInline(ScopedAdminMixin, admin.TabularInline):
    model = Goal
    extra = 0
    fields = ["position", "code", "title"]
    show_change_link = True


@admin.register(Theme)
class ThemeAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "plan", "position", "activity_count", "activities_link"]
    list_filter = [("plan", admin.RelatedOnlyFieldListFilter)]  # the user's plans only
    search_fields = ["code", "title__tr_contains"]
    list_select_related = ["plan"]
    inlines = [GoalInline]
    autocomplete_fields = ["plan"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_activities=Count("activities"))

    @admin.display(description=_("faaliyet sayısı"), ordering="n_activities")
    def activity_count(self, obj):
        return obj.n_activities

    @admin.display(description=_("faaliyetler"))
    def activities_link(self, obj):
        return changelist_link(Activity, _("Faaliyetleri göster"), theme=obj.pk)


class StrategyInline(ScopedAdminMixin, admin.TabularInline):
    model = Strategy
    extra = 0
    fields = ["position", "code", "title"]
    show_change_link = True


class ActivityInline(ScopedAdminMixin, admin.TabularInline):
    model = Activity
    extra = 0
    fields = ["position", "code", "title"]
    show_change_link = True
    fk_name = "goal"

    def get_queryset(self, request):
        return super().get_queryset(request).only("id", "position", "code", "title", "goal_id")


@admin.register(Goal)
class GoalAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "theme"]
    list_filter = [PlanFilter]
    search_fields = ["code", "title__tr_contains"]
    list_select_related = ["theme__plan"]
    autocomplete_fields = ["theme"]
    inlines = [StrategyInline, ActivityInline]


@admin.register(Strategy)
class StrategyAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "goal"]
    search_fields = ["code", "title__tr_contains"]
    list_select_related = ["goal__theme"]
    autocomplete_fields = ["goal"]

    class _Plan(PlanFilter):
        path = "goal__theme__plan"

    list_filter = [_Plan]


class IndicatorInline(ScopedAdminMixin, admin.StackedInline):
    model = Indicator
    extra = 0
    fields = [
        ("position", "name"),
        ("value_type", "unit_of_measure", "accumulation", "direction"),
        ("baseline_value", "baseline_raw"),
    ]
    show_change_link = True


@admin.register(Activity)
class ActivityAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "short_title", "theme", "responsible", "indicator_count"]
    list_display_links = ["code", "short_title"]
    list_filter = [PlanFilter, ThemeFilter, ResponsibleUnitFilter, "timing"]
    search_fields = [
        "code",
        "title__tr_contains",
        "responsible_raw__tr_contains",
        "indicators__name__tr_contains",
    ]
    autocomplete_fields = ["theme", "goal", "strategy", "responsible_units", "partner_units"]
    inlines = [IndicatorInline]
    fieldsets = [
        (None, {"fields": [("theme", "goal", "strategy"), ("code", "position"), "title"]}),
        (_("Zamanlama"), {"fields": [("timing", "start_year", "end_year"), "timing_raw"]}),
        (
            _("Sorumlular"),
            {"fields": ["responsible_units", "responsible_raw", "partner_units", "partners_raw"]},
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("theme__plan")
            .prefetch_related("responsible_units")
            .annotate(n_indicators=Count("indicators", distinct=True))
        )

    @admin.display(description=_("faaliyet"), ordering="title")
    def short_title(self, obj):
        return obj.title if len(obj.title) < 120 else obj.title[:117] + "…"

    @admin.display(description=_("sorumlu birimler"))
    def responsible(self, obj):
        return ", ".join(u.name for u in obj.responsible_units.all()) or obj.responsible_raw

    @admin.display(description=_("gösterge"), ordering="n_indicators")
    def indicator_count(self, obj):
        return obj.n_indicators


class IndicatorPlanFilter(PlanFilter):
    path = "activity__theme__plan"


class IndicatorThemeFilter(ThemeFilter):
    path = "activity__theme"


class IndicatorUnitFilter(ResponsibleUnitFilter):
    path = "activity__responsible_units"


@admin.register(Indicator)
class IndicatorAdmin(ProfileBaselineMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Figures (targets, realizations, history) are added by monitoring.admin_figures."""

    list_display = [
        "name",
        "activity_code",
        "value_type",
        "accumulation",
        "baseline_raw",
        "plan_title",
    ]
    list_filter = [
        IndicatorPlanFilter,
        IndicatorThemeFilter,
        IndicatorUnitFilter,
        "value_type",
        "accumulation",
    ]
    search_fields = ["name__tr_contains", "activity__code", "activity__title__tr_contains"]
    list_select_related = ["activity__theme__plan"]
    autocomplete_fields = ["activity"]
    readonly_fields = ["continues"]
    fieldsets = [
        (None, {"fields": ["activity", ("position", "name"), "continues"]}),
        (
            _("Ölçüm"),
            {
                "fields": [
                    ("value_type", "unit_of_measure"),
                    ("accumulation", "direction"),
                    ("baseline_value", "baseline_raw"),
                ]
            },
        ),
    ]

    @admin.display(description=_("faaliyet kodu"), ordering="activity__code")
    def activity_code(self, obj):
        return obj.activity.code

    @admin.display(description=_("plan"))
    def plan_title(self, obj):
        return obj.activity.theme.plan.title


@admin.register(UserProfile)
class UserProfileAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["user", "municipality", "unit"]
    list_select_related = ["user", "municipality", "unit"]
    autocomplete_fields = ["unit"]
