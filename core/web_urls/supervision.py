"""URL patterns of the supervision pages, included by core/urls.py."""

urlpatterns: list = []
