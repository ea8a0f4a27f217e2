"""API endpoints of the voting area, included by core/api/urls.py."""

from django.urls import path

from . import voting

urlpatterns = [
    path("voting/sessions/<int:pk>/ballot/", voting.BallotView.as_view(), name="api-ballot"),
]
