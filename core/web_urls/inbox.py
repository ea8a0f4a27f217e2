"""URL patterns of the inbox and queue actions, included by core/urls.py (namespace "inbox")."""

from django.urls import path

from core.views import inbox as views

app_name = "inbox"

urlpatterns = [
    path("work/queue/claim/", views.queue_claim, name="claim"),
]
