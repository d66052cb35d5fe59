"""Each role starts at its own work. The admin's index (where a login lands) is, for a
directorate user, its open year: what is not entered, what came back with a comment,
and the way to the yearly entry page; for the equality unit, per unit, what waits for
review and what is missing, and the year's state with the way to close it. A manager
goes to the dashboard. Platform administrators keep the stock index (with a link
here)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib import admin
from django.db.models import Count, Exists, OuterRef
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from plans.models import Indicator, Plan, Unit
from plans.scoping import directorate_unit, scope

from . import workflow
from .chasing import missing_by_unit
from .models import Realization
from .roles import DIRECTORATE, EQUALITY_UNIT, MANAGER

S = Realization.Status


def role_of(user) -> str | None:
    """The role whose start page the user gets; None for platform administrators and
    users without a role (they keep the stock admin index)."""
    if user.is_superuser:
        return None
    if directorate_unit(user) is not None:
        return DIRECTORATE
    if user.has_perm("monitoring.approve_realization"):
        return EQUALITY_UNIT
    if user.has_perm("monitoring.view_realization") and not user.has_perm(
        "monitoring.change_realization"
    ):
        return MANAGER
    return None


def _url(name: str, **query) -> str:
    return reverse(name) + ("?" + urlencode(query) if query else "")


@dataclass
class UnitWork:
    unit: Unit
    total: int
    missing: int
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def submitted(self) -> int:
        return self.counts.get(S.SUBMITTED, 0)

    @property
    def returned(self) -> int:
        return self.counts.get(S.RETURNED, 0)

    @property
    def approved(self) -> int:
        return self.counts.get(S.APPROVED, 0)

    @property
    def draft(self) -> int:
        return self.counts.get(S.DRAFT, 0)


def unit_work(plan: Plan, year: int) -> list[UnitWork]:
    """Per responsible unit: indicators, missing figures, figures per status (counted
    per indicator). Four queries whatever the plan's size."""
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    per_unit = (
        Realization.objects.for_plan(plan)
        .filter(year=year)
        .order_by()
        .values_list("indicator__activity__responsible_units", "status")
        .annotate(n=Count("indicator", distinct=True))
    )
    for unit_id, status, n in per_unit:
        counts[unit_id][status] = n
    work = [
        UnitWork(d.unit, d.total, len(d.missing), counts.get(d.unit.pk, {}))
        for d in missing_by_unit(plan, year)
    ]
    # what waits for review first, then what is missing (missing_by_unit's order)
    return sorted(work, key=lambda w: -w.submitted)


def directorate_work(plan: Plan, year: int, unit_id: int) -> dict:
    """A directorate's open year: indicators without a figure, returned figures with
    their comment, figures per status. Three queries."""
    reals = Realization.objects.for_plan(plan).filter(
        year=year, indicator__activity__responsible_units=unit_id
    )
    has_figure = Realization.objects.filter(indicator=OuterRef("pk"), year=year)
    missing = list(
        Indicator.objects.filter(activity__theme__plan=plan, activity__responsible_units=unit_id)
        .exclude(Exists(has_figure))
        .select_related("activity")
        .order_by("activity__theme__position", "activity__position", "position")
    )
    returned = list(
        reals.filter(status=S.RETURNED)
        .select_related("indicator__activity", "reviewed_by")
        .order_by("indicator__activity__theme__position", "indicator__activity__position")
    )
    counts = dict(reals.order_by().values_list("status").annotate(n=Count("pk")))
    return {
        "missing": missing,
        "returned": returned,
        "counts": [(label, counts.get(value, 0)) for value, label in S.choices],
    }


def start_view(request):
    """The start page of a directorate user or the equality unit (the platform
    administrator sees the equality unit's, for any plan)."""
    role = role_of(request.user) or (EQUALITY_UNIT if request.user.is_superuser else None)
    if role == MANAGER or role is None:
        return redirect("monitoring:plan_list")
    plans = list(scope(Plan.objects.select_related("municipality"), request.user))
    plan_id = request.GET.get("plan", "")
    plan = next((p for p in plans if str(p.pk) == plan_id), None)
    if plan is None and plan_id:
        raise Http404("plan")
    plan = plan or (plans[0] if plans else None)
    context = {
        **admin.site.each_context(request),
        "title": _("Başlangıç"),
        "plans": plans,
        "plan": plan,
        "role": "directorate" if role == DIRECTORATE else "equality",
    }
    if plan is not None:
        year = workflow.open_year(plan)
        context.update(
            year=year,
            closed=workflow.is_closed(plan, year),
            entry_url=_url("admin:monitoring_realization_yearly_entry", plan=plan.pk, year=year),
            year_url=_url("admin:monitoring_realization_year", plan=plan.pk, year=year),
            review_url=_url("desk:review", plan=plan.pk, year=year),
            dashboard_url=reverse("monitoring:overview", args=[plan.pk]) + f"?year={year}",
        )
        if role == DIRECTORATE:
            unit_id = directorate_unit(request.user)
            context.update(
                unit=Unit.objects.filter(pk=unit_id).first(),
                **directorate_work(plan, year, unit_id),
            )
        else:
            context.update(units=unit_work(plan, year))
    return TemplateResponse(request, "admin/monitoring/start.html", context)


def index_view(request, extra_context=None):
    """The admin index: each role's start page; the stock index for the others. A manager
    lands on the dashboard after signing in, and reaches the (read-only) admin lists
    through the dashboard's "Yönetim paneli" link (``?panel=1``)."""
    role = role_of(request.user)
    if role == MANAGER and request.GET.get("panel") != "1":
        return redirect("monitoring:plan_list")
    if role in (DIRECTORATE, EQUALITY_UNIT):
        return start_view(request)
    return admin.site.index(
        request, extra_context={"start_url": reverse("desk:start"), **(extra_context or {})}
    )
