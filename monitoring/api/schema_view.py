"""The published schema, built one request at a time.

drf-spectacular loads its optional contrib extensions the first time a schema is built;
two threads doing that at once race in ``plumbing._load_class`` (one sees a half-loaded
class: a 500 on a threaded server's first concurrent requests). The schema is the same
for every caller of a process, so building it under a lock costs nothing after the first.
"""

from __future__ import annotations

import threading

from drf_spectacular.views import SpectacularAPIView

_BUILDING = threading.Lock()


class SchemaView(SpectacularAPIView):
    # not ``get``: drf-spectacular marks that one to keep the view out of its own schema
    def _get_schema_response(self, request):
        with _BUILDING:
            return super()._get_schema_response(request)
