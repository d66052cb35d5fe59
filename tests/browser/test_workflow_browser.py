"""Journeys 3 and 4 in the browser: a directorate enters and submits its figures, the
equality unit approves them and closes the year."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, live_server, username):
    page.context.clear_cookies()
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "Guclu-Parola-2024")
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")


def test_directorate_submits_and_equality_unit_approves(page, live_server, demo_data, shots):
    from monitoring.models import Realization
    from monitoring.roles import DIRECTORATE, EQUALITY_UNIT
    from plans.models import Plan
    from tests.conftest import make_role_user

    mersin = "Mersin Büyükşehir Belediyesi"
    make_role_user("mehmet", DIRECTORATE, mersin, "Ulaşım Dairesi Başkanlığı")
    make_role_user("ayse", EQUALITY_UNIT, mersin)
    plan = Plan.objects.get(municipality__name=mersin)

    login(page, live_server, "mehmet")
    page.goto(
        f"{live_server.url}/admin/monitoring/realization/yillik-giris/?plan={plan.pk}&year=2025"
    )
    inputs = page.locator("#entry-form input[name^=r_]")
    count = inputs.count()
    assert 0 < count < 20  # only Ulaşım's indicators
    inputs.nth(0).fill("1")  # far below the target: needs a reason
    for k in range(1, count):
        inputs.nth(k).fill("99999")
    page.click("input[name=submit_for_review]")
    page.wait_for_selector(".errorlist")
    assert "sapma nedeni" in page.locator(".messagelist").inner_text()
    page.screenshot(path=shots / "01-reason-needed.png")
    page.locator("#entry-form textarea").first.fill("Pilot bölgede ihale gecikti")
    page.click("input[name=submit_for_review]")
    page.wait_for_selector(".messagelist .success")
    assert "onaya gönderildi" in page.locator(".messagelist").inner_text()
    page.screenshot(path=shots / "02-submitted.png")

    login(page, live_server, "ayse")
    page.goto(f"{live_server.url}/admin/monitoring/realization/?status__exact=submitted")
    page.check("#action-toggle")
    page.select_option("select[name=action]", "approve_selected")
    page.click("button[name=index]")
    page.wait_for_load_state()
    assert "onaylandı" in page.locator(".messagelist").inner_text()
    page.screenshot(path=shots / "03-approved.png")
    assert not Realization.objects.filter(year=2025, status="submitted").exists()
    assert Realization.objects.filter(year=2025, status="approved").count() == count
