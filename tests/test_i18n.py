"""English through Django's translations: the source strings are Turkish, the English
catalog is locale/en/LC_MESSAGES/django.po (compiled by ``make messages``)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from monitoring.models import Realization
from plans.models import Plan

pytestmark = pytest.mark.django_db

CATALOG = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"


@pytest.fixture(autouse=True)
def _restore_language():
    """LocaleMiddleware activates the request's language for the thread; put it back."""
    before = translation.get_language()
    yield
    if before:
        translation.activate(before)
    else:
        translation.deactivate()


def test_catalog_is_compiled():
    assert CATALOG.with_suffix(".mo").exists(), "run `make messages` (compilemessages)"


def test_catalog_has_no_untranslated_or_fuzzy_entries():
    text = CATALOG.read_text(encoding="utf-8")
    entries = [e for e in text.split("\n\n") if "msgid" in e and 'msgid ""\nmsgstr ""' not in e]
    assert len(entries) > 300
    assert not [e for e in entries if "#, fuzzy" in e]
    empty = re.compile(r'^msgstr(\[\d\])? ""$(?!\n")', re.MULTILINE)
    assert not [e for e in entries if empty.search(e)]


def test_admin_index_in_english(admin_client_tr):
    html = admin_client_tr.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Action plans" in html  # the app's verbose_name "Eylem planları"
    assert "Monitoring and evaluation" in html
    assert "Yearly targets" in html  # Target's verbose_name_plural "yıllık hedefler"
    assert "Yıllık hedefler" not in html


def test_admin_index_is_turkish_by_default(admin_client_tr):
    html = admin_client_tr.get(reverse("admin:index")).content.decode()
    assert "Eylem planları" in html
    assert "Yıllık hedefler" in html
    assert "Yearly targets" not in html


def test_dashboard_in_english_and_turkish(admin_client_tr):
    url = reverse("monitoring:plan_list")
    en = admin_client_tr.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in en
    assert "Local Equality Action Plans" in en
    assert "Skip to content" in en
    tr = admin_client_tr.get(url).content.decode()
    assert '<html lang="tr">' in tr
    assert "Yerel Eşitlik Eylem Planları" in tr
    assert "Local Equality Action Plans" not in tr


def test_model_labels_and_placeholders():
    with translation.override("en"):
        assert str(Realization._meta.verbose_name) == "realization"
        assert str(Plan.Status.IN_FORCE.label) == "In force"
        assert str(Realization.Status.RETURNED.label) == "Returned"
        msg = translation.gettext("%(y)s yılı onaylandı ve kapatıldı.") % {"y": 2025}
        assert msg == "Year 2025 approved and closed."
        assert translation.ngettext("%(n)s gösterge", "%(n)s gösterge", 2) % {"n": 2} == (
            "2 indicators"
        )
    with translation.override("tr"):
        assert str(Realization._meta.verbose_name) == "gerçekleşme"
