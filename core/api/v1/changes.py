"""Changes after the vote (adjust, stop, replace) through the API, read-only: the list by
jurisdiction and year, one change, and the changes of one case, proposed, decided or
refused. Scoped as the case is (`core.selectors.oversight.changes_for_user`); the public
reads the approved ones on the board (`/api/v1/board/<code>/`)."""

from django.http import Http404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.response import Response

from core.models.changes import ProjectChange
from core.selectors import oversight as selectors

from .auth import token_reaches, within_token
from .base import Pagination, V1View
from .filters import ChangeFilterSet
from .oversight import ProjectList, ProjectRef


class ChangeOut(serializers.ModelSerializer):
    project = ProjectRef()
    jurisdiction = serializers.CharField(source="project.jurisdiction.code")
    year = serializers.IntegerField(source="project.year")
    kind_display = serializers.CharField(source="get_kind_display")
    status_display = serializers.CharField(source="get_status_display")
    replacement = ProjectRef(allow_null=True)
    previous = serializers.SerializerMethodField()
    proposed_by = serializers.CharField(
        source="proposed_by.username", default=None, allow_null=True
    )
    decided_by = serializers.CharField(source="decided_by.username", default=None, allow_null=True)

    class Meta:
        model = ProjectChange
        fields = [
            "id",
            "project",
            "jurisdiction",
            "year",
            "kind",
            "kind_display",
            "status",
            "status_display",
            "reason",
            "new_content",
            "new_targets",
            "new_budget",
            "new_deadline",
            "replacement",
            "previous",
            "proposed_by",
            "proposed_at",
            "decision_body",
            "decided_by",
            "decided_on",
            "decision_note",
        ]

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_previous(self, change):
        """What the case held before an approved adjustment."""
        return change.previous or {}


def _changes(qs):
    return qs.select_related(
        "project", "project__jurisdiction", "replacement", "proposed_by", "decided_by"
    )


class ChangeList(V1View, generics.ListAPIView):
    """Changes of the cases one reads, the latest proposed first."""

    serializer_class = ChangeOut
    pagination_class = Pagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = ChangeFilterSet

    def get_queryset(self):
        qs = within_token(
            self.request, selectors.changes_for_user(self.request.user), "project__jurisdiction"
        )
        return _changes(qs).order_by("-proposed_at", "-pk")


class ChangeDetail(V1View):
    """One change: what it asks, what the case held before, and the decision."""

    @extend_schema(responses=ChangeOut, operation_id="changes_retrieve")
    def get(self, request, pk):
        change = _changes(selectors.changes_for_user(request.user)).filter(pk=pk).first()
        if change is None or not token_reaches(request, change.project.jurisdiction):
            raise Http404
        return Response(ChangeOut(change).data)


class ProjectChanges(ProjectList):
    """One case's changes, in the order they were proposed."""

    serializer_class = ChangeOut

    def rows(self, project):
        return _changes(ProjectChange.objects.filter(project=project)).order_by("proposed_at", "pk")
