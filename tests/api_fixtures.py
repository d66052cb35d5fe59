"""Figures the public must never get through the API, planted in the demo plans: a draft
and an internal note with evidence in Mersin's public plan, an approved figure in
Narlıdere's private plan, a draft in Büyükçekmece's public plan."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rest_framework.authtoken.models import Token

from monitoring.models import Realization
from plans.models import Indicator, Plan

DRAFT = "GİZLİ-TASLAK-777"
NOTE = "GİZLİ-NOT-İÇ"
EVIDENCE = "https://example.org/gizli-kanit.pdf"
PRIVATE = "ÖZEL-PLAN-555"
OTHER_DRAFT = "BC-TASLAK-444"
NEVER_PUBLIC = (DRAFT, NOTE, "gizli-kanit", PRIVATE, OTHER_DRAFT)


def plan_of(name_start: str) -> Plan:
    return Plan.objects.get(municipality__name__startswith=name_start)


def _first_indicator(plan: Plan, **extra) -> Indicator:
    return (
        Indicator.objects.filter(activity__theme__plan=plan, **extra)
        .order_by("activity__theme__position", "activity__position", "position")
        .first()
    )


@pytest.fixture
def planted(db):
    mersin, bc, narlidere = plan_of("Mersin"), plan_of("Büyükçekmece"), plan_of("Narlıdere")
    assert mersin.is_public and bc.is_public and not narlidere.is_public
    reals = Realization.objects.for_plan(mersin).filter(year=2024, group=None).order_by("pk")
    draft, noted = reals[0], reals[1]
    Realization.objects.filter(pk=draft.pk).update(
        status=Realization.Status.DRAFT, raw_text=DRAFT, value=Decimal(777)
    )
    Realization.objects.filter(pk=noted.pk).update(
        note=NOTE, note_internal=True, evidence_url=EVIDENCE, deviation_reason="Kamuya açık neden"
    )
    private = Realization.objects.create(
        indicator=_first_indicator(narlidere),
        year=2024,
        value=Decimal(555),
        raw_text=PRIVATE,
        status=Realization.Status.APPROVED,
    )
    other = Realization.objects.create(
        indicator=_first_indicator(bc),
        year=2024,
        value=Decimal(444),
        raw_text=OTHER_DRAFT,
        status=Realization.Status.SUBMITTED,
    )
    return {
        "mersin": mersin,
        "bc": bc,
        "narlidere": narlidere,
        "draft": draft.pk,
        "draft_indicator": draft.indicator_id,
        "noted": noted.pk,
        "private": private.pk,
        "other_draft": other.pk,
    }


def token_for(user) -> str:
    return Token.objects.get_or_create(user=user)[0].key
