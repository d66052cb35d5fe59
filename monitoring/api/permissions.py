"""The API reads only, for anyone; throttled through the cache (shared Redis in
production) per address for anonymous callers and per user for signed-in ones.

The rates are read from the settings at each request (``API_THROTTLE_ANON``,
``API_THROTTLE_USER``), not once at import as DRF's own classes do, so tests and
deployments can change them."""

from __future__ import annotations

from django.conf import settings
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class ReadOnly(BasePermission):
    """GET, HEAD and OPTIONS only; who sees which rows is ``visibility``'s business. A
    write to a view without a handler for it is let through to its 405 (method not
    allowed); a view that had one would refuse it here (403)."""

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or not hasattr(view, request.method.lower())


class AnonThrottle(AnonRateThrottle):
    scope = "yeep_api_anon"

    def get_rate(self):
        return settings.API_THROTTLE_ANON or None


class UserThrottle(UserRateThrottle):
    scope = "yeep_api_user"

    def get_rate(self):
        return settings.API_THROTTLE_USER or None

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None  # AnonThrottle counts anonymous callers
        return super().get_cache_key(request, view)
