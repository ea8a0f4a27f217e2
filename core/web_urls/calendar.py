"""URL patterns of the calendar pages, included by core/urls.py."""

urlpatterns: list = []
