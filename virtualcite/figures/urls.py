"""The managers' reports, under the language prefix (/fr/manage/reports/...)."""

from django.urls import path

from virtualcite.figures import views

app_name = "figures"

urlpatterns = [
    path("", views.report_page, name="report"),
    path("export.csv", views.report_csv, name="export"),
    path("year/<int:year>/", views.year_report, name="year"),
]
