"""API v1 (/api/v1/): one module per area; the schema and its docs."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from . import board, projects, sessions, suggestions, tasks, tokens, webhooks

urlpatterns = [
    path("suggestions/", suggestions.SuggestionListCreate.as_view(), name="v1-suggestions"),
    path(
        "suggestions/receipt/<str:code>/",
        suggestions.SuggestionReceipt.as_view(),
        name="v1-suggestion-receipt",
    ),
    path("projects/", projects.ProjectList.as_view(), name="v1-projects"),
    path("projects/<int:pk>/", projects.ProjectDetail.as_view(), name="v1-project"),
    path("tasks/inbox/", tasks.InboxList.as_view(), name="v1-inbox"),
    path("tasks/queue/", tasks.QueueList.as_view(), name="v1-queue"),
    path("tasks/<int:pk>/", tasks.TaskDetail.as_view(), name="v1-task"),
    path("tasks/<int:pk>/claim/", tasks.TaskClaim.as_view(), name="v1-task-claim"),
    path("tasks/<int:pk>/release/", tasks.TaskRelease.as_view(), name="v1-task-release"),
    path("tasks/<int:pk>/complete/", tasks.TaskComplete.as_view(), name="v1-task-complete"),
    path("sessions/", sessions.SessionList.as_view(), name="v1-sessions"),
    path("sessions/<int:pk>/", sessions.SessionDetail.as_view(), name="v1-session"),
    path("sessions/<int:pk>/result/", sessions.SessionResult.as_view(), name="v1-session-result"),
    path("board/", board.BoardIndex.as_view(), name="v1-board-index"),
    path("board/<str:code>/", board.BoardDetail.as_view(), name="v1-board"),
    path("webhooks/", webhooks.SubscriptionListCreate.as_view(), name="v1-webhooks"),
    path("webhooks/<int:pk>/", webhooks.SubscriptionDetail.as_view(), name="v1-webhook"),
    path(
        "webhooks/<int:pk>/deliveries/",
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
]
