"""Running levels on the dashboard: beside the rate, how far the level moved against how
far it was planned to move, and the formula in one line (monitoring.progress.level_step)."""

from __future__ import annotations

import re
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse

from plans.models import Indicator, Plan

from .factories import RealizationFactory

pytestmark = pytest.mark.django_db


def buses() -> Indicator:
    """Mersin 4.1.2: accessible buses, a running level from 427 (432, 437, 442)."""
    return Indicator.objects.get(
        activity__theme__plan__municipality__name="Mersin Büyükşehir Belediyesi",
        activity__code="4.1.2",
        name__startswith="Erişilebilir otobüs",
    )


def get(client, name, *args, **query) -> str:
    response = client.get(reverse(f"monitoring:{name}", args=args), query)
    assert response.status_code == 200
    return response.content.decode()


def text_of(html: str, element_id: str) -> str:
    m = re.search(rf'<(\w+)[^>]*id="{element_id}"[^>]*>(.*?)</\1>', html, re.S)
    assert m, f"no #{element_id}"
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", m.group(2))).split())


def test_indicator_page_shows_the_step_beside_the_rate(admin_client_tr):
    ind = buses()
    assert ind.accumulation == "level" and ind.baseline_value == 427
    RealizationFactory(indicator=ind, year=2025, value=Decimal(432), raw_text="432")
    plan = ind.activity.theme.plan
    html = get(admin_client_tr, "indicator", plan.pk, ind.pk, year=2025)
    # 432 against 437 from 427: (432 - 427) / (437 - 427)
    assert text_of(html, "current-rate") == "%50 +5 / +10 planlanan artış"
    assert text_of(html, "level-help") == (
        "Süregelen düzey: oran = (gerçekleşme − mevcut) / (hedef − mevcut)"
    )
    years = re.search(r'id="indicator-years".*?</table>', html, re.S).group(0)
    assert "+5 / +5 planlanan artış" in years  # 2024: 432 against 432
    assert "+5 / +10 planlanan artış" in years


def test_a_level_brought_down_reads_as_a_decrease(admin_client_tr):
    ind = buses()
    ind.direction = "decrease"
    ind.save()
    plan: Plan = ind.activity.theme.plan
    target = ind.targets.get(year=2025)
    target.value, target.raw_text = Decimal(421), "421"
    target.save()
    RealizationFactory(indicator=ind, year=2025, value=Decimal(424), raw_text="424")
    html = get(admin_client_tr, "indicator", plan.pk, ind.pk, year=2025)
    assert text_of(html, "current-rate") == "%50 \u22123 / \u22126 planlanan azalış"


def test_tables_show_the_step_under_the_rate_only_for_levels(client):
    ind = buses()
    plan = ind.activity.theme.plan
    html = get(client, "activity", plan.pk, ind.activity.pk, year=2024)
    assert "+5 / +5 planlanan artış" in html
    assert 'title="Süregelen düzey: oran = (gerçekleşme − mevcut) / (hedef − mevcut)"' in html
    table = get(client, "indicator_table", plan.pk, year=2024, q="erişilebilir otobüs")
    assert "+5 / +5 planlanan artış" in table
    # a figure counted per year (1.1.4: 987 against 377) has no step
    per_year = Indicator.objects.get(activity__theme__plan=plan, activity__code="1.1.4", position=1)
    html = get(client, "activity", plan.pk, per_year.activity.pk, year=2024)
    assert "%261,8" in html and "planlanan" not in html
