"""The admin's upload of a local gender profile sheet: the one preview/confirm flow of
``upload_views`` with the profile's form, dry run and message."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from plans.models import Municipality
from plans.scoping import scope

from .profile_sheet import import_profile
from .upload_views import UploadFlow, WorkbookField


class ProfileUploadForm(forms.Form):
    file = WorkbookField(label=_("Yerel profil tablosu (.xlsx)"))
    municipality = forms.ModelChoiceField(label=_("Belediye"), queryset=Municipality.objects.none())

    def __init__(self, *args, municipalities=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["municipality"]
        field.queryset = municipalities
        if len(municipalities) == 1:  # a municipality's staff: their own only
            field.initial = municipalities[0].pk
            field.disabled = True


class ProfileUpload(UploadFlow):
    kind = "profile"
    title = _("Yerel cinsiyet profili içe aktar")
    preview_template = "admin/imports/profile_preview.html"

    def municipalities(self):
        return scope(Municipality.objects.all(), self.request.user)

    def allowed(self) -> bool:
        return self.model_admin.has_add_permission(self.request) and (
            self.model_admin.has_change_permission(self.request)
        )

    def form(self, data=None, files=None, initial=None):
        return ProfileUploadForm(data, files, initial=initial, municipalities=self.municipalities())

    def params(self, form) -> dict:
        return {"municipality": form.cleaned_data["municipality"].pk}

    def run(self, data, params, *, dry_run):
        # the municipality is looked up again among the user's own at each step
        municipality = self.municipalities().get(pk=params["municipality"])
        return import_profile(source=data, municipality=municipality, dry_run=dry_run)

    def preview(self, result, params) -> dict:
        return {"result": result, "counts": result.counts}

    def done(self, result):
        messages.success(
            self.request,
            _(
                "%(municipality)s yerel profili kaydedildi: %(new)s yeni, %(changed)s değişen, "
                "%(unchanged)s değişmeyen rakam."
            )
            % {"municipality": result.municipality, **result.counts},
        )
        return redirect("admin:plans_profilefigure_changelist")
