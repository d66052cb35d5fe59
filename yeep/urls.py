from django.conf import settings
from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path
from django.views.generic import RedirectView

from .health import healthz
from .views import view_on_site

admin.site.site_header = "YEEP İzleme"
admin.site.site_title = "YEEP İzleme"
admin.site.index_title = "Yerel Eşitlik Eylem Planı yönetimi"
admin.site.index_template = "admin/yeep_index.html"  # the stock index, with the start page

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # browsers ask every page for it; no icon yet, and no 404 in their consoles and logs
    path("favicon.ico", lambda request: HttpResponse(status=204)),
    path("i18n/", include("django.conf.urls.i18n")),
    # before admin.site.urls: answers admin:view_on_site's URL, scoped to the municipality
    path(
        "admin/r/<int:content_type_id>/<path:object_id>/",
        admin.site.admin_view(view_on_site),
    ),
    # before admin.site.urls: each role's start page is the admin's index; the review desk
    path("admin/", include("monitoring.desk_urls")),
    path("admin/", admin.site.urls),
    path("plan/", include("monitoring.urls")),
    path("api/v1/", include("monitoring.api.urls")),
    path("", RedirectView.as_view(pattern_name="monitoring:plan_list", permanent=False)),
]

if settings.DEBUG:
    pass
