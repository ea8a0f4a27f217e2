"""Supervision meetings (mid-year, quarterly, residents' council) through the API,
read-only: the list by jurisdiction and year, one meeting with its agenda, attendance,
ratings and review opinions, and the meetings that heard one case. Scoped as the meeting
pages are (`core.selectors.oversight`): another jurisdiction's meeting is 404."""

from django.db.models import Count
from django.http import Http404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response

from core.models.meetings import AgendaItem, Meeting, ProjectRating
from core.selectors import oversight as selectors

from .auth import token_reaches, within_token
from .base import Pagination, V1View
from .filters import MeetingFilterSet
from .oversight import DeputyRef, OpinionOut, ProjectList, ProjectRef


class MeetingOut(serializers.ModelSerializer):
    jurisdiction = serializers.CharField(source="jurisdiction.code")
    kind_display = serializers.CharField(source="get_kind_display")
    status_display = serializers.CharField(source="get_status_display")
    present = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = [
            "id",
            "jurisdiction",
            "year",
            "kind",
            "kind_display",
            "title",
            "scheduled_on",
            "venue",
            "status",
            "status_display",
            "held_on",
            "deputies_total",
            "present",
        ]

    def get_present(self, meeting) -> int:
        """How many deputies attended (0 until the meeting is held)."""
        counted = getattr(meeting, "present_count", None)
        return counted if counted is not None else len(meeting.attendees.all())


class ReportRef(serializers.Serializer):
    id = serializers.IntegerField()
    year = serializers.IntegerField()
    quarter = serializers.IntegerField()


class AgendaOut(serializers.ModelSerializer):
    project = ProjectRef()
    report = ReportRef(allow_null=True)

    class Meta:
        model = AgendaItem
        fields = ["order", "project", "report", "heard"]


class RatingOut(serializers.ModelSerializer):
    """A rating heard at the meeting: the figure of the whole vote, never anyone's mark."""

    project = ProjectRef()

    class Meta:
        model = ProjectRating
        fields = [
            "id",
            "project",
            "year",
            "purpose",
            "scale",
            "rate",
            "mean_score",
            "band",
            "unfinished",
            "rated_on",
        ]


class MeetingDetailOut(MeetingOut):
    attendees = DeputyRef(many=True)
    agenda = AgendaOut(many=True)
    ratings = RatingOut(many=True)
    opinions = OpinionOut(many=True)
    rating_session = serializers.IntegerField(source="rating_session_id", allow_null=True)

    class Meta(MeetingOut.Meta):
        fields = [
            *MeetingOut.Meta.fields,
            "speakers",
            "minutes",
            "rating_session",
            "attendees",
            "agenda",
            "ratings",
            "opinions",
        ]


class MeetingList(V1View, generics.ListAPIView):
    """Meetings of the jurisdictions one reads, the latest first."""

    serializer_class = MeetingOut
    pagination_class = Pagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = MeetingFilterSet

    def get_queryset(self):
        qs = within_token(self.request, selectors.meetings_for_user(self.request.user))
        return qs.annotate(present_count=Count("attendees", distinct=True)).order_by(
            "-scheduled_on", "-pk"
        )


class MeetingDetail(V1View):
    """One meeting: agenda, who attended, the ratings and the review opinions issued."""

    @extend_schema(responses=MeetingDetailOut, operation_id="meetings_retrieve")
    def get(self, request, pk):
        meeting = selectors.meeting_for_user(request.user, pk)
        if not token_reaches(request, meeting.jurisdiction):
            raise Http404
        return Response(MeetingDetailOut(meeting).data)


class AgendaWithMeeting(AgendaOut):
    meeting = MeetingOut()

    class Meta(AgendaOut.Meta):
        fields = ["meeting", *AgendaOut.Meta.fields]


class ProjectMeetings(ProjectList):
    """The meetings that heard one case, in date order, with the report each heard."""

    serializer_class = AgendaWithMeeting

    def rows(self, project):
        return (
            AgendaItem.objects.filter(project=project)
            .select_related("meeting", "meeting__jurisdiction", "project", "report")
            .prefetch_related("meeting__attendees")
            .order_by("meeting__scheduled_on", "pk")
        )
