"""Chasing: which unit still owes which figures for the open year, and the reminder
e-mail to its contacts (Django e-mail; console backend unless SMTP is configured)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import Exists, OuterRef, Prefetch

from plans.models import Indicator, Plan, Unit
from plans.text import tr_sort_key

from .models import Realization


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


def reminder_text(plan: Plan, year: int, debt: UnitDebt) -> tuple[str, str]:
    subject = f"[YEEP] {year} gerçekleşmeleri: {len(debt.missing)} gösterge bekleniyor"
    lines = [
        f"Sayın {debt.unit.name} yetkilisi,",
        "",
        f"{plan.municipality.name} {plan.title} için {year} yılı gerçekleşmelerinden "
        f"{len(debt.missing)} gösterge henüz girilmedi ({debt.entered}/{debt.total} girildi):",
        "",
        *[f"- {ind.activity.code} {ind.name}" for ind in debt.missing],
        "",
        "Rakamları sisteme kendiniz girebilir ya da size gönderilen Excel formunu doldurup "
        "eşitlik birimine iletebilirsiniz.",
        "",
        "Teşekkürler,",
        "Eşitlik Birimi",
    ]
    return subject, "\n".join(lines)


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
        subject, body = reminder_text(plan, year, debt)
        messages.append(EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, emails))
        result.sent.append((debt.unit, emails))
    if messages and not dry_run:
        get_connection().send_messages(messages)
    return result
