"""The review desk: one page per plan and year where the equality unit reads each
figure a unit sent (target, rate, status, reason, note, evidence, last year's figure)
and approves it or returns it with a comment, row by row or all at once.

Reads through ``figures.plan_table`` (a fixed number of queries); decisions through
``workflow.approve`` / ``workflow.return_for_changes``. A refusal says why."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from plans.models import Indicator, Plan, Unit
from plans.scoping import scope

from . import workflow
from .figures import IndicatorRow, plan_table
from .models import Realization
from .progress import Progress

S = Realization.Status
APPROVABLE = {S.SUBMITTED}
RETURNABLE = {S.SUBMITTED, S.APPROVED}
STATUS_FILTERS = [*S.values, "all"]


# ---------------------------------------------------------------------------- refusals


def _why(status: str, n: int, *, approve: bool) -> str:
    if status == S.DRAFT:
        return ngettext(
            "%(n)s gerçekleşme taslak: önce onaya gönderilmeli",
            "%(n)s gerçekleşme taslak: önce onaya gönderilmeli",
            n,
        ) % {"n": n}
    if status == S.RETURNED:
        return ngettext(
            "%(n)s gerçekleşme iade edilmiş: birimin düzeltip yeniden göndermesi bekleniyor",
            "%(n)s gerçekleşme iade edilmiş: birimin düzeltip yeniden göndermesi bekleniyor",
            n,
        ) % {"n": n}
    if status == S.APPROVED and approve:
        return ngettext("%(n)s gerçekleşme zaten onaylı", "%(n)s gerçekleşme zaten onaylı", n) % {
            "n": n
        }
    return ngettext(
        "%(n)s gerçekleşme bu adıma uygun değil", "%(n)s gerçekleşme bu adıma uygun değil", n
    ) % {"n": n}


def refusal(realizations: list[Realization], *, approve: bool) -> str:
    """Why some of these figures are not approved (or returned): "3 gerçekleşme taslak:
    önce onaya gönderilmeli". Empty when every one could be."""
    allowed = APPROVABLE if approve else RETURNABLE
    skipped = Counter(r.status for r in realizations if r.status not in allowed)
    order = [S.DRAFT, S.RETURNED, S.APPROVED, S.SUBMITTED]
    return "; ".join(_why(s, skipped[s], approve=approve) for s in order if skipped[s])


def report_decision(request, n: int, realizations: list[Realization], *, approve: bool) -> None:
    """The message after approving or returning: how many, and why the others not."""
    why = refusal(realizations, approve=approve)
    if n == 0:
        if not realizations:
            messages.error(request, _("Hiçbir gerçekleşme seçilmedi."))
        elif approve:
            messages.error(request, _("Hiçbir gerçekleşme onaylanmadı: %(why)s.") % {"why": why})
        else:
            messages.error(request, _("Hiçbir gerçekleşme iade edilmedi: %(why)s.") % {"why": why})
        return
    done = _("%(n)s gerçekleşme onaylandı.") if approve else _("%(n)s gerçekleşme iade edildi.")
    messages.success(request, done % {"n": n})
    if why:
        messages.warning(request, _("Diğerleri: %(why)s.") % {"why": why})


# ---------------------------------------------------------------------------- reading


@dataclass
class ReviewRow:
    row: IndicatorRow
    year: int
    progress: Progress

    @property
    def indicator(self) -> Indicator:
        return self.row.indicator

    @property
    def realizations(self) -> list[Realization]:
        return self.row.realizations.get(self.year, [])

    @property
    def head(self) -> Realization | None:
        return self.row.realization(self.year)

    @property
    def targets(self):
        return self.row.targets.get(self.year) or self.row.activity_targets.get(self.year, [])

    @property
    def last_year(self) -> list[Realization]:
        return self.row.realizations.get(self.year - 1, [])

    @property
    def statuses(self) -> list[str]:
        return sorted({r.get_status_display() for r in self.realizations})

    @property
    def can_approve(self) -> bool:
        return any(r.status in APPROVABLE for r in self.realizations)

    @property
    def can_return(self) -> bool:
        return any(r.status in RETURNABLE for r in self.realizations)


def review_indicators(plan: Plan, year: int, *, unit: Unit | None, status: str):
    """The plan's indicators with a figure of the year (in that status, unless "all")."""
    reals = Realization.objects.for_plan(plan).filter(year=year)
    if status != "all":
        reals = reals.filter(status=status)
    indicators = Indicator.objects.filter(
        activity__theme__plan=plan, pk__in=reals.values("indicator_id")
    )
    if unit is not None:
        indicators = indicators.filter(activity__responsible_units=unit)
    return indicators


