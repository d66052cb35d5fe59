"""Smoke test against the production server that .ci/run starts (gunicorn, DEBUG off,
Redis cache, a task worker, file-based e-mail). Run only there: `-m smoke`.

Settings from the environment: SMOKE_URL (http://127.0.0.1:PORT), SMOKE_USER and
SMOKE_PASSWORD (a superuser made with manage.py), SMOKE_MAIL_DIR (the EMAIL_FILE_PATH of
server and worker), SMOKE_REDIS_URL (the server's REDIS_URL, to see the cache filled).
It talks HTTP only, as a browser would; it never opens the server's database.
"""

from __future__ import annotations

import email
import http.cookiejar
import io
import json
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
import zipfile
from pathlib import Path

import pytest
from django.urls import reverse

from tests.excel_helpers import edit, find_row, read

pytestmark = pytest.mark.smoke

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WAIT_SECONDS = 45


def env(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        pytest.fail(f"{name} is not set: the smoke test runs against a server .ci/run starts")
    return value


class LoopbackCookies(http.cookiejar.DefaultCookiePolicy):
    """The server marks its cookies Secure (DEBUG off); on the loopback over plain HTTP a
    browser sends them back all the same, and so does this client."""

    def return_ok_secure(self, cookie, request):
        return True


class Browser:
    def __init__(self, base: str):
        self.base = base.rstrip("/")
        self.cookies = http.cookiejar.CookieJar(LoopbackCookies())
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def request(self, path, data=None, headers=None, method=None):
        req = urllib.request.Request(
            self.base + path, data=data, headers=headers or {}, method=method
        )
        try:
            response = self.opener.open(req, timeout=60)
        except urllib.error.HTTPError as exc:
            response = exc
        response.body = response.read()
        response.text = response.body.decode("utf-8", "replace")
        return response

    def get(self, path, **query):
        return self.request(path + ("?" + urllib.parse.urlencode(query) if query else ""))

    def csrf(self) -> str:
        return next(c.value for c in self.cookies if c.name == "csrftoken")

    def post(self, path, fields, files=None):
        fields = {"csrfmiddlewaretoken": self.csrf(), **fields}
        if not files:
            data = urllib.parse.urlencode(fields).encode()
            return self.request(
                path, data, {"Content-Type": "application/x-www-form-urlencoded"}, "POST"
            )
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in fields.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
        for name, (filename, content, content_type) in files.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
                + content
                + b"\r\n"
            )
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request(
            path,
            b"".join(parts),
            {"Content-Type": f"multipart/form-data; boundary={boundary}"},
            "POST",
        )


def wait_for(what: str, check):
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.5)
    pytest.fail(f"no {what} within {WAIT_SECONDS} s")


@pytest.fixture(scope="module")
def browser():
    b = Browser(env("SMOKE_URL"))
    login = reverse("admin:login")
    assert b.get(login).status == 200
    page = b.post(
        login,
        {"username": env("SMOKE_USER"), "password": env("SMOKE_PASSWORD"), "next": "/admin/"},
    )
    assert page.status == 200 and page.url.endswith("/admin/"), page.text[:500]
    return b


@pytest.fixture(scope="module")
def plan_id(browser):
    page = browser.get(reverse("monitoring:plan_list"))
    assert page.status == 200
    # a line of generations per municipality, its first plan first
    cards = re.findall(
        r'<h2 class="line-head"[^>]*>([^<]+).*?<h3><a href="/plan/(\d+)/">', page.text, re.S
    )
    return next(pk for municipality, pk in cards if municipality.startswith("Mersin"))


def test_health_reports_database_and_cache():
    page = Browser(env("SMOKE_URL")).get("/healthz")
    assert page.status == 200
    assert json.loads(page.body) == {"database": "ok", "cache": "ok"}


def test_dashboard_overview_with_hashed_compressed_static(browser, plan_id):
    page = browser.get(reverse("monitoring:overview", args=[plan_id]))
    assert page.status == 200
    assert "Mersin" in page.text
    css = re.search(r'href="(/static/css/dashboard\.[0-9a-f]{12}\.css)"', page.text)
    assert css, "the stylesheet's name carries no content hash (manifest storage)"
    static = browser.request(css.group(1), headers={"Accept-Encoding": "gzip"})
    assert static.status == 200
    assert static.headers["Content-Encoding"] == "gzip"
    assert "immutable" in static.headers["Cache-Control"]
    redis_url = os.environ.get("SMOKE_REDIS_URL")
    if redis_url:
        import redis

        assert redis.Redis.from_url(redis_url).keys("yeep:*"), "nothing in the Redis cache"


