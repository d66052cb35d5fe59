"""Production: /healthz, the settings with DEBUG off (static files, cache, redirect,
logs), and the background tasks on both backends (at once, and queued for a worker)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.db import OperationalError
from django.urls import reverse

from plans.models import Plan

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
YEAR = reverse("admin:monitoring_realization_year")
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def mersin():
    return Plan.objects.get(municipality__name="Mersin Büyükşehir Belediyesi")


# ------------------------------------------------------------------------------- healthz


def test_health_answers_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_health_names_an_unreachable_cache(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "cache": "error"}


def test_health_names_an_unreachable_database(client, monkeypatch):
    class Down:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr("yeep.health.connection", Down())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "error", "cache": "ok"}


# --------------------------------------------------------------------- settings, DEBUG=0


def production(code: str, tmp_path: Path, **extra: str) -> subprocess.CompletedProcess:
    """Run code in a fresh interpreter with the production settings (DEBUG off)."""
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}},
        "DEBUG": "0",
        "SECRET_KEY": "test-" + "k" * 60,
        "ALLOWED_HOSTS": "testserver,localhost",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        "STATIC_ROOT": str(tmp_path / "static"),
        "DJANGO_SETTINGS_MODULE": "yeep.settings",
        **extra,
    }
    setup = "import django; django.setup()\n"
    return subprocess.run(
        [sys.executable, "-c", setup + code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings(tmp_path):
    done = production(
        """
import json, logging
from django.conf import settings
from django.test import Client
client = Client()
health = client.get("/healthz")
page = client.get("/plan/")
logging.getLogger("monitoring.tasks").info("a line for the log collector")
print(json.dumps({
    "health": health.status_code,
    "page": [page.status_code, page.get("Location")],
    "static": settings.STORAGES["staticfiles"]["BACKEND"],
    "cache": settings.CACHES["default"],
    "tasks": settings.TASKS["default"]["BACKEND"],
}))
""",
        tmp_path,
    )
    assert done.returncode == 0, done.stderr
    *log, last = done.stdout.strip().splitlines()
    found = json.loads(last)
    assert found["health"] == 200  # plain HTTP for probes ...
    assert found["page"] == [301, "https://testserver/plan/"]  # ... HTTPS for everyone else
    assert found["static"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert found["cache"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert found["cache"]["OPTIONS"]["MAX_ENTRIES"] >= 10_000
    assert found["tasks"] == "django_tasks.backends.immediate.ImmediateBackend"
    assert any("INFO" in line and "a line for the log collector" in line for line in log)
    assert "a line for the log collector" not in done.stderr


def test_redis_cache_and_database_tasks_from_the_environment(tmp_path):
    done = production(
        "from django.conf import settings\n"
        "print(settings.CACHES['default']['BACKEND'], settings.CACHES['default']['LOCATION'],"
        " settings.TASKS['default']['BACKEND'])",
        tmp_path,
        REDIS_URL="redis://127.0.0.1:6379/3",
        TASKS_BACKEND="database",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [
        "django.core.cache.backends.redis.RedisCache",
        "redis://127.0.0.1:6379/3",
        "django_tasks_db.DatabaseBackend",
    ]


@pytest.mark.parametrize(
    ("name", "value"), [("TASKS_BACKEND", "celery"), ("REDIS_URL", "127.0.0.1:6379")]
)
def test_a_malformed_setting_stops_start_up(tmp_path, name, value):
    done = production("", tmp_path, **{name: value})
    assert done.returncode != 0
    assert f"{name}=" in done.stderr and "ImproperlyConfigured" in done.stderr


def test_collectstatic_writes_hashed_compressed_files(tmp_path):
    done = production(
        "from django.core.management import call_command\n"
        "call_command('collectstatic', '--noinput', verbosity=0)",
        tmp_path,
    )
    assert done.returncode == 0, done.stderr
    static = tmp_path / "static"
    manifest = json.loads((static / "staticfiles.json").read_text())["paths"]
    hashed = manifest["css/dashboard.css"]
    assert hashed != "css/dashboard.css"
    assert (static / f"{hashed}.gz").exists() and (static / f"{hashed}.br").exists()


# ------------------------------------------------------------------------ tasks, at once


def test_reminders_without_a_worker_are_sent_at_once(admin_client_tr, mailoutbox):
    plan = mersin()
    plan.municipality.units.update(contact_emails="birim@mersin.example.org")
    response = admin_client_tr.post(
        f"{YEAR}?plan={plan.pk}&year=2025", {"action": "remind"}, follow=True
    )
    owing = len(mailoutbox)
    assert owing > 0
    assert f"{owing} birime hatırlatma gönderildi." in response.text
    assert all(m.to == ["birim@mersin.example.org"] for m in mailoutbox)
    assert len({m.body for m in mailoutbox}) == owing  # one message per unit


def test_a_failed_reminder_round_is_told(admin_client_tr, mailoutbox, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("no SMTP server")

    monkeypatch.setattr("monitoring.tasks.send_reminders", refuse)
    plan = mersin()
    response = admin_client_tr.post(
        f"{YEAR}?plan={plan.pk}&year=2025", {"action": "remind"}, follow=True
    )
    assert "Hatırlatmalar gönderilemedi" in response.text
    assert not mailoutbox


# --------------------------------------------------------------- tasks, queued (worker)


def run_queued():
    """What `manage.py db_worker` does with each waiting task."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    )
    for result in DBTaskResult.objects.ready():
        worker.run_task(result)


def test_a_queued_reminder_round_mails_each_unit_once(admin_client_tr, mailoutbox, settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE_TASKS
    plan = mersin()
    plan.municipality.units.update(contact_emails="birim@mersin.example.org")
    url = f"{YEAR}?plan={plan.pk}&year=2025"
    first = admin_client_tr.post(url, {"action": "remind"}, follow=True)
    assert "Hatırlatmalar sıraya alındı" in first.text
    admin_client_tr.post(url, {"action": "remind"})  # an impatient second click
    assert DBTaskResult.objects.count() == 1
    assert not mailoutbox  # nothing is sent by the web request

    run_queued()
    record = DBTaskResult.objects.get()
    assert record.status == "SUCCESSFUL"
    sent = record.return_value["sent"]
    assert len(mailoutbox) == len(sent) > 0
    assert len({s["unit"] for s in sent}) == len(sent)
    assert all(s["emails"] == ["birim@mersin.example.org"] for s in sent)

    # the round is over: the next click is the next round
    admin_client_tr.post(url, {"action": "remind"})
    assert DBTaskResult.objects.filter(status="READY").count() == 1


def test_units_forms_zip_built_by_the_worker(admin_client_tr, settings):
    settings.TASKS = DATABASE_TASKS
    plan = mersin()
    url = reverse("admin:monitoring_realization_unit_forms", args=[plan.pk])
    waiting = admin_client_tr.get(url, {"year": 2025})
    assert waiting.status_code == 202
    again = waiting["Refresh"].split("url=", 1)[1]
    assert admin_client_tr.get(again).status_code == 202  # not built yet

    run_queued()
    response = admin_client_tr.get(again)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "2025" in response["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as zf:
        assert any("ulasim-dairesi-baskanligi" in n for n in zf.namelist())

    # the build's id under another plan's address is nobody's file
    other = Plan.objects.get(municipality__name="Büyükçekmece Belediyesi")
    task_id = again.split("task=", 1)[1]
    other_url = reverse("admin:monitoring_realization_unit_forms", args=[other.pk])
    assert admin_client_tr.get(other_url, {"task": task_id}).status_code == 404
    assert admin_client_tr.get(url, {"task": "not-a-task"}).status_code == 404
