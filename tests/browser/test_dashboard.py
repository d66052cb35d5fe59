"""The dashboard as a person uses it, in Debian's Chromium: screenshots of every step go
to tests/output/<test name>/."""

import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def watched(page, live_server):
    """The page, recording requests that leave the test server and script errors."""
    outside, errors = [], []
    page.on(
        "request",
        lambda r: None if r.url.startswith((live_server.url, "data:")) else outside.append(r.url),
    )
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    yield page
    assert outside == [], "the page fetched something from outside"
    assert errors == [], "script errors"


def charts_drawn(page) -> int:
    return page.evaluate("window.Chart ? Object.keys(Chart.instances).length : 0")


def test_overview_year_table_and_drill_down(watched, live_server, demo_data, shots):
    page = watched
    page.goto(live_server.url + "/")
    expect(page.locator("#plan-list")).to_contain_text("Büyükçekmece")
    expect(page.locator("#plan-list")).not_to_contain_text("Narlıdere")
    page.screenshot(path=shots / "01-plan-list.png", full_page=True)

    # the overview opens on the latest year with figures
    page.click("text=Mersin Büyükşehir Belediyesi Yerel Eşitlik Eylem Planı")
    expect(page.locator("#fig-activities")).to_have_text("118")
    expect(page.locator("#fig-indicators")).to_have_text("146")
    expect(page.locator("#fig-entered")).to_have_text("%99,3")
    expect(page.locator(".year-nav .current")).to_have_text("2024")
    page.screenshot(path=shots / "02-overview-2024.png", full_page=True)

    # change the year: 2025 has no figures yet; the years are compared in a chart
    page.click(".year-nav >> text=2025")
    page.wait_for_url(re.compile(r"year=2025"))
    expect(page.locator("#fig-entered")).to_have_text("%0")
    expect(page.locator("#silent-units")).to_contain_text("24 birim bu yıl hiç")
    assert charts_drawn(page) == 1
    page.screenshot(path=shots / "03-overview-2025.png", full_page=True)

    # the indicator table, filtered by one responsible unit
    page.click("nav.plan-nav >> text=Gösterge tablosu")
    page.select_option("#id_year", "2024")
    page.select_option("#id_unit", label="Kadın ve Aile Hizmetleri Dairesi Başkanlığı")
    page.click("#filters button[type=submit]")
    expect(page.locator("#result-count")).to_contain_text("59 gösterge, 2024")
    expect(page.locator("#indicator-table tbody tr")).to_have_count(50)
    page.screenshot(path=shots / "04-table-one-unit.png", full_page=True)
    page.click("#indicator-table thead >> text=Oran")
    page.wait_for_url(re.compile(r"sort=oran"))
    page.click("#indicator-table thead >> text=Oran")
    page.wait_for_url(re.compile(r"sort=-oran"))
    expect(page.locator("#result-count")).to_contain_text("59 gösterge")
    expect(page.locator("#indicator-table tbody tr").first).to_contain_text("%666,7")
    page.screenshot(path=shots / "05-table-one-unit-by-rate.png")

    # drill down: overview > theme > activity > indicator
    page.click("nav.plan-nav >> text=Genel bakış")
    page.click(".themes >> text=1. EĞİTİM VE FARKINDALIK")
    expect(page.locator("h1")).to_have_text("1. EĞİTİM VE FARKINDALIK")
    page.screenshot(path=shots / "06-theme.png", full_page=True)
    page.click("article.activity h3 a:has(.code:text-is('1.1.4'))")
    expect(page.locator(".page-head .eyebrow")).to_have_text("Faaliyet 1.1.4")
    page.screenshot(path=shots / "07-activity.png", full_page=True)
    page.click("text=TCE atölyesine katılan çocuk sayısı")
    expect(page.locator("#current-target")).to_have_text("377")
    expect(page.locator("#current-realization")).to_have_text("987")
    expect(page.locator("#current-rate")).to_have_text("%261,8")
    assert charts_drawn(page) == 1
    page.screenshot(path=shots / "08-indicator.png", full_page=True)


def test_phone_and_print(watched, live_server, demo_data, shots):
    from plans.models import Plan

    page = watched
    plan = Plan.objects.get(municipality__name__startswith="Mersin")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/plan/{plan.pk}/")
    expect(page.locator("#fig-activities")).to_have_text("118")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "no sideways scroll"
    page.screenshot(path=shots / "01-phone-overview.png", full_page=True)
    page.goto(f"{live_server.url}/plan/{plan.pk}/gostergeler/?status=behind")
    expect(page.locator("#result-count")).to_contain_text("5 gösterge")
    page.screenshot(path=shots / "02-phone-table.png", full_page=True)

    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    page.goto(f"{live_server.url}/plan/{plan.pk}/?year=2024")
    page.emulate_media(media="print")
    expect(page.locator(".year-nav")).to_be_hidden()
    expect(page.locator(".print-only")).to_have_text("2024 yılı durumu")
    page.screenshot(path=shots / "03-print-overview.png", full_page=True)
    page.pdf(path=shots / "03-print-overview.pdf", format="A4", print_background=True)


def test_a_plan_that_is_not_public_after_login(logged_in, live_server, shots):
    page = logged_in
    page.goto(live_server.url + "/plan/")
    page.click("text=Narlıdere Yerel Eşitlik Eylem Planı")
    expect(page.locator("#fig-activities")).to_have_text("77")
    expect(page.locator(".tag-private")).to_have_text("Yalnızca giriş yapanlar")
    page.screenshot(path=shots / "01-private-plan-overview.png", full_page=True)
    page.context.clear_cookies()
    page.reload()
    expect(page).to_have_url(re.compile(r"/admin/login/\?next="))
