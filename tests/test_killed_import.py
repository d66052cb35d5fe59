"""A killed import leaves nothing: SIGKILL in the middle of the writer's transaction, and
the database is what it was (PostgreSQL; SQLite's test database lives in memory)."""

import io
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from openpyxl import load_workbook

from monitoring.excel.report import report_bytes
from plans.models import Plan

from .excel_helpers import snapshot

ROOT = Path(__file__).resolve().parent.parent


def every_figure_changed(plan) -> bytes:
    """The plan's 2024 report with every numeric Gerçekleşme cell one more."""
    wb = load_workbook(io.BytesIO(report_bytes(plan, 2024)))
    for ws in wb.worksheets:
        col = None
        for row in ws.iter_rows():
            values = [c.value for c in row]
            if col is None:
                col = values.index("Gerçekleşme") if "Gerçekleşme" in values else None
                continue
            if isinstance(row[col].value, int | float):
                row[col].value = row[col].value + 1
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a database on disk")
def test_sigkill_in_the_middle_of_an_import_leaves_nothing(db):
    plan = Plan.objects.get(municipality__name="Mersin Büyükşehir Belediyesi")
    data = every_figure_changed(plan)
    before = snapshot()
    s = connection.settings_dict
    url = f"postgres://{s['USER'] or 'postgres'}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}"
    env = {
        **os.environ,
        "DATABASE_URL": f"{url}/{s['NAME']}",
        "DEBUG": "1",
        "PYTHONPATH": str(ROOT),
    }
    child = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "killed_import_child.py")],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=False,
    )
    child.stdin.write(data)
    child.stdin.close()
    try:
        word, changed = child.stdout.readline().split()
        assert word == b"ready" and int(changed) > 100  # over a hundred figures written
        with connection.cursor() as c:  # the child holds its transaction open, rows written
            c.execute("SELECT count(*) FROM pg_stat_activity WHERE state = 'idle in transaction'")
            assert c.fetchone()[0] >= 1
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    assert snapshot() == before
