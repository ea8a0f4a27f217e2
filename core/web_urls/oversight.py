"""URL patterns of the supervision year (meetings, inspections, review opinions, changes,
phases, ratings, appraisal), included by core/urls.py (namespace "oversight")."""

from django.urls import path

from core.views import appraisal, changes, inspections, meetings, review_opinions

app_name = "oversight"

urlpatterns = [
    path("work/meetings/", meetings.meeting_list, name="meetings"),
    path("work/meetings/new/", meetings.meeting_plan, name="meeting_plan"),
    path("work/meetings/<int:pk>/", meetings.meeting_detail, name="meeting"),
    path("work/meetings/<int:pk>/held/", meetings.meeting_held, name="meeting_held"),
    path("work/meetings/<int:pk>/opinion/", meetings.meeting_opinion, name="meeting_opinion"),
    path("work/meetings/<int:pk>/rate/", meetings.meeting_rate, name="meeting_rate"),
    path("work/meetings/<int:pk>/session/", meetings.meeting_session, name="meeting_session"),
    path("work/inspections/", inspections.inspection_list, name="inspections"),
    path("work/inspections/new/", inspections.inspection_new, name="inspection_new"),
    path("work/inspections/<int:pk>/", inspections.inspection_detail, name="inspection"),
    path(
        "work/inspections/<int:pk>/photo/",
        inspections.inspection_photo_add,
        name="inspection_photo_add",
    ),
    path(
        "work/inspections/<int:pk>/opinion/",
        inspections.inspection_opinion,
        name="inspection_opinion",
    ),
    path("work/photos/<int:pk>/", inspections.inspection_photo, name="photo"),
    path("work/opinions/", review_opinions.opinion_list, name="opinions"),
    path("work/opinions/<int:pk>/answer/", review_opinions.opinion_answer, name="answer"),
    path("work/opinions/<int:pk>/check/", review_opinions.opinion_check, name="check"),
    path("work/cases/<int:pk>/change/", changes.change_propose, name="change_propose"),
    path("work/changes/<int:pk>/decide/", changes.change_decide, name="change_decide"),
    path("work/cases/<int:pk>/phase/", changes.phase_add, name="phase_add"),
    path(
        "work/cases/<int:pk>/unfinished-rating/",
        changes.unfinished_rating,
        name="unfinished_rating",
    ),
    path("work/cases/<int:pk>/follow-up/", changes.follow_up, name="follow_up"),
    path("work/appraisal/", appraisal.sheet_list, name="appraisal"),
    path("work/appraisal/<int:pk>/", appraisal.sheet_detail, name="appraisal_sheet"),
    path("work/appraisal/<int:pk>/receive/", appraisal.sheet_receive, name="appraisal_receive"),
]
