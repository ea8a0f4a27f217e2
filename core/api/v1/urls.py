"""API v1 (/api/v1/): one module per area; the schema and its docs."""

from django.urls import path, re_path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from . import (
    ballots,
    board,
    changes,
    deputies,
    inspections,
    meetings,
    oversight,
    projects,
    sessions,
    suggestions,
    tasks,
    tokens,
    webhooks,
)
from .errors import not_found


class IdConverter:
    """A row id: at most 18 digits, so that no id overflows the database's integers (a
    longer one is simply not found)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)


class CodeConverter:
    """A jurisdiction's or receipt's code: letters, digits, - and _ (at most 20)."""

    regex = "[0-9A-Za-z_-]{1,20}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(IdConverter, "api_id")
register_converter(CodeConverter, "api_code")

urlpatterns = [
    path("suggestions/", suggestions.SuggestionListCreate.as_view(), name="v1-suggestions"),
    path(
        "suggestions/receipt/<api_code:code>/",
        suggestions.SuggestionReceipt.as_view(),
        name="v1-suggestion-receipt",
    ),
    path("projects/", projects.ProjectList.as_view(), name="v1-projects"),
    path("projects/<api_id:pk>/", projects.ProjectDetail.as_view(), name="v1-project"),
    path(
        "projects/<api_id:pk>/meetings/",
        meetings.ProjectMeetings.as_view(),
        name="v1-project-meetings",
    ),
    path(
        "projects/<api_id:pk>/inspections/",
        inspections.ProjectInspections.as_view(),
        name="v1-project-inspections",
    ),
    path(
        "projects/<api_id:pk>/changes/", changes.ProjectChanges.as_view(), name="v1-project-changes"
    ),
    path(
        "projects/<api_id:pk>/opinions/",
        oversight.ProjectOpinions.as_view(),
        name="v1-project-opinions",
    ),
    path("meetings/", meetings.MeetingList.as_view(), name="v1-meetings"),
    path("meetings/<api_id:pk>/", meetings.MeetingDetail.as_view(), name="v1-meeting"),
    path("inspections/", inspections.InspectionList.as_view(), name="v1-inspections"),
    path("inspections/<api_id:pk>/", inspections.InspectionDetail.as_view(), name="v1-inspection"),
    path("changes/", changes.ChangeList.as_view(), name="v1-changes"),
    path("changes/<api_id:pk>/", changes.ChangeDetail.as_view(), name="v1-change"),
    path("deputies/", deputies.DeputyList.as_view(), name="v1-deputies"),
    path("deputies/me/duty/", deputies.MyDuty.as_view(), name="v1-my-duty"),
    path("deputies/<api_id:pk>/duty/", deputies.DeputyDuty.as_view(), name="v1-deputy-duty"),
    path("tasks/inbox/", tasks.InboxList.as_view(), name="v1-inbox"),
    path("tasks/queue/", tasks.QueueList.as_view(), name="v1-queue"),
    path("tasks/<api_id:pk>/", tasks.TaskDetail.as_view(), name="v1-task"),
    path("tasks/<api_id:pk>/claim/", tasks.TaskClaim.as_view(), name="v1-task-claim"),
    path("tasks/<api_id:pk>/release/", tasks.TaskRelease.as_view(), name="v1-task-release"),
    path("tasks/<api_id:pk>/complete/", tasks.TaskComplete.as_view(), name="v1-task-complete"),
    path("sessions/", sessions.SessionList.as_view(), name="v1-sessions"),
    path("sessions/<api_id:pk>/", sessions.SessionDetail.as_view(), name="v1-session"),
    path(
        "sessions/<api_id:pk>/result/", sessions.SessionResult.as_view(), name="v1-session-result"
    ),
    path("sessions/<api_id:pk>/ballot/", ballots.SessionBallot.as_view(), name="v1-session-ballot"),
    path("board/", board.BoardIndex.as_view(), name="v1-board-index"),
    path("board/<api_code:code>/", board.BoardDetail.as_view(), name="v1-board"),
    path("webhooks/", webhooks.SubscriptionListCreate.as_view(), name="v1-webhooks"),
    path("webhooks/<api_id:pk>/", webhooks.SubscriptionDetail.as_view(), name="v1-webhook"),
    path(
        "webhooks/<api_id:pk>/deliveries/",
        webhooks.DeliveryList.as_view(),
        name="v1-webhook-deliveries",
    ),
    path("tokens/me/", tokens.TokenMe.as_view(), name="v1-token-me"),
    path(
        "schema/",
        SpectacularAPIView.as_view(urlconf="core.api.v1.schema_urls", api_version="v1"),
        name="v1-schema",
    ),
    path("docs/", SpectacularSwaggerView.as_view(url_name="v1-schema"), name="v1-docs"),
    # anything else under /api/v1/ is a JSON 404, as a missing row is
    re_path(r"^.*$", not_found, name="v1-not-found"),
]
