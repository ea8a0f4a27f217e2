"""URL patterns of the calendar pages, included by core/urls.py (namespace "calendar")."""

from django.urls import path

from core.views import calendar as views

app_name = "calendar"

urlpatterns = [
    path("work/notifications/", views.notification_list, name="notifications"),
    path("work/notifications/read-all/", views.notification_read_all, name="read_all"),
    path("work/notifications/<int:pk>/", views.notification_open, name="open"),
    path("work/notifications/<int:pk>/read/", views.notification_read, name="read"),
    path("work/calendar/", views.calendar_home, name="home"),
    path("work/calendar/<str:code>/", views.calendar_jurisdiction, name="jurisdiction"),
    path("work/calendar/<str:code>/settings/", views.calendar_settings, name="settings"),
]
