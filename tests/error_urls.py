"""The project's URLs plus views that fail, for the error page tests."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from yeep.urls import urlpatterns as project_urls


def fails(request):
    raise RuntimeError("gizli-ayrinti: /srv/yeep/plans/secret.py satır 42, parola=hunter2")


def forbidden(request):
    raise PermissionDenied("gizli-neden: kullanıcı 17 grubu yok")


urlpatterns = [path("deneme/hata/", fails), path("deneme/yasak/", forbidden), *project_urls]
