"""API endpoints of the calendar area, included by core/api/urls.py."""

urlpatterns: list = []
