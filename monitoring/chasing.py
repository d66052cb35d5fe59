"""Chasing: which unit still owes which figures for the open year, and the reminder
e-mail to its contacts (Django e-mail; console backend unless SMTP is configured): the
missing indicators, a link to the unit's entry page (SITE_URL) and the unit's blank form
attached. Text in templates/monitoring/email/."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import Exists, OuterRef, Prefetch
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode

from plans.models import Indicator, Plan, Unit
from plans.text import plan_heading, tr_sort_key

from .excel.report import CONTENT_TYPES, report_bytes, report_filename
from .models import Realization

XLSX = CONTENT_TYPES["xlsx"]


@dataclass
class UnitDebt:
    unit: Unit
    missing: list[Indicator] = field(default_factory=list)
    total: int = 0

    @property
    def entered(self) -> int:
        return self.total - len(self.missing)


def missing_by_unit(plan: Plan, year: int) -> list[UnitDebt]:
    """Per responsible unit: its indicators and those without a figure for the year.
    Three queries whatever the plan's size."""
    has_figure = Realization.objects.filter(indicator=OuterRef("pk"), year=year)
    indicators = (
        Indicator.objects.filter(activity__theme__plan=plan)
        .annotate(has_figure=Exists(has_figure))
        .select_related("activity")
        .prefetch_related(
            Prefetch("activity__responsible_units", queryset=Unit.objects.order_by("name"))
        )
        .order_by("activity__theme__position", "activity__position", "position")
    )
    debts: dict[int, UnitDebt] = {}
    for ind in indicators:
        for unit in ind.activity.responsible_units.all():
            debt = debts.setdefault(unit.pk, UnitDebt(unit))
            debt.total += 1
            if not ind.has_figure:
                debt.missing.append(ind)
    return sorted(debts.values(), key=lambda d: (-len(d.missing), tr_sort_key(d.unit.name)))


def plan_name(plan: Plan) -> str:
    """The plan as a sentence names it, the municipality once: "Mersin Büyükşehir
    Belediyesi Yerel Eşitlik Eylem Planı" (its title already says whose it is), else
    "Narlıdere Belediyesi Eylem Planı"."""
    return plan_heading(plan.municipality.name, plan.title, sep=" ")


def entry_url(plan: Plan, year: int, unit: Unit) -> str:
    """The yearly entry page for the unit's figures, as an absolute address (SITE_URL)."""
    path = reverse("admin:monitoring_realization_yearly_entry")
    query = urlencode({"plan": plan.pk, "year": year, "unit": unit.pk})
    return f"{settings.SITE_URL}{path}?{query}"


def reminder_text(plan: Plan, year: int, debt: UnitDebt) -> tuple[str, str]:
    context = {
        "plan_name": plan_name(plan),
        "year": str(year),
        "unit": debt.unit,
        "missing": debt.missing,
        "missing_count": len(debt.missing),
        "entered": debt.entered,
        "total": debt.total,
        "entry_url": entry_url(plan, year, debt.unit),
        "form_name": report_filename(plan, year, debt.unit, empty=True),
    }
    subject = render_to_string("monitoring/email/reminder_subject.txt", context)
    body = render_to_string("monitoring/email/reminder.txt", context)
    return " ".join(subject.split()), body.strip() + "\n"


def reminder_message(plan: Plan, year: int, debt: UnitDebt) -> EmailMessage:
    """The reminder to a unit's contacts, with the unit's blank form attached."""
    subject, body = reminder_text(plan, year, debt)
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, debt.unit.emails)
    blank = report_bytes(plan, year, unit=debt.unit, with_realizations=False)
    message.attach(report_filename(plan, year, debt.unit, empty=True), blank, XLSX)
    return message


@dataclass
class ReminderResult:
    sent: list[tuple[Unit, list[str]]] = field(default_factory=list)
    no_contact: list[Unit] = field(default_factory=list)


def send_reminders(plan: Plan, year: int, *, dry_run: bool = False) -> ReminderResult:
    result = ReminderResult()
    messages = []
    for debt in missing_by_unit(plan, year):
        if not debt.missing:
            continue
        emails = debt.unit.emails
        if not emails:
            result.no_contact.append(debt.unit)
            continue
        if not dry_run:
            messages.append(reminder_message(plan, year, debt))
        result.sent.append((debt.unit, emails))
    if messages and not dry_run:
        get_connection().send_messages(messages)
    return result
