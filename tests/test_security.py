"""Tests that try to break in, each asserting the refusal."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from monitoring.excel.report import report_bytes
from monitoring.models import Realization
from plans.models import Goal, Indicator, Plan, Target, Theme, Unit

from .excel_helpers import edit, find_row, read, snapshot

pytestmark = pytest.mark.django_db

ENTRY = reverse("admin:monitoring_realization_yearly_entry")


def mersin():
    return Plan.objects.get(municipality__name="Mersin Büyükşehir Belediyesi")


def mersin_objects():
    plan = mersin()
    ind = Indicator.objects.filter(activity__theme__plan=plan).first()
    return {
        "plans_plan": plan,
        "plans_theme": Theme.objects.filter(plan=plan).first(),
        "plans_goal": Goal.objects.filter(theme__plan=plan).first(),
        "plans_activity": ind.activity,
        "plans_indicator": ind,
        "plans_target": Target.objects.filter(indicator=ind).first(),
        "plans_unit": Unit.objects.filter(municipality=plan.municipality).first(),
        "monitoring_realization": Realization.objects.filter(indicator=ind).first(),
    }


@pytest.mark.parametrize(
    "name",
    [
        "plans_plan",
        "plans_theme",
        "plans_goal",
        "plans_activity",
        "plans_indicator",
        "plans_target",
        "plans_unit",
        "monitoring_realization",
    ],
)
def test_another_municipality_cannot_read_or_change_by_guessing_ids(roles, as_user, name):
    obj = mersin_objects()[name]
    client = as_user(roles["other_equality"])
    before = snapshot()
    url = reverse(f"admin:{name}_change", args=[obj.pk])
    response = client.get(url)
    assert response.status_code == 302 and response.url == reverse("admin:index")
    assert client.post(url, {"title": "Ele geçirildi", "name": "X"}).status_code == 302
    assert (
        client.post(reverse(f"admin:{name}_delete", args=[obj.pk]), {"post": "yes"}).status_code
        == 302
    )
    assert client.get(reverse(f"admin:{name}_history", args=[obj.pk])).status_code == 302
    assert snapshot() == before
    listing = client.get(reverse(f"admin:{name}_changelist"))
    assert str(obj)[:30] not in listing.text or name == "plans_unit"


def test_another_municipality_sees_no_foreign_rows_in_lists(roles, as_user):
    client = as_user(roles["other_equality"])
    response = client.get(reverse("admin:plans_activity_changelist"), {"q": "Mahremiyet"})
    assert response.context["cl"].result_count == 0
    response = client.get(reverse("admin:plans_plan_changelist"))
    assert "Mersin" not in response.text and "Büyükçekmece" in response.text


def test_foreign_ids_in_form_fields_are_refused(roles, as_user):
    client = as_user(roles["other_equality"])
    before = snapshot()
    response = client.post(
        reverse("admin:plans_theme_add"),
        {
            "plan": mersin().pk,
            "code": "99",
            "title": "Sızma",
            "position": 99,
            "goals-TOTAL_FORMS": 0,
            "goals-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "Geçerli bir seçenek seçin" in response.text
    assert snapshot() == before


def test_another_municipality_cannot_use_pages_reports_or_evidence(roles, as_user):
    plan = mersin()
    client = as_user(roles["other_equality"])
    real = Realization.objects.for_plan(plan).first()
    for url in [
        f"{ENTRY}?plan={plan.pk}&year=2024",
        reverse("admin:monitoring_realization_report", args=[plan.pk]) + "?year=2024",
        reverse("admin:monitoring_realization_evidence", args=[real.pk]),
        reverse("admin:monitoring_realization_year") + f"?plan={plan.pk}",
    ]:
        assert client.get(url).status_code == 404, url


def test_another_municipality_cannot_import_into_a_foreign_plan(roles, as_user):
    data = report_bytes(mersin(), 2024)
    r = find_row(read(data).worksheets[0], 1, "1.1.4.")
    client = as_user(roles["other_equality"])
    before = snapshot()
    response = client.post(
        reverse("admin:monitoring_realization_workbook_import"),
        {"file": SimpleUploadedFile("r.xlsx", edit(data, {f"I{r}": 1})), "year": 2024},
    )
    assert "sizin belediyenize ait değil" in response.text
    assert snapshot() == before


def test_directorate_cannot_post_a_figure_for_another_units_indicator(roles, as_user):
    plan = mersin()
    own_unit = roles["directorate"].profile.unit
    foreign = (
        Indicator.objects.filter(activity__theme__plan=plan)
        .exclude(activity__responsible_units=own_unit)
        .first()
    )
    client = as_user(roles["directorate"])
    before = snapshot()
    # the admin form does not offer the indicator, and refuses its id
    response = client.post(
        reverse("admin:monitoring_realization_add"),
        {
            "indicator": foreign.pk,
            "year": 2025,
            "raw_text": "5",
            "version": "",
        },
    )
    assert response.status_code == 200 and "Geçerli bir seçenek seçin" in response.text
    # the entry page shows only the unit's indicators and ignores other ids
    page = client.get(ENTRY, {"plan": plan.pk, "year": 2025, "unit": ""})
    assert all(
        own_unit in r.indicator.activity.responsible_units.all() for r in page.context["form"].rows
    )
    client.post(f"{ENTRY}?plan={plan.pk}&year=2025", {f"r_{foreign.pk}": "5"})
    # a workbook naming a foreign indicator is refused
    data = report_bytes(plan, 2025, with_realizations=False)
    r = find_row(read(data).worksheets[0], 1, f"{foreign.activity.code}.")
    response = client.post(
        reverse("admin:monitoring_realization_workbook_import"),
        {"file": SimpleUploadedFile("r.xlsx", edit(data, {f"I{r}": 5})), "year": 2025},
    )
    assert "sizin biriminizin sorumlu olduğu bir gösterge değil" in response.text
    # and the realization list hides other units' figures
    listing = client.get(reverse("admin:monitoring_realization_changelist"))
    assert (
        listing.context["cl"].result_count
        == Realization.objects.filter(indicator__activity__responsible_units=own_unit).count()
    )
    assert snapshot() == before


def test_directorate_enters_its_own_figures(roles, as_user):
    plan = mersin()
    client = as_user(roles["directorate"])
    page = client.get(ENTRY, {"plan": plan.pk, "year": 2025})
    form = page.context["form"]
    data = {
        name: ("" if form[name].value() is None else form[name].value()) for name in form.fields
    }
    row = form.rows[0]
    data[f"r_{row.indicator.pk}"] = "7"
    assert client.post(f"{ENTRY}?plan={plan.pk}&year=2025", data).status_code == 302
    assert Realization.objects.get(indicator=row.indicator, year=2025).raw_text == "7"


def test_manager_reads_everything_and_saves_nothing(roles, as_user):
    plan = mersin()
    client = as_user(roles["manager"])
    before = snapshot()
    assert client.get(reverse("admin:plans_plan_change", args=[plan.pk])).status_code == 200
    assert client.get(reverse("admin:monitoring_realization_changelist")).status_code == 200
    theme = Theme.objects.filter(plan=plan).first()
    response = client.post(
        reverse("admin:plans_theme_change", args=[theme.pk]),
        {"plan": plan.pk, "code": "1", "title": "Değişti", "position": 1},
    )
    assert response.status_code == 403
    assert client.get(f"{ENTRY}?plan={plan.pk}").status_code == 403
    assert client.post(reverse("admin:plans_plan_import")).status_code == 403
    assert client.post(reverse("admin:monitoring_realization_workbook_import")).status_code == 403
    response = client.post(
        reverse("admin:monitoring_realization_year") + f"?plan={plan.pk}", {"action": "close"}
    )
    assert response.status_code in (302, 403)
    assert snapshot() == before


def test_anonymous_users_get_the_login_page(client):
    plan = mersin()
    real = Realization.objects.for_plan(plan).first()
    for url in [
        reverse("admin:monitoring_realization_report", args=[plan.pk]),
        reverse("admin:monitoring_realization_evidence", args=[real.pk]),
        ENTRY,
        reverse("admin:plans_plan_change", args=[plan.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response.url, url


def test_evidence_is_served_only_to_who_may_see_it(roles, as_user, settings, tmp_path):
    real = Realization.objects.get(
        indicator__activity__theme__plan=mersin(), indicator__activity__code="1.1.1", year=2024
    )
    real.evidence_file = SimpleUploadedFile("katilim.pdf", b"%PDF-1.4 liste")
    real.save()
    assert "/media" not in real.evidence_file.url or settings.MEDIA_URL == "/media-not-served/"
    url = reverse("admin:monitoring_realization_evidence", args=[real.pk])
    ok = as_user(roles["equality"]).get(url)
    assert ok.status_code == 200 and b"".join(ok.streaming_content) == b"%PDF-1.4 liste"
    assert as_user(roles["other_equality"]).get(url).status_code == 404
    assert as_user(roles["directorate"]).get(url).status_code == 404  # not its unit


def test_evidence_type_and_size_are_checked(admin_client_tr, settings):
    from django.core.exceptions import ValidationError

    from monitoring.models import validate_evidence_size, validate_evidence_type

    with pytest.raises(ValidationError):
        validate_evidence_type(SimpleUploadedFile("x.exe", b"MZ"))
    settings.EVIDENCE_MAX_BYTES = 10
    with pytest.raises(ValidationError, match="çok büyük"):
        validate_evidence_size(SimpleUploadedFile("x.pdf", b"x" * 11))


def test_repeated_failed_logins_are_throttled(client, roles):
    url = reverse("admin:login")
    for _ in range(4):
        response = client.post(url, {"username": "esitlik_m", "password": "yanlış"})
        assert response.status_code == 200
    assert client.post(url, {"username": "esitlik_m", "password": "yanlış"}).status_code == 429
    # even the right password waits now
    response = client.post(url, {"username": "esitlik_m", "password": "Guclu-Parola-2024"})
    assert response.status_code == 429
    assert "Giriş geçici olarak engellendi" in response.text


def test_a_correct_login_works(client, roles):
    response = client.post(
        reverse("admin:login"), {"username": "esitlik_m", "password": "Guclu-Parola-2024"}
    )
    assert response.status_code == 302


def test_security_headers(admin_client_tr):
    response = admin_client_tr.get(reverse("admin:index"))
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert response.headers["X-Frame-Options"] in ("DENY", "SAMEORIGIN")


def test_strong_passwords_are_required():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ["12345678", "password", "kisa1"]:
        with pytest.raises(ValidationError):
            validate_password(weak)


ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args, **env):
    dropped = ("SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE")
    base = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="t" * 20 + "-a-long-random-production-secret-key-0123",
        ALLOWED_HOSTS="yeep.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_debug_off_without_secret_key_refuses_to_start():
    result = run_manage("check", DEBUG="0", ALLOWED_HOSTS="yeep.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
    result = run_manage("check", DEBUG="0", SECRET_KEY="x" * 60)
    assert result.returncode != 0 and "ALLOWED_HOSTS is not set" in result.stderr


def test_dashboard_of_another_municipalitys_private_plan_is_refused(roles, as_user, client):
    narlidere = Plan.objects.get(municipality__name="Narlıdere Belediyesi")
    url = reverse("monitoring:overview", args=[narlidere.pk])
    assert client.get(url).status_code == 302  # anonymous: to the login page
    assert as_user(roles["equality"]).get(url).status_code == 404  # Mersin's user
    table = reverse("monitoring:indicator_table", args=[narlidere.pk])
    assert as_user(roles["equality"]).get(table).status_code == 404


def test_public_sees_approved_figures_only(client, roles, as_user):
    plan = mersin()
    real = Realization.objects.get(
        indicator__activity__theme__plan=plan,
        indicator__activity__code="1.1.4",
        indicator__name__startswith="TCE",
        year=2024,
    )
    url = reverse("monitoring:indicator", args=[plan.pk, real.indicator_id])
    assert "987" in client.get(url, {"year": 2024}).content.decode()  # approved: shown
    Realization.objects.filter(pk=real.pk).update(status="submitted")
    public = client.get(url, {"year": 2024}).content.decode()
    own = as_user(roles["equality"]).get(url, {"year": 2024}).content.decode()
    assert "987" not in public
    assert "987" in own


def test_dashboard_report_download_for_the_public_holds_approved_figures_only(client):
    plan = mersin()
    url = reverse("monitoring:report_xlsx", args=[plan.pk])
    Realization.objects.for_plan(plan).filter(
        indicator__activity__code="1.1.4", indicator__name__startswith="TCE"
    ).update(status="submitted")
    response = client.get(url, {"year": 2024})
    assert response.status_code == 200
    ws = read(response.content).worksheets[0]
    r = find_row(ws, 1, "1.1.4.")
    assert ws.cell(r, 9).value is None  # not approved: not shown to the public
    narlidere = Plan.objects.get(municipality__name="Narlıdere Belediyesi")
    response = client.get(reverse("monitoring:report_xlsx", args=[narlidere.pk]))
    assert response.status_code == 302 and "/admin/login/" in response.url


def test_the_one_inline_handler_let_through_is_the_export_pages():
    """The CSP hash in the settings is the hash of the handler django-import-export's
    export page has now: an upgrade that changes it fails here, not silently in a browser."""
    import base64
    import hashlib
    import re
    from pathlib import Path

    import import_export
    from django.conf import settings

    page = Path(import_export.__file__).parent / "templates/admin/import_export/export.html"
    handlers = re.findall(r'\son[a-z]+="([^"]*)"', page.read_text(encoding="utf-8"))
    assert handlers == ["onSelectToggleChange(event)"]
    digest = base64.b64encode(hashlib.sha256(handlers[0].encode()).digest()).decode()
    assert f"'sha256-{digest}'" == settings.EXPORT_TOGGLE_HANDLER
