"""The admin's export page works under our Content-Security-Policy: its "select all" box
(the package's inline handler, let through by its hash) clears and checks every field,
and the page logs no CSP violation."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_select_all_on_the_export_page(logged_in, live_server):
    page = logged_in
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(live_server.url + "/admin/monitoring/realization/export/")
    toggle = page.locator("input.select-toggle").first
    fields = page.locator('.selectable-field-export-row input[type="checkbox"]:visible')
    assert fields.count() > 1
    toggle.uncheck()
    assert all(not fields.nth(i).is_checked() for i in range(fields.count()))
    toggle.check()
    assert all(fields.nth(i).is_checked() for i in range(fields.count()))
    assert not [e for e in errors if "Content Security Policy" in e]
