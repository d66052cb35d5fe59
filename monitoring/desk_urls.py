"""Admin pages that are not a model's: the start page (also the admin's index for the
roles) and the review desk. Mounted under /admin/ before the admin's own URLs."""

from django.contrib import admin
from django.urls import path

from . import review, start

app_name = "desk"

urlpatterns = [
    path("", admin.site.admin_view(start.index_view), name="index"),
    path("baslangic/", admin.site.admin_view(start.start_view), name="start"),
    path("inceleme/", admin.site.admin_view(review.review_view), name="review"),
]
