"""The URL layout the v1 schema describes: v1's patterns under their real prefix."""

from django.urls import include, path

urlpatterns = [path("api/v1/", include("core.api.v1.urls"))]
