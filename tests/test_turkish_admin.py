"""The admin in Turkish as a reader expects it: a singular noun after a number ("145
gerçekleşme"), thousands grouped in value columns (4.910) but not in years (2024), and
approval states by their Turkish label in the audit trail."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from monitoring.models import FigureChange, Realization
from monitoring.realizations import realizations_set_status
from plans.models import Indicator, Plan
from tests.factories import make_plan

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:monitoring_realization_changelist"


def test_select_all_counts_with_the_singular_noun(admin_client_tr):
    make_plan(120)  # more realizations than one page holds
    total = Realization.objects.count()
    response = admin_client_tr.get(reverse(CHANGELIST))
    text = re.sub(r"\s+", " ", response.text)
    shown = f"{total:,}".replace(",", ".")
    assert f"{shown} gerçekleşme kaydının tümünü seç" in text
    assert "gerçekleşmeler nesnelerini" not in text
    # the paginator's count below the list, too
    assert re.search(rf'<p class="paginator">.*\b{re.escape(shown)} gerçekleşme\b', text)
    assert f"{total} gerçekleşmeler" not in text and f"{shown} gerçekleşmeler" not in text


@pytest.fixture
def _restore_language():
    """LocaleMiddleware activates the request's language for the thread; put it back."""
    before = translation.get_language()
    yield
    translation.activate(before or "tr")


@pytest.mark.usefixtures("_restore_language")
def test_select_all_in_english_keeps_the_english_plural(admin_client_tr):
    make_plan(120)
    response = admin_client_tr.get(reverse(CHANGELIST), HTTP_ACCEPT_LANGUAGE="en")
    assert re.search(r"Select all [\d,]+ realizations", response.text)
    assert re.search(r"[\d.,]+ realizations\s*</p>|[\d.,]+ realizations\s*<a", response.text)


def test_deleted_message_counts_with_the_singular_noun(admin_client_tr):
    plan = make_plan(3)
    ids = list(Realization.objects.for_plan(plan).values_list("pk", flat=True))
    response = admin_client_tr.post(
        reverse(CHANGELIST),
        {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
        follow=True,
    )
    text = " ".join(str(m) for m in response.context["messages"])
    assert "3 adet gerçekleşme başarılı olarak silindi." in text
    assert "gerçekleşmeler" not in text


def test_delete_confirmation_names_the_selection(admin_client_tr):
    plan = make_plan(2)
    ids = list(Realization.objects.for_plan(plan).values_list("pk", flat=True))
    response = admin_client_tr.post(
        reverse(CHANGELIST), {"action": "delete_selected", "_selected_action": ids}
    )
    assert response.status_code == 200
    assert "gerçekleşme" in response.text


def test_values_are_grouped_by_thousands_and_years_are_not(admin_client_tr):
    plan = make_plan(1)
    real = Realization.objects.for_plan(plan).get()
    Realization.objects.filter(pk=real.pk).update(value=Decimal("4910"), raw_text="4910")
    response = admin_client_tr.get(reverse(CHANGELIST), {"q": real.indicator.name})
    assert _cells(response, "figure_column") == ["4.910"]
    assert _cells(response, "year_column") == ["2024"]
    Realization.objects.filter(pk=real.pk).update(value=Decimal("1234.5"), raw_text="1234,5")
    response = admin_client_tr.get(reverse(CHANGELIST), {"q": real.indicator.name})
    assert _cells(response, "figure_column") == ["1.234,5"]


def _cells(response, column: str) -> list[str]:
    found = re.findall(rf'<t([dh]) class="field-{column}[^"]*">(.*?)</t\1>', response.text)
    return [re.sub(r"<[^>]+>", "", body) for _, body in found]


def _submitted_then_approved(superuser):
    plan = Plan.objects.get(municipality__name__startswith="Mersin")
    real = Realization.objects.for_plan(plan).filter(year=2024, status="draft").first()
    if real is None:
        real = Realization.objects.for_plan(plan).filter(year=2024).first()
    for new in ("submitted", "approved"):
        rows = Realization.objects.filter(pk=real.pk)
        realizations_set_status(rows, user=superuser, new=new, source="test")
    return real


def test_audit_list_shows_approval_states_in_turkish(admin_client_tr, superuser):
    real = _submitted_then_approved(superuser)
    change = FigureChange.objects.filter(indicator=real.indicator, new_status="approved").first()
    assert change is not None
    url = reverse("admin:monitoring_figurechange_changelist")
    response = admin_client_tr.get(url, {"q": real.indicator.activity.code})
    cells = re.findall(r'<td class="field-(?:old|new)_status">(.*?)</td>', response.text)
    assert "Onaylandı" in cells and "Gönderildi" in cells
    assert "approved" not in cells and "submitted" not in cells


def test_indicator_history_shows_approval_states_in_turkish(admin_client_tr, superuser):
    real = _submitted_then_approved(superuser)
    ind = Indicator.objects.get(pk=real.indicator_id)
    response = admin_client_tr.get(reverse("admin:plans_indicator_change", args=[ind.pk]))
    assert "Gönderildi → Onaylandı" in response.text
    assert "submitted" not in response.text.split("Değişiklik geçmişi")[-1]


def test_the_login_throttles_tables_are_named_in_turkish(admin_client_tr):
    text = admin_client_tr.get(reverse("admin:index")).text
    assert "Erişim hataları" in text and "Access failures" not in text


def test_no_favicon_404(client):
    assert client.get("/favicon.ico").status_code == 204
