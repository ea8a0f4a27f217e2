import re

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.views.static import serve

from core.views import public, work

work_patterns = (
    [
        path("", work.home, name="home"),
        path("inbox/", work.inbox, name="inbox"),
        path("queue/", work.queue, name="queue"),
        path("archive/", work.archive, name="archive"),
        path("cases/", work.case_list, name="cases"),
        path("cases/<int:pk>/", work.case_detail, name="case"),
        path("cases/<int:pk>/chart.svg", work.case_chart, name="case_chart"),
        path("cases/<int:pk>/comment/", work.case_comment, name="case_comment"),
        path("cases/<int:pk>/attach/", work.case_attach, name="case_attach"),
        path(
            "cases/<int:pk>/satisfaction/",
            work.case_record_satisfaction,
            name="case_record_satisfaction",
        ),
        path("suggestions/", work.suggestion_list, name="suggestions"),
        path("suggestions/new/", work.suggestion_new, name="suggestion_new"),
        path("suggestions/<int:pk>/route/", work.suggestion_route, name="suggestion_route"),
        path("projects/new/", work.project_register, name="project_register"),
    ],
    "core",
)

public_patterns = (
    [
        path("", public.index, name="index"),
        path("board/<str:code>/", public.board, name="board"),
        path("suggest/", public.suggest, name="suggest"),
        path("receipt/", public.receipt_lookup, name="receipt_lookup"),
        path("receipt/<str:code>/", public.receipt, name="receipt"),
    ],
    "public",
)

urlpatterns = [
    path("", include(public_patterns)),
    path("work/", include(work_patterns)),
    path("work/", include("flows.urls")),
    # Each area's pages live in their own module (voting sessions, the calendar and
    # notifications, supervisors' dashboards and exports).
    path("", include("core.web_urls.voting")),
    path("", include("core.web_urls.calendar")),
    path("", include("core.web_urls.supervision")),
    path("", include("core.web_urls.help")),
    path("", include("core.web_urls.trust")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("core.api.urls")),
    path("admin/", admin.site.urls),
]

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(
            r"^{}(?P<path>.*)$".format(re.escape(settings.MEDIA_URL.lstrip("/"))),
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]
