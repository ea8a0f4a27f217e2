"""API endpoints of the voting area, included by core/api/urls.py."""

urlpatterns: list = []
