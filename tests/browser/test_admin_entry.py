import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_enter_a_years_figures_on_one_page(logged_in, live_server, shots):
    page = logged_in
    page.screenshot(path=shots / "01-admin-index.png", full_page=True)
    page.goto(live_server.url + "/admin/monitoring/realization/yillik-giris/")
    page.select_option("#id_plan", label=page.locator("#id_plan option").nth(1).inner_text())
    page.wait_for_selector("#entry-form")
    page.screenshot(path=shots / "02-entry-page.png")
    first = page.locator("#entry-form input[name^=r_]").first
    first.fill("abc")
    page.click("#entry-form input[type=submit]")
    page.wait_for_selector(".errorlist")
    assert "bir sayı değil" in page.locator(".errorlist").first.inner_text()
    page.screenshot(path=shots / "03-error-beside-field.png")
    page.locator("#entry-form input[name^=r_]").first.fill("%8,2")
    page.click("#entry-form input[type=submit]")
    page.wait_for_selector(".messagelist .success")
    assert "kaydedildi" in page.locator(".messagelist").inner_text()
    page.screenshot(path=shots / "04-saved.png")