def test_realization_form_upload(browser, plan_id):
    report = reverse("monitoring:report_xlsx", args=[plan_id])
    data = browser.get(report, year=2024).body
    sheet = read(data).worksheets[0]
    row = find_row(sheet, 1, "1.1.4.")
    new_value = int(sheet[f"I{row}"].value) + 1
    url = reverse("admin:monitoring_realization_workbook_import")
    assert browser.get(url).status == 200
    preview = browser.post(
        url,
        {"year": "2024"},
        files={
            "file": ("rapor.xlsx", edit(data, {f"I{row}": new_value, f"L{row}": "Duman"}), XLSX)
        },
    )
    assert preview.status == 200, preview.text[:2000]
    token = re.search(r'name="token" value="([^"]+)"', preview.text)
    assert token, preview.text[:2000]
    done = browser.post(url, {"token": token.group(1)})
    assert done.status == 200
    assert "2024 gerçekleşmeleri kaydedildi: 0 yeni, 1 değişen" in done.text
    again = read(browser.get(report, year=2024).body).worksheets[0]
    assert int(again[f"I{row}"].value) == new_value


def test_reminder_round_sent_by_the_worker(browser, plan_id):
    mail_dir = Path(env("SMOKE_MAIL_DIR"))
    before = set(mail_dir.glob("*"))
    year_page = reverse("admin:monitoring_realization_year")
    query = f"?plan={plan_id}&year=2025"
    assert browser.get(year_page + query).status == 200
    page = browser.post(year_page + query, {"action": "remind"})
    assert page.status == 200
    assert "Hatırlatmalar sıraya alındı" in page.text  # queued, not sent by the web process
    files = wait_for("reminder e-mail file", lambda: set(mail_dir.glob("*")) - before)
    messages = []
    for path in files:
        for chunk in path.read_text().split("-" * 79):
            if chunk.strip():
                messages.append(email.message_from_string(chunk.strip()))
    recipients = [m["To"] for m in messages]
    assert recipients and all("@mersin.example.org" in r for r in recipients)
    assert len(recipients) == len(set(recipients)), "a unit was reminded twice in one round"
    record = browser.get(reverse("admin:django_tasks_database_dbtaskresult_changelist"))
    assert "send_reminders_task" in record.text


def test_unit_forms_zip_built_by_the_worker(browser, plan_id):
    url = reverse("admin:monitoring_realization_unit_forms", args=[plan_id])
    first = browser.get(url, year=2025)
    assert first.status == 202, first.status
    again = first.headers["Refresh"].split("url=", 1)[1]

    def ready():
        page = browser.request(again)
        return page if page.status == 200 else None

    page = wait_for("units' forms zip", ready)
    assert page.headers["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(page.body)) as zf:
        assert any("ulasim-dairesi-baskanligi" in n for n in zf.namelist())


def _table_realization(browser, plan_id, code: str) -> str:
    """The digits of the first indicator of activity ``code`` in the 2024 indicator table
    (a page from the rendered-page cache)."""
    page = browser.get(reverse("monitoring:indicator_table", args=[plan_id]), year=2024)
    assert page.status == 200
    row = re.search(rf">{re.escape(code.rstrip('.'))}\.?</a></td>(.*?)</tr>", page.text, re.S)
    assert row, f"no row {code}"
    cell = re.search(r'data-label="Gerçekleşme">(.*?)</td>', row.group(1), re.S).group(1)
    return re.sub(r"\D", "", cell.split("<span")[0])


def test_every_worker_serves_a_changed_figure(browser, plan_id):
    """gunicorn's workers (3) each answer some of a dozen requests: before the change all
    show the old figure (their pages are cached), after it every one the new figure."""
    report = reverse("monitoring:report_xlsx", args=[plan_id])
    data = browser.get(report, year=2024).body
    sheet = read(data).worksheets[0]
    row = find_row(sheet, 1, "1.2.1.")
    old = int(sheet[f"I{row}"].value)
    assert {_table_realization(browser, plan_id, "1.2.1.") for _ in range(12)} == {str(old)}
    url = reverse("admin:monitoring_realization_workbook_import")
    assert browser.get(url).status == 200
    changed = edit(data, {f"I{row}": old + 7, f"L{row}": "Yeni sayım"})
    preview = browser.post(url, {"year": "2024"}, files={"file": ("rapor.xlsx", changed, XLSX)})
    token = re.search(r'name="token" value="([^"]+)"', preview.text)
    assert token, preview.text[:2000]
    assert browser.post(url, {"token": token.group(1)}).status == 200
    seen = {_table_realization(browser, plan_id, "1.2.1.") for _ in range(12)}
    assert seen == {str(old + 7)}
