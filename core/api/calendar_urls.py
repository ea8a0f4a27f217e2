"""API endpoints of the calendar area, included by core/api/urls.py: one's notifications
(list, unread count, mark read) and what a jurisdiction's calendar will do next."""

from django.urls import path
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.models.calendar import Notification
from core.selectors import calendar as selectors
from core.services import notifications


class NotificationSerializer(serializers.ModelSerializer):
    title = serializers.CharField(read_only=True)
    body = serializers.CharField(read_only=True)
    project = serializers.IntegerField(source="project_id", read_only=True)
    task = serializers.IntegerField(source="task_id", read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "project", "task", "created", "read_at"]


class NotificationList(generics.ListAPIView):
    serializer_class = NotificationSerializer

    def get_queryset(self):
        qs = selectors.notifications_for(self.request.user)
        if self.request.query_params.get("unread"):
            qs = qs.unread()
        return qs

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        response.data["unread"] = selectors.unread_count(request.user)
        return response


class NotificationRead(APIView):
    def post(self, request, pk):
        notification = selectors.notification_for_user(request.user, pk)
        notifications.notification_mark_read(actor=request.user, notification=notification)
        return Response(NotificationSerializer(notification).data)


class CalendarNext(APIView):
    def get(self, request, code):
        jurisdiction = selectors.calendar_jurisdiction_for_user(request.user, code)
        items = selectors.scheduled_next(jurisdiction)
        return Response(
            {
                "jurisdiction": jurisdiction.code,
                "today": selectors.calendar_today(),
                "items": [
                    {
                        "on": item.on,
                        "what": item.what,
                        "detail": item.detail,
                        "project": item.project_id,
                    }
                    for item in items
                ],
            }
        )


urlpatterns = [
    path("notifications/", NotificationList.as_view(), name="api-notifications"),
    path("notifications/<int:pk>/read/", NotificationRead.as_view(), name="api-notification-read"),
    path("calendar/<str:code>/", CalendarNext.as_view(), name="api-calendar"),
]
