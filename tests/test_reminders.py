"""The reminder e-mail a directorate receives: what is missing, a link to its own entry
page, its blank form attached, the municipality named once."""

from __future__ import annotations

import io
from urllib.parse import parse_qs, urlsplit

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from monitoring.chasing import plan_name
from plans.models import Municipality, Plan, Unit

pytestmark = pytest.mark.django_db

MERSIN = "Mersin Büyükşehir Belediyesi"


def _send(settings, mailoutbox):
    settings.SITE_URL = "https://yeep.mersin.example.org"
    plan = Plan.objects.get(municipality__name=MERSIN)
    plan.municipality.units.update(contact_emails="birim@mersin.example.org")
    call_command("send_reminders", "--plan", plan.pk, "--year", 2025)
    assert mailoutbox
    return plan, mailoutbox


def test_reminder_links_to_the_units_entry_page(settings, mailoutbox):
    plan, outbox = _send(settings, mailoutbox)
    message = outbox[0]
    links = [w for w in message.body.split() if w.startswith("https://")]
    assert len(links) == 1
    link = urlsplit(links[0])
    assert link.netloc == "yeep.mersin.example.org"
    assert link.path == reverse("admin:monitoring_realization_yearly_entry")
    query = parse_qs(link.query)
    assert query["plan"] == [str(plan.pk)] and query["year"] == ["2025"]
    unit = Unit.objects.get(pk=query["unit"][0])
    assert f"Sayın {unit.name} yetkilisi" in message.body


def test_reminder_attaches_the_units_blank_form(settings, mailoutbox):
    _plan, outbox = _send(settings, mailoutbox)
    message = outbox[0]
    assert len(message.attachments) == 1
    name, data, mimetype = message.attachments[0]
    assert name.endswith(".xlsx") and "gerceklesme-formu" in name
    assert mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    cells = " ".join(str(c) for row in book.active.iter_rows(values_only=True) for c in row if c)
    assert "2025" in cells
    assert f"({name})" in message.body  # the body points at the attachment by name


def test_reminder_names_the_municipality_once(settings, mailoutbox):
    _plan, outbox = _send(settings, mailoutbox)
    body = outbox[0].body
    assert body.count("Mersin Büyükşehir Belediyesi") == 1
    assert "Mersin Büyükşehir Belediyesi Yerel Eşitlik Eylem Planı için 2025 yılı" in body
    assert "2.025" not in body and "2.025" not in outbox[0].subject


def test_plan_name_adds_the_municipality_only_when_the_title_lacks_it():
    municipality = Municipality(name="Narlıdere Belediyesi")
    assert plan_name(Plan(municipality=municipality, title="Narlıdere YEEP")) == "Narlıdere YEEP"
    assert (
        plan_name(Plan(municipality=municipality, title="Eşitlik Eylem Planı"))
        == "Narlıdere Belediyesi Eşitlik Eylem Planı"
    )


def test_dry_run_sends_nothing(settings, mailoutbox):
    plan = Plan.objects.get(municipality__name=MERSIN)
    plan.municipality.units.update(contact_emails="birim@mersin.example.org")
    call_command("send_reminders", "--plan", plan.pk, "--year", 2025, "--dry-run")
    assert mailoutbox == []
