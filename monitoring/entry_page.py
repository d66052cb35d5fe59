"""The yearly entry page's request: which plan, year and unit it shows, and storing a
posted form with the refusals said in Turkish (the view is in monitoring.admin)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from plans.models import Plan, Unit
from plans.scoping import directorate_unit, scope

from . import workflow
from .audit import FigureRefused
from .entry import ReasonsMissing, mark_conflicts, save_yearly_entries, saved_message
from .realizations import ConcurrentChange


@dataclass
class EntryChoice:
    plan: Plan | None = None
    year: int | None = None
    unit: Unit | None = None
    units: list = field(default_factory=list)
    own_unit: int | None = None


def entry_choice(request, plans) -> EntryChoice:
    """The plan, year and unit the entry page asked for (a directorate user's own unit)."""
    choice = EntryChoice(own_unit=directorate_unit(request.user))
    plan_id = request.GET.get("plan", "")
    if plan_id.isdigit():
        choice.plan = get_object_or_404(plans, pk=plan_id)
    elif plans.count() == 1:
        choice.plan = plans.first()
    plan = choice.plan
    if not plan:
        return choice
    year_raw = request.GET.get("year", "")
    year = int(year_raw) if year_raw.isdigit() else None
    choice.year = year if year in plan.years else workflow.open_year(plan)
    choice.units = list(
        scope(Unit.objects.filter(responsible_for__theme__plan=plan), request.user)
        .distinct()
        .order_by("name")
    )
    unit_id = request.GET.get("unit", "")
    if choice.own_unit is not None:
        choice.units = [u for u in choice.units if u.pk == choice.own_unit]
        if not choice.units:
            raise PermissionDenied  # a directorate user whose unit has no activity
        choice.unit = choice.units[0]
    elif unit_id.isdigit():
        choice.unit = get_object_or_404(Unit, pk=unit_id, municipality=plan.municipality)
    return choice


def save_entry(request, form, choice: EntryChoice):
    """Store a posted entry form: the redirect after a save, None when refused (the
    messages and the fields' errors say why)."""
    if not form.is_valid():
        messages.error(
            request,
            _("Hiçbir değer kaydedilmedi: %(n)s alanda hata var, alanların yanında gösterildi.")
            % {"n": len(form.errors)},
        )
        return None
    try:
        counts = save_yearly_entries(
            form=form,
            year=choice.year,
            user=request.user,
            submit="submit_for_review" in request.POST,
        )
    except ConcurrentChange as exc:
        mark_conflicts(form, exc.indicators)
        messages.error(
            request,
            _("Hiçbir değer kaydedilmedi: siz düzenlerken başka biri bazı değerleri değiştirdi."),
        )
        return None
    except ReasonsMissing as exc:
        for pk in exc.indicator_ids:
            form.add_error(
                f"d_{pk}", _("Hedefin gerisinde: onaya göndermek için sapma nedenini yazın.")
            )
        messages.error(
            request,
            _(
                "Hiçbir değer kaydedilmedi ve gönderilmedi: "
                "hedefin gerisinde kalan göstergelerde sapma "
                "nedeni eksik."
            ),
        )
        return None
    except FigureRefused as exc:
        messages.error(request, " ".join(exc.messages))
        return None
    messages.success(request, saved_message(choice.year, counts))
    query = {"plan": choice.plan.pk, "year": choice.year}
    if choice.unit and choice.own_unit is None:
        query["unit"] = choice.unit.pk
    return redirect(f"{request.path}?{urlencode(query)}")
