"""Inspections, research visits, special inquiries and the monitoring groups' research
reports through the API, read-only: the list by jurisdiction and year, one inspection
with its findings, who went, its photos (described; the files are served to a signed-in
reader by the inspection page) and review opinions, and the inspections of one case.
Scoped as the inspection pages are: another jurisdiction's inspection is 404."""

from django.db.models import Prefetch
from django.http import Http404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.response import Response

from core.models.inspections import Inspection, InspectionPhoto, InspectionSubject
from core.selectors import oversight as selectors

from .auth import token_reaches, within_token
from .base import Pagination, V1View
from .filters import InspectionFilterSet
from .oversight import DeputyRef, OpinionOut, ProjectList, ProjectRef


class InspectionOut(serializers.ModelSerializer):
    jurisdiction = serializers.CharField(source="jurisdiction.code")
    kind_display = serializers.CharField(source="get_kind_display")
    body_display = serializers.CharField(source="get_body_display")
    projects = serializers.SerializerMethodField()
    deputies = DeputyRef(many=True)

    class Meta:
        model = Inspection
        fields = [
            "id",
            "jurisdiction",
            "kind",
            "kind_display",
            "body",
            "body_display",
            "held_on",
            "title",
            "projects",
            "deputies",
            "others",
        ]

    @extend_schema_field(ProjectRef(many=True))
    def get_projects(self, inspection):
        return ProjectRef([s.project for s in inspection.subjects.all()], many=True).data


class PhotoOut(serializers.ModelSerializer):
    class Meta:
        model = InspectionPhoto
        fields = ["id", "name", "caption", "size", "created"]


class InspectionDetailOut(InspectionOut):
    photos = PhotoOut(many=True)
    opinions = OpinionOut(many=True)

    class Meta(InspectionOut.Meta):
        fields = [*InspectionOut.Meta.fields, "findings", "created", "photos", "opinions"]


def _with_people(qs):
    return qs.prefetch_related("deputies")


class InspectionList(V1View, generics.ListAPIView):
    """Inspections of the jurisdictions one reads, the latest first."""

    serializer_class = InspectionOut
    pagination_class = Pagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = InspectionFilterSet

    def get_queryset(self):
        qs = within_token(self.request, selectors.inspections_for_user(self.request.user))
        return _with_people(qs).order_by("-held_on", "-pk")


class InspectionDetail(V1View):
    """One inspection: findings, who went, photos and the review opinions it issued."""

    @extend_schema(responses=InspectionDetailOut, operation_id="inspections_retrieve")
    def get(self, request, pk):
        inspection = selectors.inspection_for_user(request.user, pk)
        if not token_reaches(request, inspection.jurisdiction):
            raise Http404
        return Response(InspectionDetailOut(inspection).data)


class ProjectInspections(ProjectList):
    """The inspections that looked at one case, in date order."""

    serializer_class = InspectionOut

    def rows(self, project):
        subjects = InspectionSubject.objects.select_related("project")
        return _with_people(
            Inspection.objects.filter(subjects__project=project)
            .select_related("jurisdiction")
            .prefetch_related(Prefetch("subjects", queryset=subjects))
            .order_by("held_on", "pk")
        )
