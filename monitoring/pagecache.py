"""Dashboard pages rendered once per data version and audience, then served from the cache.

A plan page (overview, indicator table, theme, activity, indicator) is the same for
everyone who may see the same figures, until a figure changes. So its HTML is cached
under a key made of:

- the page (view and its arguments) and the query string, exactly as sent;
- the plan and its data version (``plans.DataVersion``, bumped by database triggers on
  every write to its figures or structure, whatever wrote it), read in the same query
  that checks the visitor may see the plan;
- the audience: ``internal`` (the plan's own municipality and platform administrators,
  not-yet-approved figures and internal notes) or ``public`` (everyone else, and an
  internal user who asked for approved figures only with ``?onayli=1``);
- the language, the progress thresholds, and the build (templates, code, translations and
  the static manifest), so a deploy never serves the previous release's HTML.

The only per-user part of a page, the site header with the user's name and the logout
form's CSRF token, is left out of the cached HTML (a marker stands in for it, see
``monitoring/base.html``) and rendered for every request.

Each process keeps its latest pages (``local``) in front of the shared cache (Redis when
``REDIS_URL`` is set): the same keys, so a write is seen by every process at its next
request, whichever rendered the page; a repeated page costs one short query and no Redis
round trip.

The response carries an ETag made of the same key (and, for a signed-in user, of the
user, the session and the CSRF secret, since the browser's copy holds that user's header
and token): a conditional GET answers 304 after that one query, rendering nothing.
``Cache-Control: no-cache`` makes browsers ask every time, ``private`` for signed-in
users; ``Vary: Cookie, Accept-Language``. The content security policy has no nonce (no
inline script), so a cached page has none to go stale.

Not cached (rendered every time, as before): a request with a query parameter the page
does not know, a repeated one, an over-long value or a search text (``q``), so that
hostile or one-off URLs cannot fill the cache; downloads (``?export=``); any answer that
is not a 200. ``PAGE_CACHE = False`` in the settings turns the cache off.

What the data version does not follow: renaming a municipality or a group of people and
changing an activity's partner units. Those pages catch up when their entry expires
(``PAGE_SECONDS``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from functools import cache as memoize
from functools import wraps
from pathlib import Path
from typing import NamedTuple

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from plans.models import DataVersion, Plan

from .dashboard import LoginRequired, figures_internal, get_plan_for, may_see, thresholds

MARKER = b"<!--yeep:site-nav-->"
PAGE_VERSION = 1  # raise when what a cached entry holds changes
PAGE_SECONDS = 10 * 60
MAX_QUERY = 300

# The latest pages of this process, in front of the shared cache (Redis): a page asked for
# again costs no round trip to Redis. Keyed like the shared cache, by the data version
# read on each request, so never stale either.
local = LocMemCache("yeep-pages-local", {"TIMEOUT": PAGE_SECONDS, "MAX_ENTRIES": 200})

_ID = re.compile(r"\d{0,9}", re.ASCII)
_WORD = re.compile(r"[\w-]{0,24}", re.ASCII)
_EMPTY = re.compile(r"")
# the query parameters each kind of page reads (its links carry nothing else)
PLAN_PAGE = {"year": _ID, "onayli": _WORD}
TABLE_PAGE = {
    **PLAN_PAGE,
    "page": _ID,
    "sort": _WORD,
    "theme": _ID,
    "goal": _ID,
    "unit": _ID,
    "status": _WORD,
    "entered": _WORD,
    "q": _EMPTY,  # a search is rendered every time
}


class PlanFacts(NamedTuple):
    """What a cached page needs of its plan: who may see it, and its data version."""

    pk: int
    municipality_id: int
    is_public: bool
    data_version: int


# One short query on the way to every cached page, so written out: the ORM takes longer
# to build the SQL than PostgreSQL takes to answer it. No row: the plan does not exist.
_FACTS_SQL = (
    "SELECT p.id, p.municipality_id, p.is_public, COALESCE(v.version, 0) "
    f"FROM {Plan._meta.db_table} p LEFT JOIN {DataVersion._meta.db_table} v "
    "ON v.plan_id = p.id WHERE p.id = %s"
)


def plan_facts(request: HttpRequest, pk: int) -> PlanFacts:
    """The plan's facts when this request may see it (``dashboard.may_see``, the rule of
    ``visible_plans``). Like ``dashboard.get_plan_for``: ``LoginRequired`` for an
    anonymous visitor, ``Http404`` for a signed-in user, whether the plan exists or not."""
    with connection.cursor() as cursor:
        cursor.execute(_FACTS_SQL, [pk])
        row = cursor.fetchone()
    facts = PlanFacts(*row) if row else None
    if facts is None or not may_see(
        request.user, is_public=facts.is_public, owner_id=facts.municipality_id
    ):
        if not request.user.is_authenticated:
            raise LoginRequired
        raise Http404("plan")
    return facts


@memoize
def build_id() -> str:
    """A digest of what turns the data into HTML: templates, our code, the compiled
    translations and the static files' manifest (hashed names). Read once per process."""
    base = Path(settings.BASE_DIR)
    digest = hashlib.blake2b(digest_size=8)
    files = [
        path
        for folder in ("templates", "monitoring", "plans", "yeep", "locale")
        for path in (base / folder).rglob("*")
        if path.suffix in {".html", ".py", ".mo", ".txt"} and "__pycache__" not in path.parts
    ]
    files.append(Path(settings.STATIC_ROOT) / "staticfiles.json")
    for path in sorted(files):
        if path.is_file():
            name = path.relative_to(base) if path.is_relative_to(base) else path
            digest.update(str(name).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def cacheable(request: HttpRequest, params: dict[str, re.Pattern]) -> bool:
    """Whether to serve this request through the cache (see the module's docstring)."""
    if not getattr(settings, "PAGE_CACHE", True):
        return False
    if len(request.META.get("QUERY_STRING", "")) > MAX_QUERY:
        return False
    for name, values in request.GET.lists():
        rule = params.get(name)
        if rule is None or len(values) != 1 or not rule.fullmatch(values[0]):
            return False
    return True


def page_key(request: HttpRequest, plan: PlanFacts, page: str) -> str:
    """The cache key of this page for this request's audience."""
    th = thresholds()
    audience = "internal" if figures_internal(request, plan) else "public"
    parts = (
        page,
        request.META.get("QUERY_STRING", ""),
        str(th.achieved),
        str(th.on_track),
        get_language() or "",
    )
    digest = hashlib.blake2b("\x1f".join(parts).encode(), digest_size=12).hexdigest()
    return (
        f"yeep:page:v{PAGE_VERSION}:{build_id()}:{plan.pk}:{plan.data_version}:{audience}:{digest}"
    )


def etag_for(request: HttpRequest, key: str) -> str:
    """The page's ETag: its cache key, and for a signed-in user the session and the CSRF
    cookie (the browser's copy holds their name and a token for that cookie)."""
    parts = [key]
    if request.user.is_authenticated:
        get_token(request)  # the CSRF secret this response's header is made for
        parts += [
            str(request.user.pk),
            request.session.session_key or "",
            request.META.get("CSRF_COOKIE", ""),
        ]
    return '"' + hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).hexdigest() + '"'


