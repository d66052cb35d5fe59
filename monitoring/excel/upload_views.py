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
# a plan also comes as the council's Word document; .xls and .doc get the reader's own
# message (save it in the new format)
PLAN_SUFFIXES = ALLOWED_SUFFIXES | {".docx"}


def upload_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "private" / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


class WorkbookField(forms.FileField):
    def __init__(self, *args, suffixes=ALLOWED_SUFFIXES, refusal=None, **kwargs):
        self.suffixes, self.refusal = suffixes, refusal
        kwargs.setdefault(
            "widget", forms.ClearableFileInput(attrs={"accept": ",".join(sorted(suffixes))})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        f = super().clean(data, initial)
        if f is None:
            return f
        if f.size > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                _("Dosya çok büyük: %(size).1f MB; sınır %(limit).1f MB.")
                % {"size": f.size / 1048576, "limit": settings.UPLOAD_MAX_BYTES / 1048576}
            )
        if Path(f.name).suffix.lower() not in self.suffixes | {".xls", ".csv", ".doc"}:
            raise forms.ValidationError(
                self.refusal or _("Yalnızca Excel çalışma kitabı (.xlsx) yüklenebilir.")
            )
        return f


class PlanUploadForm(forms.Form):
    file = WorkbookField(
        label=_("Plan tablosu (.xlsx ya da Word belgesi .docx)"),
        suffixes=PLAN_SUFFIXES,
        refusal=_("Yalnızca Excel çalışma kitabı (.xlsx) ya da Word belgesi (.docx) yüklenebilir."),
    )
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


class UploadFlow:
    """What differs between the two uploads; ``upload_view`` is the one flow: a form, a
    preview made by a dry run (nothing stored), the file kept under a token, then the
    real run on confirmation. A refusal at either step shows the form again with the
    choices kept and every issue with its sheet, row and column."""

    kind = ""
    title = ""
    preview_template = ""

    def __init__(self, model_admin, request):
        self.model_admin, self.request = model_admin, request

    def allowed(self) -> bool:
        raise NotImplementedError

    def form(self, data=None, files=None, initial=None) -> forms.Form:
        raise NotImplementedError

    def params(self, form) -> dict:
        raise NotImplementedError

    def run(self, data: bytes, params: dict, *, dry_run: bool):
        raise NotImplementedError

    def preview(self, result, params) -> dict:
        raise NotImplementedError

    def confirmed(self, params: dict) -> dict:
        """The parameters for the real run: what was uploaded, and what the user chose
        on the preview page."""
        return params

    def done(self, result):
        raise NotImplementedError


