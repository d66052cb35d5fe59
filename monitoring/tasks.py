"""Background work on Django's Tasks API: a reminder round for a plan's year
(``chasing.send_reminders``) and the zip of every unit's blank form
(``report.unit_forms_zip``). The tasks only call those functions; what a task did is its
return value, kept by the database backend (admin › Task Results) with its arguments,
times and any traceback.

With ``TASKS_BACKEND=database`` the tasks wait in the database for ``manage.py
db_worker``; without it (the default, ImmediateBackend) they run at once inside the
request, as before. On Django 6.0 the same code runs on the built-in ``django.tasks``.

A reminder round sends each unit that still owes figures one e-mail. While a round for
the same plan and year waits or runs, asking again hands back that round instead of
queueing a second one, so a double click or an impatient user mails nobody twice.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

try:  # Django 6.0+
    from django.tasks import TaskResult, TaskResultStatus, task
except ImportError:  # Django 5.2: the backport
    from django_tasks import TaskResult, TaskResultStatus, task

from django_tasks_db import DatabaseBackend

from plans.models import Plan

from .chasing import send_reminders
from .excel.report import unit_forms_zip

logger = logging.getLogger(__name__)

# Under MEDIA_ROOT's private folder: never served by URL, shared by web and worker.
UNIT_FORMS_DIR = "private/tasks/unit-forms"
UNIT_FORMS_KEPT = timedelta(days=1)
# A task still "running" after this long lost its worker (killed, machine restarted).
RUNNING_STALE_AFTER = timedelta(minutes=30)


@task()
def send_reminders_task(*, plan_id: int, year: int) -> dict:
    """One reminder round: every unit that owes figures for the year gets one e-mail."""
    plan = Plan.objects.select_related("municipality").get(pk=plan_id)
    result = send_reminders(plan, year)
    record = {
        "plan": plan_id,
        "year": year,
        "sent": [{"unit": u.pk, "name": u.name, "emails": emails} for u, emails in result.sent],
        "no_contact": [{"unit": u.pk, "name": u.name} for u in result.no_contact],
    }
    logger.info(
        "reminder round plan=%s year=%s: %s units mailed, %s without an address",
        plan_id,
        year,
        len(record["sent"]),
        len(record["no_contact"]),
    )
    return record


@task()
def build_unit_forms_task(*, plan_id: int, year: int) -> str:
    """Every responsible unit's blank form in one zip; returns its name in the storage."""
    plan = Plan.objects.select_related("municipality").get(pk=plan_id)
    data = unit_forms_zip(plan, year)
    _prune_unit_forms()
    name = default_storage.save(f"{UNIT_FORMS_DIR}/{plan_id}-{year}.zip", ContentFile(data))
    logger.info("unit forms plan=%s year=%s: %s bytes in %s", plan_id, year, len(data), name)
    return name


def remind(*, plan: Plan, year: int) -> TaskResult:
    """Start a reminder round, or hand back the one for this plan and year that has not
    finished yet."""
    return _enqueue_once(send_reminders_task, plan=plan, year=year)


def unit_forms(*, plan: Plan, year: int) -> TaskResult:
    """Start building the units' forms zip, or hand back the build not finished yet."""
    return _enqueue_once(build_unit_forms_task, plan=plan, year=year)


def unit_forms_result(result_id: str, *, plan: Plan) -> TaskResult | None:
    """The zip build with this id if it was for this plan; None otherwise (unknown id,
    another plan, a backend that keeps no results)."""
    try:
        result = build_unit_forms_task.get_result(result_id)
    except Exception:  # TaskResultDoesNotExist, a malformed id, NotImplementedError
        return None
    return result if result.kwargs.get("plan_id") == plan.pk else None


def open_unit_forms(result: TaskResult):
    """The finished zip as an open file."""
    return default_storage.open(result.return_value, "rb")


def _enqueue_once(task_obj, *, plan: Plan, year: int) -> TaskResult:
    if not isinstance(task_obj.get_backend(), DatabaseBackend):
        # the immediate backend runs the task now: nothing of it can be waiting
        return task_obj.enqueue(plan_id=plan.pk, year=year)
    with transaction.atomic():
        # one request at a time per plan decides whether to queue (a row lock on PostgreSQL)
        list(Plan.objects.select_for_update().filter(pk=plan.pk).values_list("pk"))
        pending = _unfinished(task_obj, plan_id=plan.pk, year=year)
        if pending is not None:
            return task_obj.get_result(pending)
        return task_obj.enqueue(plan_id=plan.pk, year=year)


def _unfinished(task_obj, **kwargs) -> str | None:
    """The id of a queued or running task with these arguments in the database backend."""
    backend = task_obj.get_backend()
    from django_tasks_db.models import DBTaskResult

    started_since = timezone.now() - RUNNING_STALE_AFTER
    pending = DBTaskResult.objects.filter(
        Q(status=TaskResultStatus.READY)
        | Q(status=TaskResultStatus.RUNNING, started_at__gte=started_since),
        task_path=task_obj.module_path,
        backend_name=backend.alias,
        **{f"args_kwargs__kwargs__{key}": value for key, value in kwargs.items()},
    )
    found = pending.order_by("enqueued_at").values_list("pk", flat=True).first()
    return str(found) if found is not None else None


def _prune_unit_forms() -> None:
    if not default_storage.exists(UNIT_FORMS_DIR):
        return
    cutoff = timezone.now() - UNIT_FORMS_KEPT
    for name in default_storage.listdir(UNIT_FORMS_DIR)[1]:
        path = f"{UNIT_FORMS_DIR}/{name}"
        if default_storage.get_modified_time(path) < cutoff:
            default_storage.delete(path)