def _with_header(request: HttpRequest, body: bytes) -> bytes:
    """The cached HTML with this request's site header in place of the marker."""
    if MARKER not in body:
        return body
    nav = render_to_string("monitoring/_site_nav.html", request=request).encode()
    return body.replace(MARKER, nav, 1)


def _finish(request: HttpRequest, response: HttpResponse, etag: str) -> HttpResponse:
    response["ETag"] = etag
    if request.user.is_authenticated:
        patch_cache_control(response, no_cache=True, private=True)
    else:
        patch_cache_control(response, no_cache=True)
    patch_vary_headers(response, ("Cookie", "Accept-Language"))
    return response


def _rendered(request: HttpRequest, render: Callable[[], HttpResponse]) -> HttpResponse:
    """The page rendered with the marker in place of the site header."""
    request.yeep_page_shell = True
    try:
        return render()
    finally:
        request.yeep_page_shell = False


def serve(request: HttpRequest, key: str, render: Callable[[], HttpResponse]) -> HttpResponse:
    """A 304 when the browser's copy is current; else the page from this process's
    copies, the shared cache, or ``render`` when it is in neither."""
    etag = etag_for(request, key)
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        return _finish(request, not_modified, etag)
    entry = local.get(key)
    if entry is None:
        entry = cache.get(key)
        if entry is None:
            response = _rendered(request, render)
            if response.status_code != 200 or response.streaming:
                if not response.streaming:
                    response.content = _with_header(request, response.content)
                return response
            entry = (response["Content-Type"], response.content)
            cache.set(key, entry, PAGE_SECONDS)
        local.set(key, entry, PAGE_SECONDS)
    content_type, body = entry
    response = HttpResponse(_with_header(request, body), content_type=content_type)
    return _finish(request, response, etag)


def cached_plan_page(params: dict[str, re.Pattern]):
    """For a plan page ``view(request, plan, *args)``: checks the visitor may see the plan
    (an anonymous visitor of a plan that is not public goes to the login page, as with
    ``views.plan_page``), then serves the page through the cache when the request is one
    to cache. The plan itself is read (``get_plan_for``) only to render the page."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, plan_pk, *args, **kwargs):
            named = [f"{name}={value}" for name, value in sorted(kwargs.items())]
            page = ":".join([view.__name__, *map(str, args), *named])

            def render():
                return view(request, get_plan_for(request, plan_pk), *args, **kwargs)

            try:
                if not cacheable(request, params):
                    return render()
                key = page_key(request, plan_facts(request, plan_pk), page)
                return serve(request, key, render)
            except LoginRequired:
                return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)

        return require_GET(wrapper)

    return decorator
