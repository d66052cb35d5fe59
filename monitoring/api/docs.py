"""The field reference page: every resource of the API and of the open-data files with
its stable field names, types and meaning, in the page's language (Turkish, or English)."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from .fields import RESOURCES


@require_GET
def fields_page(request):
    english = (get_language() or "tr").startswith("en")
    resources = [
        {
            "name": r.name,
            "title": r.en if english else r.tr,
            "fields": [
                {"name": f.name, "type": f.type, "text": f.en if english else f.tr}
                for f in r.fields
            ],
        }
        for r in RESOURCES
    ]
    return render(request, "monitoring/api_fields.html", {"resources": resources})
