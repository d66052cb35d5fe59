from django.urls import path

from . import views

app_name = "monitoring"

urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("<int:plan_pk>/", views.overview, name="overview"),
    path("<int:plan_pk>/tema/<int:theme_pk>/", views.theme, name="theme"),
    path("<int:plan_pk>/faaliyet/<int:activity_pk>/", views.activity, name="activity"),
    path("<int:plan_pk>/gosterge/<int:indicator_pk>/", views.indicator, name="indicator"),
    path("<int:plan_pk>/gostergeler/", views.indicator_table, name="indicator_table"),
    path("<int:plan_pk>/rapor.xlsx", views.report_xlsx, name="report_xlsx"),
    path("<int:plan_pk>/rapor.pdf", views.report_pdf, name="report_pdf"),
    path("<int:plan_pk>/farklar/", views.plan_differences, name="differences"),
]