def review_rows(plan: Plan, year: int, *, unit: Unit | None, status: str) -> list[ReviewRow]:
    """One row per indicator, in plan order; a fixed number of queries."""
    rows = plan_table(plan, indicators=review_indicators(plan, year, unit=unit, status=status))
    return [ReviewRow(r, year, r.progress(year)) for r in rows]


# ---------------------------------------------------------------------------- deciding


def decide(
    *, plan: Plan, year: int, user, indicator_ids: list[int], approve: bool, comment: str = ""
) -> tuple[int, list[Realization]]:
    """Approve (or return with ``comment``) the year's figures of these indicators."""
    reals = list(
        Realization.objects.for_plan(plan)
        .filter(year=year, indicator_id__in=indicator_ids)
        .select_related("indicator__activity__theme")
    )
    if approve:
        return workflow.approve(reals, user=user), reals
    return workflow.return_for_changes(reals, user=user, comment=comment), reals


def _ids(values) -> list[int]:
    return [int(v) for v in values if str(v).isdigit()]


def _post_decision(request, *, plan: Plan, year: int, shown) -> None:
    post = request.POST
    approve, comment = True, ""
    if post.get("approve", "").isdigit():
        ids = _ids([post["approve"]])
    elif post.get("return", "").isdigit():
        ids, approve = _ids([post["return"]]), False
        comment = post.get(f"comment_{ids[0]}", "")
    elif "approve_selected" in post or "return_selected" in post:
        ids, approve = _ids(post.getlist("pick")), "approve_selected" in post
        comment = post.get("comment", "")
    elif "approve_all" in post:
        ids = list(shown.values_list("pk", flat=True))
    else:
        raise PermissionDenied
    try:
        n, reals = decide(
            plan=plan,
            year=year,
            user=request.user,
            indicator_ids=ids,
            approve=approve,
            comment=comment,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return
    report_decision(request, n, reals, approve=approve)


# ---------------------------------------------------------------------------- the page


def _choose(request, plans):
    plan_id = request.GET.get("plan", "")
    plan = get_object_or_404(plans, pk=plan_id) if plan_id.isdigit() else plans.first()
    if plan is None:
        return None, None, [], None, "submitted"
    year_raw = request.GET.get("year", "")
    year = int(year_raw) if year_raw.isdigit() and int(year_raw) in plan.years else None
    year = year or workflow.open_year(plan)
    units = list(
        scope(Unit.objects.filter(responsible_for__theme__plan=plan), request.user)
        .distinct()
        .order_by("name")
    )
    unit_id = request.GET.get("unit", "")
    unit = next((u for u in units if str(u.pk) == unit_id), None)
    status = request.GET.get("durum", "submitted")
    status = status if status in STATUS_FILTERS else "submitted"
    return plan, year, units, unit, status


def review_view(request):
    """GET: the figures of a plan's year (filtered by unit and status); POST: approve
    or return one row, the picked rows or every row shown."""
    if not request.user.has_perm("monitoring.approve_realization"):
        raise PermissionDenied
    plans = scope(Plan.objects.select_related("municipality"), request.user)
    plan, year, units, unit, status = _choose(request, plans)
    context = {
        **admin.site.each_context(request),
        "title": _("İnceleme masası"),
        "plans": plans,
        "plan": plan,
    }
    if plan is None:
        return TemplateResponse(request, "admin/monitoring/review.html", context)
    if request.method == "POST":
        shown = review_indicators(plan, year, unit=unit, status=status)
        _post_decision(request, plan=plan, year=year, shown=shown)
        return redirect(request.get_full_path())
    rows = review_rows(plan, year, unit=unit, status=status)
    context.update(
        year=year,
        units=units,
        unit=unit,
        status=status,
        statuses=[(value, label) for value, label in S.choices] + [("all", _("Hepsi"))],
        rows=rows,
        closed=workflow.is_closed(plan, year),
        any_approvable=any(r.can_approve for r in rows),
        year_url=reverse("admin:monitoring_realization_year")
        + "?"
        + urlencode({"plan": plan.pk, "year": year}),
    )
    return TemplateResponse(request, "admin/monitoring/review.html", context)


def review_url(plan: Plan, year: int, **extra) -> str:
    return reverse("desk:review") + "?" + urlencode({"plan": plan.pk, "year": year, **extra})
