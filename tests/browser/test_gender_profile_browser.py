"""The local gender profile as a person uses it, in Debian's Chromium: the public plan
page's profile card (desktop and phone), and the indicator admin taking the profile's
figure as its baseline. Screenshots go to tests/output/<test name>/."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_public_plan_page_shows_the_profile_on_desktop_and_phone(
    page, live_server, demo_data, shots
):
    from plans.models import Plan

    plan = Plan.objects.get(municipality__name="Narlıdere Belediyesi")
    Plan.objects.filter(pk=plan.pk).update(is_public=True)
    page.goto(f"{live_server.url}/plan/{plan.pk}/")
    card = page.locator("#gender-profile")
    expect(card.locator("h2")).to_have_text("Yerel cinsiyet profili: Narlıdere Belediyesi")
    expect(page.locator("#profile-nufus")).to_contain_text("Kadın %51,3 · Erkek %48,7")
    expect(page.locator("#profile-nufus")).to_contain_text("62.923")
    expect(page.locator("#profile-meclis-uyesi")).to_contain_text("Kadın %36")
    expect(page.locator("#profile-personel")).to_contain_text("Kadın %27,9")
    # the neighbourhoods open under the table
    parts = page.locator("#profile-nufus-parts")
    expect(parts.locator("table")).to_be_hidden()
    parts.locator("summary").click()
    expect(parts.locator("table")).to_contain_text("Ilıca Mahallesi")
    card.screenshot(path=shots / "01-profile-1366.png")
    page.set_viewport_size({"width": 390, "height": 900})
    row = page.locator("#profile-nufus")
    expect(row).to_contain_text("Kadın %51,3")
    # on a phone the row is a card: the shares stay in view, nothing to scroll sideways
    box = row.locator(".share").bounding_box()
    assert box["x"] + box["width"] <= 390
    card.screenshot(path=shots / "02-profile-390.png")


def test_indicator_takes_the_profile_figure_as_baseline(page, live_server, logged_in, shots):
    from plans.models import Indicator, IndicatorProfileLink, ProfileMeasure

    ind = Indicator.objects.filter(
        activity__theme__plan__municipality__name="Narlıdere Belediyesi"
    ).first()
    IndicatorProfileLink.objects.create(
        indicator=ind, measure=ProfileMeasure.objects.get(code="muhtar"), quantity="women"
    )
    page.goto(f"{live_server.url}/admin/plans/indicator/{ind.pk}/change/")
    expect(page.locator("#profile-baseline")).to_have_text(
        "2 (yerel profil, 2019: Mahalle muhtarları, 2 kadın / 9 erkek)"
    )
    page.click("button[name=_profile_baseline]")
    expect(page.locator("ul.messagelist")).to_contain_text(
        "Mevcut değer yerel profilden alındı: 2."
    )
    expect(page.locator("#id_baseline_value")).to_have_value("2.0000")  # the admin's input
    page.screenshot(path=shots / "01-baseline-taken.png", full_page=True)
