"""On a phone (390 px) the yearly entry page and the plan import preview fit the
screen: no page-wide horizontal scroll (tables scroll inside their own box or become
cards); the same pages at 1366 px, as screenshots to look at."""

import pytest

from tests.excel_helpers import xlsx
from tests.test_plan_preview import plan_rows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _page_width(page) -> tuple[int, int]:
    return page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")


@pytest.mark.parametrize("width", [1366, 390])
def test_entry_page_and_plan_preview_fit_the_screen(logged_in, live_server, shots, tmp_path, width):
    page = logged_in
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + "/admin/monitoring/realization/yillik-giris/?year=2024&plan=")
    page.select_option("#id_plan", index=1)
    page.wait_for_selector("#entry-form")
    page.screenshot(path=shots / f"entry-{width}.png")
    scroll, inner = _page_width(page)
    assert scroll <= inner
    if width == 390:  # a card per indicator: the column's name above each cell
        label = page.locator("#entry-form td[data-label]").first
        assert label.evaluate("e => getComputedStyle(e, '::before').content") != "none"

    path = tmp_path / "plan.xlsx"
    path.write_bytes(xlsx(plan_rows(3)))
    page.goto(live_server.url + "/admin/plans/plan/ice-aktar/")
    page.set_input_files("#id_file", str(path))
    page.fill("#id_municipality", "Büyükçekmece Belediyesi")
    page.click("#upload-form input[type=submit]")
    page.wait_for_selector("#plan-tree")
    page.evaluate("document.querySelectorAll('#plan-tree details').forEach(d => d.open = true)")
    page.screenshot(path=shots / f"plan-preview-{width}.png", full_page=True)
    scroll, inner = _page_width(page)
    assert scroll <= inner
    assert page.locator("#units-internal").is_visible()
    assert page.locator("#units-external").is_visible()


@pytest.mark.parametrize("width", [1366, 390])
def test_the_year_and_close_page_fits_the_screen(logged_in, live_server, shots, width):
    page = logged_in
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + "/admin/monitoring/realization/yil-takibi/")
    page.select_option("#id_plan", index=0)
    page.click(".entry-picker input[type=submit]")
    page.wait_for_selector("#debts")
    page.screenshot(path=shots / f"year-{width}.png", full_page=True)
    scroll, inner = _page_width(page)
    assert scroll <= inner
