import logging
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yeep.settings")
application = get_wsgi_application()


def warm() -> None:
    """What every worker would otherwise do on its first request, done once here: gunicorn
    loads this module before it forks the workers (``preload_app``), and forks a new one
    every ``max_requests``. Imports the URLconf (every view), compiles the dashboard's
    templates and works out the rendered-page cache's build digest."""
    from django.template.loader import get_template
    from django.urls import get_resolver

    from monitoring import pagecache

    get_resolver().url_patterns  # noqa: B018 (imports every view module)
    for name in ("overview", "indicator_table", "theme", "activity", "indicator", "plan_list"):
        get_template(f"monitoring/{name}.html")
    pagecache.build_id()


try:
    warm()
except Exception:  # a broken template shows on its page, as without the warm-up
    logging.getLogger(__name__).exception("warming up before the workers start failed")
