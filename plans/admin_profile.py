"""The local gender profile in the admin: the measures (platform administrators), the
figures on the municipality's page, and the link of an indicator to a measure with the
profile's figure offered as the indicator's baseline. The profile's own list, import
and template are added by monitoring.admin_profile."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils import formats
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .gender_profile import IndicatorProfileLink, ProfileFigure, ProfileMeasure, proposed_baseline

USE_BASELINE = "_profile_baseline"  # the button's name
WIDTHS = {"area": "10em", "source": "11em", "year": "4.5em", "women": "6em", "men": "6em"}
WIDTHS["total"] = "6em"


def once_choices(field):
    """A foreign key's choices read once for a whole inline, not once per row."""
    if field is not None and hasattr(field, "queryset"):
        field.choices = [choice for choice in field.choices]  # noqa: C416 (list() counts first)
    return field


@admin.register(ProfileMeasure)
class ProfileMeasureAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "area_label", "position"]
    list_editable = ["position"]
    search_fields = ["name__tr_contains"]
    prepopulated_fields = {"code": ["name"]}


class ProfileFigureInline(admin.TabularInline):
    """On the municipality's page: every figure of its profile."""

    model = ProfileFigure
    extra = 0
    fields = ["measure", "year", "area", "women", "men", "total", "source"]
    ordering = ["measure__position", "-year", "area"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("measure")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return once_choices(super().formfield_for_foreignkey(db_field, request, **kwargs))

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "measure":  # a plain choice: the row stays narrow
            for name in ("can_add_related", "can_change_related", "can_delete_related"):
                setattr(field.widget, name, False)
            field.widget.can_view_related = False
        elif db_field.name in WIDTHS:
            field.widget.attrs["style"] = f"width: {WIDTHS[db_field.name]}"
        return field


class IndicatorProfileLinkInline(admin.StackedInline):
    model = IndicatorProfileLink
    extra = 0
    max_num = 1
    can_delete = True
    fields = ["measure", "quantity"]
    verbose_name = _("yerel profil bağlantısı")  # the heading: one link at most


class ProfileBaselineMixin:
    """An indicator admin with its profile link and the profile's figure offered as its
    baseline ("Mevcut"): shown beside the baseline, taken with one button."""

    def get_inlines(self, request, obj):
        return [*super().get_inlines(request, obj), IndicatorProfileLinkInline]

    def _baseline_field(self, request, obj) -> str:
        """The proposal with its button for whoever may change the indicator, else the
        proposal alone."""
        return "profile_baseline" if self.has_change_permission(request, obj) else "profile_seen"

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), self._baseline_field(request, obj)]

    def get_fieldsets(self, request, obj=None):
        fieldsets = [(name, dict(opts)) for name, opts in super().get_fieldsets(request, obj)]
        for _name, opts in fieldsets:
            fields = list(opts.get("fields", ()))
            if ("baseline_value", "baseline_raw") in fields:
                at = fields.index(("baseline_value", "baseline_raw")) + 1
                extra = self._baseline_field(request, obj)
                opts["fields"] = [*fields[:at], extra, *fields[at:]]
                break
        return fieldsets

    @staticmethod
    def _proposal(obj):
        """(text, whether there is a figure to take)."""
        link = getattr(obj, "profile_link", None) if obj and obj.pk else None
        if link is None:
            return _(
                "Gösterge yerel cinsiyet profilindeki bir rakamı ölçüyorsa aşağıdaki "
                "“Yerel profil bağlantısı” bölümünden bağlayın; profildeki "
                "rakam burada mevcut değer olarak önerilir."
            ), False
        proposal = proposed_baseline(link)
        if proposal is None:
            return _("Belediyenin yerel profilinde bu ölçü için rakam yok."), False
        return format_html('<span id="profile-baseline">{}</span>', proposal[1]), True

    @admin.display(description=_("yerel profilden önerilen"))
    def profile_baseline(self, obj):
        text, found = self._proposal(obj)
        if not found:
            return text
        return format_html(
            '{} <button type="submit" class="button" name="{}" value="1">{}</button>',
            text,
            USE_BASELINE,
            _("Mevcut değer olarak kullan"),
        )

    @admin.display(description=_("yerel profilden önerilen"))
    def profile_seen(self, obj):
        return self._proposal(obj)[0]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if USE_BASELINE not in request.POST:
            return
        indicator = form.instance
        link = IndicatorProfileLink.objects.filter(indicator=indicator).first()
        proposal = proposed_baseline(link) if link else None
        if proposal is None:
            messages.warning(request, _("Yerel profilde önerilecek bir rakam yok."))
            return
        indicator.baseline_value, indicator.baseline_raw = proposal
        indicator.save(update_fields=["baseline_value", "baseline_raw"])
        messages.success(
            request,
            _("Mevcut değer yerel profilden alındı: %(value)s.")
            % {"value": formats.number_format(proposal[0].normalize(), use_l10n=True)},
        )

    def response_change(self, request, obj):
        if USE_BASELINE in request.POST:
            request.POST = request.POST.copy()
            request.POST["_continue"] = "1"  # back to the same indicator
        return super().response_change(request, obj)
