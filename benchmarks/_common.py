"""Pieces the benchmark scripts share: the throwaway database and the first rows of a
plan built with bulk inserts (units, themes, goals). Not a benchmark of its own."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

THEMES = [
    "KADIN İSTİHDAMI",
    "EĞİTİM",
    "SAĞLIK",
    "ŞİDDETLE MÜCADELE",
    "KATILIM",
    "KENT HİZMETLERİ",
    "SOSYAL HİZMETLER",
    "KURUMSAL KAPASİTE",
]
PARTNERS = ["İl Sağlık Müdürlüğü", "Mersin Üniversitesi", "Kadın Kooperatifleri Birliği"]


# ------------------------------------------------------------------ database


def setup_database(
    tag: str, *, test_environment: bool, describe_server: bool
) -> tuple[str, Callable[[], None]]:
    """Point Django at a throwaway database and migrate it. Returns (description,
    teardown).

    Without DATABASE_URL: a fresh SQLite file in a temporary folder ``yeep-<tag>-*``.
    With it: a test database beside it (``test_<name>_<tag>``), created and destroyed the
    way Django's test runner does; DATABASE_URL's own database is never touched.
    ``test_environment``: Django's ``setup_test_environment`` (the test Client's
    "testserver" allowed); otherwise only DEBUG off. Both: no query log.
    ``describe_server``: the description names the server and says its database is
    untouched."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yeep.settings")
    env_url = os.environ.get("DATABASE_URL", "").strip()
    tmpdir = Path(tempfile.mkdtemp(prefix=f"yeep-{tag}-"))
    if not env_url:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmpdir / 'bench.sqlite3'}"

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment

    if test_environment:
        setup_test_environment(debug=False)  # "testserver" allowed, no query log
    else:
        settings.DEBUG = False  # no query log (as under Django's test runner)

    if not env_url:
        call_command("migrate", verbosity=0)

        def teardown():
            connection.close()
            shutil.rmtree(tmpdir, ignore_errors=True)

        return f"sqlite (temporary file {settings.DATABASES['default']['NAME']})", teardown

    # DATABASE_URL given: never use that database, create a test one beside it.
    db = settings.DATABASES["default"]
    test = db.setdefault("TEST", {})
    if connection.vendor == "sqlite":
        test["NAME"] = str(tmpdir / "bench.sqlite3")
    else:
        test["NAME"] = f"test_{db['NAME']}_{tag}"
    old_name = db["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    desc = f"{connection.vendor} (throwaway test database {db['NAME']}"
    if describe_server:
        if db.get("HOST"):
            desc += f" on {db['HOST']}:{db.get('PORT') or ''}".rstrip(":")
        desc += "; DATABASE_URL's own database untouched"

    def teardown():
        connection.creation.destroy_test_db(old_name, verbosity=0)
        shutil.rmtree(tmpdir, ignore_errors=True)

    return desc + ")", teardown


# ------------------------------------------------------------------ the plan


def create_units(mun, names: list[str]) -> tuple[list, list]:
    """The municipality's own units (``names``) and the external partners (``PARTNERS``),
    in one bulk insert. Returns (units, partners)."""
    from plans.models import Unit
    from plans.unit_names import unit_key

    units = [Unit(municipality=mun, name=n) for n in names]
    partners = [Unit(municipality=mun, name=n, kind=Unit.Kind.EXTERNAL) for n in PARTNERS]
    for u in units + partners:
        u.key = unit_key(u.name)  # bulk_create skips Unit.save(), which sets it
    Unit.objects.bulk_create(units + partners)
    return units, partners


def create_themes_and_goals(plan, goals_per_theme: int, goal_title: Callable[[str, int], str]):
    """The ``THEMES`` of the plan and ``goals_per_theme`` goals in each, in two bulk
    inserts; ``goal_title(theme title, goal number)`` names a goal. Returns (themes,
    goals)."""
    from plans.models import Goal, Theme

    themes = Theme.objects.bulk_create(
        Theme(plan=plan, code=str(i + 1), title=t, position=i + 1) for i, t in enumerate(THEMES)
    )
    goals = Goal.objects.bulk_create(
        Goal(
            theme=th,
            code=f"{th.code}.{g + 1}",
            title=goal_title(th.title, g + 1),
            position=g + 1,
        )
        for th in themes
        for g in range(goals_per_theme)
    )
    return themes, goals
