"""The open-data zip of a public plan (``/plan/<id>/acik-veri.zip``). It is what the
public sees, whoever downloads it; a plan that is not public is a 404 for everyone. Built
once per data version of the plan (the dashboard's cache key) and kept in the cache."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from monitoring.dashboard import plan_fingerprint, visible_plans

from .package import build_zip

CACHE_SECONDS = 60 * 60
ZIP_VERSION = 1  # raise when the files' layout changes: old cache entries are skipped


@require_GET
def open_data(request, plan_pk: int):
    plan = visible_plans(AnonymousUser()).filter(pk=plan_pk).first()
    if plan is None:
        raise Http404("plan")
    stamp = plan.updated_at.timestamp()
    key = f"yeep:opendata:v{ZIP_VERSION}:{plan.pk}:{stamp}:{plan_fingerprint(plan).key}"
    body = cache.get(key)
    if body is None:
        body = build_zip(plan)
        cache.set(key, body, CACHE_SECONDS)
    name = f"{slugify(plan.municipality.slug) or 'plan'}-{plan.pk}-acik-veri.zip"
    response = HttpResponse(body, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
