"""The local gender profile's list in the admin, with its sheet: a template to
download (the municipality's figures in it) and the import (preview, then confirm)."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from monitoring.templatetags.yeep_format import format_percent
from plans.admin import ScopedAdminMixin, year_column
from plans.admin_profile import once_choices
from plans.models import Municipality, ProfileFigure
from plans.scoping import scope

from .excel.profile_sheet import template_bytes
from .excel.profile_upload import ProfileUpload
from .excel.upload_views import upload_view

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@admin.register(ProfileFigure)
class ProfileFigureAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = [
        "measure",
        year_column,
        "area",
        "women",
        "men",
        "people",
        "women_share_column",
        "municipality",
    ]
    list_display_links = ["measure"]
    list_filter = ["measure", "year", ("municipality", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["area__tr_contains", "source__tr_contains"]
    list_select_related = ["measure", "municipality"]
    fields = [
        "municipality",
        ("measure", "year", "area"),
        ("women", "men", "total"),
        "source",
        "raw_text",
    ]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return once_choices(super().formfield_for_foreignkey(db_field, request, **kwargs))

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        own = scope(Municipality.objects.all(), request.user)
        if not request.user.is_superuser and len(own) == 1:
            initial.setdefault("municipality", own[0].pk)
        return initial

    @admin.display(description=_("toplam"))
    def people(self, obj):
        return obj.people

    @admin.display(description=_("kadınların payı"))
    def women_share_column(self, obj):
        return format_percent(obj.women_share) or "–"

    def get_urls(self):
        return [
            path(
                "ice-aktar/",
                self.admin_site.admin_view(lambda r: upload_view(ProfileUpload(self, r))),
                name="plans_profilefigure_import",
            ),
            path(
                "sablon.xlsx",
                self.admin_site.admin_view(self.template_view),
                name="plans_profilefigure_template",
            ),
            *super().get_urls(),
        ]

    def template_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        own = scope(Municipality.objects.all(), request.user)
        chosen = request.GET.get("belediye")
        municipality = own.filter(pk=chosen).first() if chosen and chosen.isdigit() else None
        if municipality is None and not request.user.is_superuser:
            municipality = own.first()
        response = HttpResponse(template_bytes(municipality), content_type=XLSX)
        response["Content-Disposition"] = 'attachment; filename="yerel-profil-sablonu.xlsx"'
        return response
