"""Turkish capitals: Django's ``capfirst`` turns "ilk yıl" into "Ilk yıl" (Python's
``"i".upper()`` is "I"), so a label a user sees must never start a word with "I" where
Turkish writes "İ". Checked on every model field's label and choices and on every admin
changelist header and change-form label, as rendered."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils.text import capfirst
from django.utils.translation import override

from plans.text import tr_fold

# Turkish words that really start with a dotless I (capital of "ı"); anything else
# starting with "I" is a lower-case "i" capitalised the English way.
DOTLESS_I_WORDS = {"ışık", "ılık", "ırk", "ısı", "ıslak", "ızgara", "ıhlamur", "ırmak"}
WORD = re.compile(r"[^\W\d_]+")
OUR_APPS = ("plans", "monitoring")


def wrong_capital_i(text: str) -> list[str]:
    """Words of ``text`` written "I..." that Turkish writes "İ..." ("Ilk", "Inceleyen")."""
    return [
        w
        for w in WORD.findall(str(text))
        if w.startswith("I") and not w.isupper() and tr_fold(w) not in DOTLESS_I_WORDS
    ]


def test_the_checker_knows_dotted_from_dotless():
    assert wrong_capital_i("Ilk yıl") == ["Ilk"]
    assert wrong_capital_i("İlk yıl · Işık · IBAN") == []


def our_models():
    return [m for m in apps.get_models() if m._meta.app_label in OUR_APPS]


def test_every_field_label_and_choice_is_capitalised_the_turkish_way():
    bad = []
    with override("tr"):
        for model in our_models():
            for field in model._meta.get_fields():
                if not hasattr(field, "verbose_name"):
                    continue
                label = capfirst(field.verbose_name)
                texts = [label] + [str(lbl) for _, lbl in (getattr(field, "choices", None) or [])]
                bad += [f"{model.__name__}.{field.name}: {t}" for t in texts if wrong_capital_i(t)]
            for name in (model._meta.verbose_name, model._meta.verbose_name_plural):
                if wrong_capital_i(capfirst(name)):
                    bad.append(f"{model.__name__}: {capfirst(name)}")
    assert bad == []


def _shown_labels(html: str) -> list[str]:
    """Column headers, form labels, filter titles and headings of an admin page."""
    found = re.findall(r"<(th|label|h2|h3|legend)\b[^>]*>(.*?)</\1>", html, flags=re.S)
    return [unescape(re.sub(r"<[^>]+>", " ", body)).strip() for _, body in found]


def _admin_pages():
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in OUR_APPS:
            continue
        info = (model._meta.app_label, model._meta.model_name)
        for view in ("changelist", "add"):
            try:
                yield model_admin, reverse("admin:{}_{}_{}".format(*info, view))
            except NoReverseMatch:
                continue


@pytest.mark.django_db
def test_every_admin_list_and_form_label_is_capitalised_the_turkish_way(admin_client_tr):
    from monitoring.models import Realization

    rendered, bad = 0, []
    for model_admin, url in _admin_pages():
        response = admin_client_tr.get(url)
        if response.status_code != 200:
            continue
        rendered += 1
        bad += [f"{url}: {t}" for t in _shown_labels(response.text) if wrong_capital_i(t)]
        # the columns a list may show even when it has no row to show
        for name in getattr(model_admin, "list_display", ()):
            label = admin.utils.label_for_field(name, model_admin.model, model_admin)
            if wrong_capital_i(capfirst(label)):
                bad.append(f"{url}: {label}")
    assert rendered > 10
    assert bad == []
    # the change form of a realization shows the reviewer fields with their capital
    real = Realization.objects.first()
    page = admin_client_tr.get(reverse("admin:monitoring_realization_change", args=[real.pk]))
    assert "İade açıklaması" in page.text
    assert "Iade" not in page.text
