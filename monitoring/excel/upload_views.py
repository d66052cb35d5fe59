"""Admin upload pages: a plan workbook or a year's realization workbook is uploaded,
checked without storing anything (a preview with counts, warnings and every change),
then stored when the user confirms. The file waits in a private folder (never served)
under a random token kept in the user's session."""

from __future__ import annotations

import secrets
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from monitoring.excel.plan_table import import_plan
from monitoring.excel.reader import WorkbookError
from plans.models import Municipality, Plan
from plans.scoping import directorate_unit

from .realization_form import import_realizations

SESSION_KEY = "yeep_uploads"
ALLOWED_SUFFIXES = {".xlsx", ".xlsm"}


def upload_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "private" / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


class WorkbookField(forms.FileField):
    def clean(self, data, initial=None):
        f = super().clean(data, initial)
        if f is None:
            return f
        if f.size > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                _("Dosya çok büyük: %(size).1f MB; sınır %(limit).1f MB.")
                % {"size": f.size / 1048576, "limit": settings.UPLOAD_MAX_BYTES / 1048576}
            )
        if Path(f.name).suffix.lower() not in ALLOWED_SUFFIXES | {".xls", ".csv"}:
            raise forms.ValidationError(_("Yalnızca Excel çalışma kitabı (.xlsx) yüklenebilir."))
        return f


class PlanUploadForm(forms.Form):
    file = WorkbookField(label=_("Plan tablosu (.xlsx)"))
    municipality = forms.CharField(
        label=_("Belediye"),
        max_length=200,
        help_text=_("Var olan bir belediyenin adı ya da yeni bir belediye."),
    )
    title = forms.CharField(
        label=_("Planın başlığı"),
        max_length=300,
        required=False,
        help_text=_("Boş bırakılırsa tablodaki başlık satırı kullanılır."),
    )
    year = forms.IntegerField(
        label=_("Gerçekleşme yılı"),
        required=False,
        min_value=2000,
        max_value=2100,
        help_text=_("Tabloda “Gerçekleşme” sütunu varsa ve başlıkta yıl yazmıyorsa."),
    )


class RealizationUploadForm(forms.Form):
    file = WorkbookField(label=_("Gerçekleşme tablosu (.xlsx)"))
    year = forms.IntegerField(
        label=_("Yıl"),
        min_value=2000,
        max_value=2100,
        required=False,
        help_text=_(
            "Boş bırakılırsa dosyanın başlığından okunur (“2025 YILI GERÇEKLEŞME RAPORU”)."
        ),
    )
    plan = forms.ModelChoiceField(
        label=_("Plan"),
        queryset=Plan.objects.none(),
        required=False,
        help_text=_("Dışa aktarılmış rapor ya da form için gerekmez (gizli anahtar sütunu)."),
    )

    def __init__(self, *args, plans=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans if plans is not None else Plan.objects.all()


def _stash(request, data: bytes, kind: str, params: dict) -> str:
    token = secrets.token_urlsafe(16)
    (upload_dir() / f"{token}.xlsx").write_bytes(data)
    uploads = request.session.get(SESSION_KEY, {})
    uploads[token] = {"kind": kind, "params": params}
    request.session[SESSION_KEY] = uploads
    return token


def _unstash(request, token: str, kind: str) -> tuple[bytes, dict]:
    uploads = request.session.get(SESSION_KEY, {})
    entry = uploads.get(token)
    path = upload_dir() / f"{token}.xlsx"
    if not entry or entry["kind"] != kind or not path.exists():
        raise PermissionDenied
    return path.read_bytes(), entry["params"]


def _forget(request, token: str) -> None:
    uploads = request.session.get(SESSION_KEY, {})
    uploads.pop(token, None)
    request.session[SESSION_KEY] = uploads
    (upload_dir() / f"{token}.xlsx").unlink(missing_ok=True)


def plan_import_view(model_admin, request):
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Plan tablosu içe aktar"),
        "kind": "plan",
    }
    if request.method == "POST" and "token" in request.POST:
        token = request.POST["token"]
        data, params = _unstash(request, token, "plan")
        try:
            result = import_plan(source=data, user=request.user, **params)
        except WorkbookError as exc:
            _forget(request, token)
            context.update(form=PlanUploadForm(), errors=exc.issues)
            return TemplateResponse(request, "admin/imports/upload.html", context)
        _forget(request, token)
        messages.success(
            request,
            _("Plan kaydedildi: %(plan)s (%(counts)s).")
            % {"plan": result.plan, "counts": _counts(result.summary.counts())},
        )
        return redirect("admin:plans_plan_change", result.plan.pk)
    own = (
        None
        if request.user.is_superuser
        else getattr(getattr(request.user, "profile", None), "municipality", None)
    )
    if not request.user.is_superuser and own is None:
        raise PermissionDenied
    form = PlanUploadForm(
        request.POST or None,
        request.FILES or None,
        initial={"municipality": own.name if own else ""},
    )
    if own is not None:
        # a municipality's staff import into their own municipality only
        form.fields["municipality"].disabled = True
        form.fields["municipality"].initial = own.name
    if request.method == "POST" and form.is_valid():
        data = b"".join(form.cleaned_data["file"].chunks())
        params = {
            "municipality_name": own.name if own else form.cleaned_data["municipality"],
            "title": form.cleaned_data["title"] or None,
            "year": form.cleaned_data["year"],
            "file_name": form.cleaned_data["file"].name,
        }
        try:
            preview = import_plan(source=data, dry_run=True, **params)
        except WorkbookError as exc:
            context.update(form=form, errors=exc.issues)
            return TemplateResponse(request, "admin/imports/upload.html", context)
        context.update(
            token=_stash(request, data, "plan", params),
            preview=preview,
            counts=preview.summary.counts(),
            municipality_exists=Municipality.objects.filter(
                name=params["municipality_name"].strip()
            ).exists(),
            params=params,
        )
        return TemplateResponse(request, "admin/imports/plan_preview.html", context)
    context["form"] = form
    return TemplateResponse(request, "admin/imports/upload.html", context)


