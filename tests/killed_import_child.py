"""Run by tests/test_killed_import.py in a process of its own: a realization import that
changes every 2024 figure of the Mersin plan, paused in the middle of its transaction
(the figures written, the audit not yet) until the test kills it."""

import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yeep.settings")
django.setup()

from monitoring import realizations  # noqa: E402
from monitoring.excel.realization_form import import_realizations  # noqa: E402
from plans.models import Plan  # noqa: E402


def pause(rows):
    print(f"ready {len(rows)}", flush=True)  # the figures' UPDATEs have run
    time.sleep(600)


realizations.write_audit = pause
plan = Plan.objects.get(municipality__name="Mersin Büyükşehir Belediyesi")
import_realizations(source=sys.stdin.buffer.read(), year=2024, plan=plan)
