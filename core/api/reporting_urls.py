"""API endpoints of the reporting area, included by core/api/urls.py."""

urlpatterns: list = []
