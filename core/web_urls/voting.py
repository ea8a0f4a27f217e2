"""URL patterns of the voting pages, included by core/urls.py."""

urlpatterns: list = []
