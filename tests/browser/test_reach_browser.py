"""Who is reached and the budget, in Debian's Chromium: the nav link, the chart drawn from
the vendored Chart.js, a number followed to the filtered indicator table, a budget typed
on the activity's admin page and read back on the budget page; screenshots at 1366 and
390 px go to tests/output/<test name>/."""

import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from tests.browser.test_dashboard import charts_drawn

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_reach_page_chart_and_link_to_the_indicators(page, live_server, demo_data, shots):
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(live_server.url + "/plan/")
    page.click("text=Mersin Büyükşehir Belediyesi Yerel Eşitlik Eylem Planı")
    page.click(".plan-nav >> text=Kime ulaşıldı")
    page.wait_for_url(re.compile(r"/erisim/"))
    expect(page.locator('tr[data-group="kiz-cocuk"] td').nth(0)).to_have_text("1.040")
    expect(page.locator('tr[data-group="kiz-cocuk"] td').nth(1)).to_have_text("1.319")
    expect(page.locator("#not-numbers")).to_contain_text("4 hedef, 4 gerçekleşme")
    assert charts_drawn(page) == 1
    page.screenshot(path=shots / "01-reach-1366.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=shots / "02-reach-390.png", full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})
    # the girls' realization leads to the three indicators it sums
    page.click('tr[data-group="kiz-cocuk"] td >> nth=1 >> a')
    page.wait_for_url(re.compile(r"grup=kiz-cocuk"))
    expect(page.locator("#result-count")).to_contain_text("3 gösterge")
    page.screenshot(path=shots / "03-table-girls.png", full_page=True)
    assert errors == []


def test_budget_typed_in_the_admin_and_read_back(logged_in, live_server, shots):
    from plans.models import Activity

    page = logged_in
    act = Activity.objects.get(theme__plan__municipality__name__startswith="Mersin", code="1.1.4")
    page.goto(f"{live_server.url}/admin/plans/activity/{act.pk}/change/")
    page.click("#budgets-group >> text=Başka bir Bütçe ekle")
    page.fill("#id_budgets-0-year", "2024")
    page.fill("#id_budgets-0-planned_text", "40.000")
    page.fill("#id_budgets-0-actual_text", "12.000,25 TL")
    page.fill("#id_budgets-0-code", "KAH-3")
    page.screenshot(path=shots / "01-admin-budget.png", full_page=True)
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_be_visible()
    page.goto(f"{live_server.url}/plan/{act.theme.plan_id}/butce/?year=2024")
    expect(page.locator("#fig-planned")).to_have_text("40.000 TL")
    expect(page.locator("#fig-actual")).to_have_text("12.000,25 TL")
    expect(page.locator('tr[data-activity="1.1.4"]')).to_contain_text("KAH-3")
    page.screenshot(path=shots / "02-budget-page.png", full_page=True)
