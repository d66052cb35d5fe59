"""Closing a year is a checklist: figures not entered, figures behind their target
without a reason for deviation, figures not approved. The year closes when none is
left, or with an explicit override whose reason is recorded (the year's event note),
and always after a confirmation step. ``workflow.close_year`` does the closing."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from plans.models import Indicator, Plan

from . import workflow
from .models import Realization

SHOWN = 50  # items listed per part of the checklist; the count says how many in all


@dataclass
class Checklist:
    plan: Plan
    year: int
    missing: list[Indicator] = field(default_factory=list)
    no_reason: list[Realization] = field(default_factory=list)
    not_approved: list[Realization] = field(default_factory=list)

    @property
    def clear(self) -> bool:
        return not (self.missing or self.no_reason or self.not_approved)

    @property
    def parts(self) -> list[tuple[str, str, int, list[str]]]:
        """(id, title, count, first labels) for each part of the checklist."""
        return [
            (
                "missing",
                _("Girilmemiş gerçekleşmeler"),
                len(self.missing),
                [f"{i.activity.code} {i.name}" for i in self.missing[:SHOWN]],
            ),
            (
                "no-reason",
                _("Hedefin gerisinde, sapma nedeni yazılmamış"),
                len(self.no_reason),
                _labels(self.no_reason),
            ),
            (
                "not-approved",
                _("Onaylanmamış gerçekleşmeler"),
                len(self.not_approved),
                _labels(self.not_approved, with_status=True),
            ),
        ]


def _labels(reals: list[Realization], *, with_status: bool = False) -> list[str]:
    seen, out = set(), []
    for r in reals:
        if r.indicator_id in seen:
            continue
        seen.add(r.indicator_id)
        label = f"{r.indicator.activity.code} {r.indicator.name}"
        out.append(f"{label} ({r.get_status_display()})" if with_status else label)
    return out[:SHOWN]


def checklist(plan: Plan, year: int) -> Checklist:
    """What is left before the year can close. Four queries whatever the plan's size."""
    has_figure = Realization.objects.filter(indicator=OuterRef("pk"), year=year)
    missing = list(
        Indicator.objects.filter(activity__theme__plan=plan)
        .exclude(Exists(has_figure))
        .select_related("activity")
        .order_by("activity__theme__position", "activity__position", "position")
    )
    reals = list(
        Realization.objects.for_plan(plan)
        .filter(year=year)
        .select_related("indicator__activity")
        .order_by("indicator__activity__theme__position", "indicator__activity__position", "pk")
    )
    return Checklist(
        plan=plan,
        year=year,
        missing=missing,
        no_reason=workflow.needs_reason(reals),
        not_approved=[r for r in reals if r.status != Realization.Status.APPROVED],
    )


def close_step(request, *, plan: Plan, year: int, here: str, context: dict):
    """The close form's two steps: "close" shows the checklist and asks to confirm;
    "close_confirmed" closes (through ``workflow.close_year``). With items left an
    override reason is needed at both steps."""
    if not request.user.has_perm("monitoring.close_year"):
        raise PermissionDenied
    action = request.POST.get("action")
    note = request.POST.get("note", "").strip()
    override = request.POST.get("override_reason", "").strip()
    checks = checklist(plan, year)
    if not checks.clear and not override:
        messages.error(
            request,
            _(
                "%(y)s yılı kapatılmadı: kontrol listesinde eksik var. Önce tamamlayın ya da "
                "eksiklere rağmen kapatmanın gerekçesini yazın."
            )
            % {"y": year},
        )
        return redirect(here)
    if action == "close":
        context.update(
            title=_("%(y)s yılını kapat: onay") % {"y": year},
            year=year,
            checklist=checks,
            note=note,
            override_reason=override if not checks.clear else "",
            back_url=here,
        )
        return TemplateResponse(request, "admin/monitoring/close_confirm.html", context)
    try:
        workflow.close_year(
            plan=plan,
            year=year,
            user=request.user,
            note=note,
            override_reason=override if not checks.clear else "",
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(y)s yılı onaylandı ve kapatıldı.") % {"y": year})
    return redirect(here)
