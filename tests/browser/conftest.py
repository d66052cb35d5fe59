"""Playwright driving Debian's Chromium (never Playwright's own browser download)."""

import os
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
OUTPUT = Path(__file__).resolve().parent.parent / "output"


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def shots(request):
    """Folder for this test's screenshots: tests/output/<test name>/."""
    folder = OUTPUT / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="tr-TR", viewport={"width": 1366, "height": 900})
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture
def demo_data(transactional_db):
    from monitoring.demo import load_demo
    from monitoring.roles import ensure_reference_data

    ensure_reference_data()  # a transactional test's flush emptied the reference tables
    load_demo()


@pytest.fixture
def logged_in(page, live_server, demo_data, django_user_model):
    django_user_model.objects.create_superuser("tarayici", "t@example.org", "Tarayici-Parola-42")
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "tarayici")
    page.fill("#id_password", "Tarayici-Parola-42")
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")
    return page
