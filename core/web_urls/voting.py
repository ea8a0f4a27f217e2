"""URL patterns of the voting pages, included by core/urls.py (namespace "voting")."""

from django.urls import include, path

from core.views import ballots
from core.views import voting as views
from flows import voting_steps as steps

patterns = [
    path("work/sessions/", views.session_list, name="sessions"),
    path("work/sessions/new/", views.session_new, name="session_new"),
    path("work/sessions/<int:pk>/", views.session_detail, name="session"),
    path("work/sessions/<int:pk>/rules/", views.session_rules, name="session_rules"),
    path("work/sessions/<int:pk>/slate/", views.session_slate, name="session_slate"),
    path("work/sessions/<int:pk>/approve/", steps.session_approve, name="session_approve"),
    path(
        "work/sessions/<int:pk>/submit-slate/",
        steps.session_submit_slate,
        name="session_submit_slate",
    ),
    path("work/sessions/<int:pk>/attendance/", steps.session_attendance, name="session_attendance"),
    path("work/sessions/<int:pk>/open/", steps.session_open, name="session_open"),
    path("work/sessions/<int:pk>/close/", steps.session_close, name="session_close"),
    path("work/sessions/<int:pk>/announce/", steps.session_announce, name="session_announce"),
    path("work/sessions/<int:pk>/paper/", steps.session_paper, name="session_paper"),
    path("work/sessions/<int:pk>/key/", steps.session_teller_key, name="session_teller_key"),
    path("work/sessions/<int:pk>/count/", steps.session_count, name="session_count"),
    path(
        "work/sessions/<int:pk>/confirm-count/",
        steps.session_confirm_count,
        name="session_confirm_count",
    ),
    path("work/sessions/<int:pk>/print/", views.session_print, name="session_print"),
    path("work/sessions/<int:pk>/sheet/", views.session_sheet, name="session_sheet"),
    path("work/sessions/<int:pk>/ballots.json", views.session_export, name="session_export"),
    path("work/ballots/", ballots.ballot_list, name="ballots"),
    path("work/ballots/<int:pk>/", ballots.ballot, name="ballot"),
    path("work/ballot-tracker/", ballots.tracker_check, name="receipt"),
    path("results/", views.public_result_list, name="public_results"),
    path("results/<int:pk>/", views.public_result_detail, name="public_result"),
]

urlpatterns = [path("", include((patterns, "voting")))]
