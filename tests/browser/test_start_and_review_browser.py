"""Each role starts at its own work: the directorate signs in, sees its open year and
goes to the entry page; the equality unit signs in, sees what waits and approves it on
the review desk. Screenshots at 1366 px and at a phone's size (390 x 844)."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def login(page, live_server, username):
    page.context.clear_cookies()
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "Guclu-Parola-2024")
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")


def both_sizes(page, folder, name):
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=folder / f"{name}-1366.png", full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=folder / f"{name}-phone.png", full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    page.set_viewport_size(DESKTOP)
    return width


def test_directorate_starts_at_its_year_and_equality_unit_approves(
    page, live_server, demo_data, shots
):
    from monitoring import workflow
    from monitoring.models import Realization
    from monitoring.roles import DIRECTORATE, EQUALITY_UNIT
    from plans.models import Plan
    from tests.conftest import make_role_user

    mersin = "Mersin Büyükşehir Belediyesi"
    make_role_user("mehmet", DIRECTORATE, mersin, "Ulaşım Dairesi Başkanlığı")
    make_role_user("ayse", EQUALITY_UNIT, mersin)
    plan = Plan.objects.get(municipality__name=mersin)
    year = workflow.open_year(plan)

    login(page, live_server, "mehmet")
    assert f"{year} yılı" in page.locator("#year-state").inner_text()
    assert "Girilmemiş: 10 gösterge" in page.locator("#missing").inner_text()
    assert both_sizes(page, shots, "01-directorate-start") <= PHONE["width"] + 1
    page.click("#go-entry")
    page.wait_for_selector("#entry-form")
    assert f"plan={plan.pk}" in page.url and f"year={year}" in page.url
    inputs = page.locator("#entry-form input[name^=r_]")
    count = inputs.count()
    for k in range(count):
        inputs.nth(k).fill("99999")
    page.locator("#entry-form textarea").first.fill("Pilot bölgede ihale gecikti")
    page.click("input[name=submit_for_review]")
    page.wait_for_selector(".messagelist .success")
    assert "onaya gönderildi" in page.locator(".messagelist").inner_text()
    assert page.locator("#entry-form input[type=file]").count() == count  # evidence now
    both_sizes(page, shots, "02-directorate-entry-submitted")

    login(page, live_server, "ayse")
    units = page.locator("#units")
    assert "Ulaşım Dairesi Başkanlığı" in units.inner_text()
    both_sizes(page, shots, "03-equality-start")
    assert "Ulaşım Dairesi Başkanlığı" in page.locator("#units tbody tr").first.inner_text()
    page.goto(f"{live_server.url}/plan/{plan.pk}/gostergeler/?year={year}&q=otobüs")
    assert page.locator(".tag-pending").count() >= 4  # sent, not approved yet
    assert page.locator("#logout").is_visible()
    both_sizes(page, shots, "03b-dashboard-pending")
    page.click("#approval-toggle a")
    assert page.locator(".tag-pending").count() == 0
    page.goto(live_server.url + "/admin/")
    page.click("#go-review")
    page.wait_for_selector("#review")
    assert page.locator("#review tbody tr").count() == count
    both_sizes(page, shots, "04-review-desk")
    first = page.locator("#review button[name=approve]").first
    first.click()
    page.wait_for_selector(".messagelist .success")
    assert "1 gerçekleşme onaylandı." in page.locator(".messagelist").inner_text()
    page.click("#approve-all")
    page.wait_for_selector(".messagelist .success")
    assert f"{count - 1} gerçekleşme onaylandı." in page.locator(".messagelist").inner_text()
    assert not Realization.objects.filter(year=year, status="submitted").exists()
    page.goto(f"{live_server.url}/admin/monitoring/realization/?plan={plan.pk}&year={year}")
    page.set_viewport_size(DESKTOP)
    assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]
    fits = "document.querySelector('#result_list').scrollWidth <= "
    fits += "document.querySelector('.results').clientWidth"
    assert page.evaluate(fits)  # no column cut off in the changelist
    page.screenshot(path=shots / "05-changelist-1366.png", full_page=True)
    page.goto(
        f"{live_server.url}/admin/monitoring/realization/yil-takibi/?plan={plan.pk}&year={year}"
    )
    assert "Kapatma kontrol listesi" in page.content()
    page.screenshot(path=shots / "06-year-checklist-1366.png", full_page=True)
