"""URL patterns of the supervision pages, included by core/urls.py."""

from django.urls import path

from core.views import supervision

app_name = "supervision"

urlpatterns = [
    path("work/supervision/map/", supervision.map_home, name="map_home"),
    path("work/supervision/map/<slug:flow>/", supervision.process_map_page, name="map"),
    path("work/supervision/map/<slug:flow>/<slug:step>/", supervision.map_step, name="map_step"),
    path("work/supervision/dashboard/", supervision.dashboard, name="dashboard"),
    path(
        "work/supervision/dashboard/suggestions/",
        supervision.suggestions_behind,
        name="suggestions",
    ),
    path("work/supervision/dashboard/deputies/", supervision.deputies_behind, name="deputies"),
    path(
        "work/supervision/annual/<str:code>/<int:year>/",
        supervision.annual_report,
        name="annual",
    ),
    path("work/supervision/exports/", supervision.exports, name="exports"),
    path(
        "work/supervision/exports/<int:pk>/status/",
        supervision.export_status,
        name="export_status",
    ),
    path(
        "work/supervision/exports/<int:pk>/download/",
        supervision.export_download,
        name="export_download",
    ),
    path("work/supervision/imports/", supervision.imports, name="imports"),
    path("work/supervision/imports/<int:pk>/", supervision.import_preview, name="import_preview"),
    path(
        "work/supervision/imports/template/<slug:kind>.xlsx",
        supervision.import_template,
        name="import_template",
    ),
]
