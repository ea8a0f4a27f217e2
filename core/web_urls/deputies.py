"""URL patterns of the deputies' area: the deputy's own pages, the duty ranking, liaison
stations and QR posters, the community queue, collection tools and the weeks before the
vote; and the public QR targets. Included by core/urls.py."""

from django.urls import path

from core.views import candidates, collection, deputies, slate, stations

app_name = "deputies"

urlpatterns = [
    path("work/duty/mine/", deputies.my_duty, name="mine"),
    path("work/duty/deputies/<int:pk>/", deputies.duty_record, name="record"),
    path("work/duty/ranking/", deputies.ranking, name="ranking"),
    path("work/duty/ranking.xlsx", deputies.ranking_export, name="ranking_export"),
    path("work/duty/points/", deputies.point_table, name="points"),
    path("work/stations/", stations.station_list, name="stations"),
    path("work/stations/new/", stations.station_new, name="station_new"),
    path("work/stations/<int:pk>/", stations.station_detail, name="station"),
    path("work/stations/<int:pk>/edit/", stations.station_edit, name="station_edit"),
    path("work/stations/<int:pk>/poster/", stations.station_poster, name="station_poster"),
    path("work/stations/<int:pk>/qr.png", stations.station_qr, name="station_qr"),
    path("work/duty/deputies/<int:pk>/poster/", stations.deputy_poster, name="deputy_poster"),
    path("work/duty/deputies/<int:pk>/qr.png", stations.deputy_qr, name="deputy_qr"),
    path("work/community/", deputies.community_queue, name="community"),
    path("work/communities/", deputies.communities, name="communities"),
    path("work/community/<int:pk>/", deputies.community_handle, name="community_handle"),
    path("work/collection/groups/", collection.groups, name="groups"),
    path("work/collection/special/", collection.special_import, name="special"),
    path("work/candidates/", candidates.candidate_list, name="candidates"),
    path("work/candidates/<int:pk>/", candidates.candidate_detail, name="candidate"),
    path(
        "work/candidates/comments/<int:pk>/moderate/",
        candidates.comment_moderate,
        name="comment_moderate",
    ),
    path("work/sessions/<int:pk>/slate/sign/", slate.sign, name="slate_sign"),
    path("work/sessions/<int:pk>/materials/", slate.send_materials, name="materials"),
    path("work/slate-policy/", slate.policy, name="slate_policy"),
    # public: comments on the candidates of the board
    path(
        "board/<str:code>/candidates/<int:pk>/comment/",
        candidates.public_comment,
        name="public_comment",
    ),
]
