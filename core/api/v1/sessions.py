"""Voting sessions through the API, read-only: the rules, the slate, the attendance, and
the result once announced (never before). Casting a ballot is the voting area's own
endpoint with the web ballot's secrecy."""

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.response import Response

from core.models.voting import VotingSession
from core.selectors import voting as selectors

from .auth import within_token
from .base import Pagination, V1View
from .errors import NOT_PUBLIC_YET, ApiError

RESULT_NOT_YET = _("The result is published only once the session has been announced.")


class SessionOut(serializers.ModelSerializer):
    jurisdiction = serializers.CharField(source="jurisdiction.code")
    status_display = serializers.CharField(source="get_status_display")
    runoff_of = serializers.IntegerField(source="parent_id", allow_null=True)

    class Meta:
        model = VotingSession
        fields = [
            "id",
            "jurisdiction",
            "year",
            "title",
            "kind",
            "method",
            "status",
            "status_display",
            "deputies_total",
            "runoff_of",
            "created",
            "slate_approved_at",
            "opened_at",
            "closed_at",
            "announced_at",
        ]


class CandidateOut(serializers.Serializer):
    id = serializers.CharField(source="ballot_id", help_text="The candidate's id on ballots.")
    project = serializers.IntegerField(source="project_id")
    title = serializers.CharField(source="project.title")
    category = serializers.CharField(source="category.code")
    lead_unit = serializers.CharField(
        source="project.lead_unit.name", default=None, allow_null=True
    )


class AttendanceOut(serializers.Serializer):
    deputy = serializers.CharField(source="deputy.name")
    present = serializers.BooleanField()


class SessionDetailOut(SessionOut):
    rules = serializers.SerializerMethodField()
    slate = serializers.SerializerMethodField()
    attendance = serializers.SerializerMethodField()

    class Meta(SessionOut.Meta):
        fields = [*SessionOut.Meta.fields, "rules", "slate", "attendance"]

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_rules(self, session):
        return session.rules

    @extend_schema_field(CandidateOut(many=True))
    def get_slate(self, session):
        return CandidateOut(selectors.candidates_of(session), many=True).data

    @extend_schema_field(AttendanceOut(many=True))
    def get_attendance(self, session):
        return AttendanceOut(selectors.attendance_of(session), many=True).data


class ResultRow(serializers.Serializer):
    id = serializers.CharField()
    title = serializers.CharField(allow_null=True)
    category = serializers.CharField(allow_null=True)
    in_runoff = serializers.BooleanField()
    figures = serializers.DictField(help_text="The counting engine's row (voting-rules.md).")


class ResultOut(serializers.Serializer):
    session = serializers.IntegerField()
    status = serializers.CharField()
    announced_at = serializers.DateTimeField()
    rows = ResultRow(many=True)
    document = serializers.DictField(help_text="The engine's whole output document.")


def _session(request, pk) -> VotingSession:
    session = selectors.session_for_user(request.user, pk)
    if not within_token(request, VotingSession.objects.filter(pk=session.pk)).exists():
        raise Http404
    return session


class SessionList(V1View, generics.ListAPIView):
    """Sessions of the jurisdictions one reads, newest first."""

    serializer_class = SessionOut
    pagination_class = Pagination

    def get_queryset(self):
        return within_token(self.request, selectors.sessions_for_user(self.request.user))


class SessionDetail(V1View):
    """One session: rules, slate and attendance."""

    @extend_schema(responses=SessionDetailOut, operation_id="sessions_retrieve")
    def get(self, request, pk):
        return Response(SessionDetailOut(_session(request, pk)).data)


class SessionResult(V1View):
    """The announced result; 404 `not_public_yet` before the announcement."""

    @extend_schema(responses=ResultOut, operation_id="sessions_result")
    def get(self, request, pk):
        session = _session(request, pk)
        if not session.is_announced:
            raise ApiError(NOT_PUBLIC_YET, RESULT_NOT_YET, status_code=404)
        rows = []
        for row in selectors.result_rows(session):
            candidate = row.pop("candidate", None)
            in_runoff = row.pop("in_runoff", False)
            rows.append(
                {
                    "id": str(row.get("id")),
                    "title": candidate.project.title if candidate else None,
                    "category": candidate.category.code if candidate else None,
                    "in_runoff": in_runoff,
                    "figures": row,
                }
            )
        return Response(
            ResultOut(
                {
                    "session": session.pk,
                    "status": session.status,
                    "announced_at": session.announced_at,
                    "rows": rows,
                    "document": session.result or {},
                }
            ).data
        )
