"""Project-wide views that replace Django's where those tell too much."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect

from plans.scoping import knows, scope


def view_on_site(request, content_type_id: int, object_id: str):
    """The admin's "view on site" link (``admin:view_on_site``), scoped: an object of
    another municipality, one the user may not view and one that does not exist all get
    the same 404 (Django's own shortcut view redirects to any object that exists)."""
    ct = ContentType.objects.filter(pk=content_type_id).first()
    model = ct.model_class() if ct else None
    if model is None or not hasattr(model, "get_absolute_url"):
        raise Http404
    opts = model._meta
    user = request.user
    may_view = any(
        user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")
        for action in ("view", "change")
    )
    if not user.is_superuser and (not knows(model) or not may_view):
        raise Http404
    try:
        obj = scope(model._default_manager.all(), user).filter(pk=object_id).first()
    except (ValueError, ValidationError):
        obj = None
    if obj is None:
        raise Http404
    return redirect(obj.get_absolute_url())