def realization_import_view(model_admin, request, plans):
    if not model_admin.has_change_permission(request):
        raise PermissionDenied
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Gerçekleşme tablosu içe aktar"),
        "kind": "realization",
    }
    if request.method == "POST" and "token" in request.POST:
        token = request.POST["token"]
        data, params = _unstash(request, token, "realization")
        plan = plans.filter(pk=params["plan"]).first() if params.get("plan") else None
        try:
            result = import_realizations(
                source=data,
                year=params["year"],
                plan=plan,
                user=request.user,
                plans=plans,
                unit_id=directorate_unit(request.user),
            )
        except WorkbookError as exc:
            _forget(request, token)
            # the choices made stay: only the file is to be chosen again
            form = RealizationUploadForm(plans=plans, initial=params)
            context.update(form=form, errors=exc.issues)
            return TemplateResponse(request, "admin/imports/upload.html", context)
        _forget(request, token)
        messages.success(
            request,
            _(
                "%(year)s gerçekleşmeleri kaydedildi: %(new)s yeni, %(changed)s değişen, "
                "%(unchanged)s değişmeyen."
            )
            % {"year": result.year, **result.counts},
        )
        return redirect("admin:monitoring_realization_changelist")
    form = RealizationUploadForm(request.POST or None, request.FILES or None, plans=plans)
    if request.method == "POST" and form.is_valid():
        data = b"".join(form.cleaned_data["file"].chunks())
        plan = form.cleaned_data["plan"]
        params = {"year": form.cleaned_data["year"], "plan": plan.pk if plan else None}
        try:
            result = import_realizations(
                source=data,
                year=params["year"],
                plan=plan,
                dry_run=True,
                plans=plans,
                unit_id=directorate_unit(request.user),
                user=request.user,
            )
        except WorkbookError as exc:
            context.update(form=form, errors=exc.issues)
            return TemplateResponse(request, "admin/imports/upload.html", context)
        if not plans.filter(pk=result.plan.pk).exists():
            raise PermissionDenied
        context.update(
            token=_stash(request, data, "realization", params),
            result=result,
            changed_lines=[x for x in result.lines if x.kind != "unchanged"],
            # what stays as stored but is flagged (a reason that will be asked for)
            flagged_lines=[x for x in result.lines if x.kind == "unchanged" and x.facts.flags],
        )
        return TemplateResponse(request, "admin/imports/realization_preview.html", context)
    context["form"] = form
    return TemplateResponse(request, "admin/imports/upload.html", context)


def _counts(counts: dict) -> str:
    return ", ".join(f"{v} {k}" for k, v in counts.items())
