from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import views
from .deprecation import deprecated

# Swagger UI's files come from its CDN; its own start-up script is served as a file (the
# "split" view), so the page needs no inline script.
SWAGGER_CDN = "https://cdn.jsdelivr.net"
api_docs = csp_update(
    {"script-src": [SWAGGER_CDN], "style-src": [SWAGGER_CDN], "img-src": [SWAGGER_CDN]}
)(SpectacularSwaggerSplitView.as_view(url_name="api-schema"))

urlpatterns = [
    path("", include("core.api.voting_urls")),
    path("", include("core.api.calendar_urls")),
    path("", include("core.api.reporting_urls")),
    path("projects/", views.ProjectList.as_view(), name="api-projects"),
    path("projects/<int:pk>/", views.ProjectDetail.as_view(), name="api-project"),
    path("suggestions/", views.SuggestionList.as_view(), name="api-suggestions"),
    path("tasks/inbox/", views.InboxList.as_view(), name="api-inbox"),
    path("tasks/queue/", views.QueueList.as_view(), name="api-queue"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", api_docs, name="api-docs"),
]
# Superseded by /api/v1/ (core/api/v1/); kept answering for one release.
urlpatterns = deprecated(urlpatterns)
