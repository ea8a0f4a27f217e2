from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from core.views import files, inbox, public, work

work_patterns = (
    [
        path("", work.home, name="home"),
        path("inbox/", inbox.inbox, name="inbox"),
        path("queue/", inbox.queue, name="queue"),
        path("archive/", work.archive, name="archive"),
        path("cases/", work.case_list, name="cases"),
        path("cases/<int:pk>/", work.case_detail, name="case"),
        path("cases/<int:pk>/chart.svg", work.case_chart, name="case_chart"),
        path("cases/<int:pk>/comment/", work.case_comment, name="case_comment"),
        path("cases/<int:pk>/attach/", work.case_attach, name="case_attach"),
        path("attachments/<int:pk>/", files.attachment_download, name="attachment"),
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
        # the QR posters of liaison stations and deputies (码上找代表)
        path("s/<slug:code>/", public.suggest, name="station_qr"),
        path("d/<int:deputy>/", public.suggest, name="deputy_qr"),
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
    path("", include("core.web_urls.trust")),
    path("", include("core.web_urls.oversight")),
    path("", include("core.web_urls.deputies")),
    path("", include("core.web_urls.inbox")),
    path("", include("core.web_urls.help")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("core.api.v1.urls")),
    path("api/", include("core.api.urls")),
    path("admin/", admin.site.urls),
]

# No /media/: attachments and exports are read only through views that check the reader's
# scope (core/views/files.py).