def upload_view(flow: UploadFlow):
    request = flow.request
    if not flow.allowed():
        raise PermissionDenied
    admin_site = flow.model_admin.admin_site
    context = {
        **admin_site.each_context(request),
        "opts": flow.model_admin.model._meta,
        "title": flow.title,
        "kind": flow.kind,
    }

    def refused(form, exc: WorkbookError):
        context.update(form=form, errors=exc.issues)
        return TemplateResponse(request, "admin/imports/upload.html", context)

    if request.method == "POST" and "token" in request.POST:
        token = request.POST["token"]
        data, params = _unstash(request, token, flow.kind)
        try:
            result = flow.run(data, flow.confirmed(params), dry_run=False)
        except WorkbookError as exc:
            _forget(request, token)
            # the choices made stay: only the file is to be chosen again
            return refused(flow.form(initial=params), exc)
        _forget(request, token)
        return flow.done(result)
    form = flow.form(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = b"".join(form.cleaned_data["file"].chunks())
        params = flow.params(form)
        try:
            result = flow.run(data, params, dry_run=True)
        except WorkbookError as exc:
            return refused(form, exc)
        context.update(
            token=_stash(request, data, flow.kind, params), **flow.preview(result, params)
        )
        return TemplateResponse(request, flow.preview_template, context)
    context["form"] = form
    return TemplateResponse(request, "admin/imports/upload.html", context)


class PlanUpload(UploadFlow):
    kind = "plan"
    title = _("Plan tablosu içe aktar")
    preview_template = "admin/imports/plan_preview.html"

    @property
    def own(self):
        """The user's municipality (None for a platform administrator)."""
        user = self.request.user
        return (
            None
            if user.is_superuser
            else getattr(getattr(user, "profile", None), "municipality", None)
        )

    def allowed(self) -> bool:
        user = self.request.user
        return self.model_admin.has_add_permission(self.request) and (
            user.is_superuser or self.own is not None
        )

    def form(self, data=None, files=None, initial=None):
        own = self.own
        initial = {"municipality": own.name if own else "", **(initial or {})}
        initial.pop("municipality_name", None)
        form = PlanUploadForm(data, files, initial=initial)
        if own is not None:
            # a municipality's staff import into their own municipality only
            form.fields["municipality"].disabled = True
            form.fields["municipality"].initial = own.name
        return form

    def params(self, form) -> dict:
        own = self.own
        return {
            "municipality_name": own.name if own else form.cleaned_data["municipality"],
            "title": form.cleaned_data["title"] or None,
            "year": form.cleaned_data["year"],
            "file_name": form.cleaned_data["file"].name,
        }

    def run(self, data, params, *, dry_run):
        user = None if dry_run else self.request.user
        return import_plan(source=data, dry_run=dry_run, user=user, **params)

    def preview(self, result, params) -> dict:
        name = params["municipality_name"].strip()
        return {
            "preview": result,
            "tree": result.preview,
            "counts": result.summary.labelled_counts(),
            "municipality_exists": Municipality.objects.filter(name=name).exists(),
            "params": params,
        }

    def confirmed(self, params: dict) -> dict:
        """The proposals accepted on the preview: "unit-internal-3-name" (the new name)
        with "unit-internal-3-map": a known unit's id, "same:<key>" for another spelling
        in the same file, or empty to keep the unit new."""
        post = self.request.POST
        aliases: dict[str, int] = {}
        merges: dict[str, str] = {}
        for field_name, name in post.items():
            if not (field_name.startswith("unit-") and field_name.endswith("-name")):
                continue
            target, name = post.get(field_name[: -len("name")] + "map", ""), name.strip()
            if target.isdigit() and name:
                aliases[name] = int(target)
            elif target.startswith("same:") and name:
                merges[name] = target[len("same:") :]
        return {**params, "unit_aliases": aliases, "unit_merges": merges}

    def done(self, result):
        messages.success(
            self.request,
            _("Plan kaydedildi: %(plan)s (%(counts)s).")
            % {"plan": result.plan, "counts": _counts(result.summary.labelled_counts())},
        )
        return redirect("admin:plans_plan_change", result.plan.pk)


class RealizationUpload(UploadFlow):
    kind = "realization"
    title = _("Gerçekleşme tablosu içe aktar")
    preview_template = "admin/imports/realization_preview.html"

    def __init__(self, model_admin, request, plans):
        super().__init__(model_admin, request)
        self.plans = plans

    def allowed(self) -> bool:
        return self.model_admin.has_change_permission(self.request)

    def form(self, data=None, files=None, initial=None):
        return RealizationUploadForm(data, files, plans=self.plans, initial=initial)

    def params(self, form) -> dict:
        plan = form.cleaned_data["plan"]
        return {"year": form.cleaned_data["year"], "plan": plan.pk if plan else None}

    def run(self, data, params, *, dry_run):
        plan = self.plans.filter(pk=params["plan"]).first() if params.get("plan") else None
        result = import_realizations(
            source=data,
            year=params["year"],
            plan=plan,
            dry_run=dry_run,
            plans=self.plans,
            unit_id=directorate_unit(self.request.user),
            user=self.request.user,
        )
        if not self.plans.filter(pk=result.plan.pk).exists():
            raise PermissionDenied
        return result

    def preview(self, result, params) -> dict:
        return {
            "result": result,
            "changed_lines": [x for x in result.lines if x.kind != "unchanged"],
            # what stays as stored but is flagged (a reason that will be asked for)
            "flagged_lines": [x for x in result.lines if x.kind == "unchanged" and x.facts.flags],
        }

    def done(self, result):
        messages.success(
            self.request,
            _(
                "%(year)s gerçekleşmeleri kaydedildi: %(new)s yeni, %(changed)s değişen, "
                "%(unchanged)s değişmeyen."
            )
            % {"year": result.year, **result.counts},
        )
        return redirect("admin:monitoring_realization_changelist")


def plan_import_view(model_admin, request):
    return upload_view(PlanUpload(model_admin, request))


def realization_import_view(model_admin, request, plans):
    return upload_view(RealizationUpload(model_admin, request, plans))


def _counts(counts: dict) -> str:
    return ", ".join(f"{v} {k}" for k, v in counts.items())
