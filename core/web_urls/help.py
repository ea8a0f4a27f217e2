"""URL patterns of the help pages, included by core/urls.py (namespace "help")."""

from django.urls import path

from core.views import help as views

app_name = "help"

urlpatterns = [
    path("help/", views.help_index, name="index"),
    path("help/<str:role>/", views.help_role, name="role"),
]
