"""URL patterns of the trust pages (namespace "trust"): roles and the decision log."""

from django.urls import include, path

from core.views import trust as views

patterns = [
    path("work/roles/", views.roles, name="roles"),
    path("work/roles/<int:pk>/revoke/", views.role_revoke, name="role_revoke"),
    path("work/decisions/", views.decisions, name="decisions"),
]

urlpatterns = [path("", include((patterns, "trust")))]
