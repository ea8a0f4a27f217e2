"""The public board (公示栏) as JSON, without login: the same projects and figures as the
public page, by the same rules (nothing before the Party committee's approval, results
only once recorded, the monitoring group's signed-off progress, the approved changes, no
proposer's name)."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from core.models import Jurisdiction
from core.selectors.oversight import board_oversight
from core.views.public import _board_year, public_projects

from .base import V1View


class BoardJurisdiction(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.CharField()
    parent = serializers.CharField(source="parent.code", default=None, allow_null=True)


class BoardProject(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    category = serializers.CharField(source="category.code")
    lead_unit = serializers.CharField(source="lead_unit.name", default=None, allow_null=True)
    location = serializers.CharField()
    budget = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    deadline = serializers.DateField(allow_null=True)
    stage = serializers.CharField()


class PublicChange(serializers.Serializer):
    """An approved change, as the board shows it ("项目调整")."""

    kind = serializers.CharField()
    kind_display = serializers.CharField(source="get_kind_display")
    decision_body = serializers.CharField()
    decided_on = serializers.DateField(allow_null=True)
    reason = serializers.CharField()
    new_budget = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    new_deadline = serializers.DateField(allow_null=True)
    replaced_by = serializers.CharField(source="replacement.title", default=None, allow_null=True)


class ElectedProject(BoardProject):
    vote_yes = serializers.IntegerField(allow_null=True)
    vote_rank = serializers.IntegerField(allow_null=True)
    progress = serializers.IntegerField(source="public_progress")
    completed = serializers.SerializerMethodField()
    satisfaction_rate = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True)
    band = serializers.CharField(allow_blank=True)
    changes = PublicChange(source="public_changes", many=True)

    def get_completed(self, project) -> bool:
        return project.accepted_at is not None


class NotElectedProject(BoardProject):
    vote_yes = serializers.IntegerField(allow_null=True)


class BoardYear(serializers.Serializer):
    year = serializers.IntegerField()
    candidates = BoardProject(many=True)
    elected = ElectedProject(many=True)
    not_elected = NotElectedProject(many=True)
    completed = serializers.IntegerField()


class BoardOut(serializers.Serializer):
    jurisdiction = BoardJurisdiction()
    children = BoardJurisdiction(many=True)
    years = BoardYear(many=True)


class BoardIndex(V1View):
    """Every jurisdiction that has a board."""

    permission_classes = [AllowAny]

    @extend_schema(responses=BoardJurisdiction(many=True), operation_id="board_list")
    def get(self, request):
        jurisdictions = Jurisdiction.objects.select_related("parent").order_by("path")
        return Response(BoardJurisdiction(jurisdictions, many=True).data)


class BoardDetail(V1View):
    """One jurisdiction's board, year by year."""

    permission_classes = [AllowAny]

    @extend_schema(responses=BoardOut, operation_id="board_retrieve")
    def get(self, request, code):
        jurisdiction = Jurisdiction.objects.filter(code=code).select_related("parent").first()
        if jurisdiction is None:
            raise Http404
        projects = list(public_projects(jurisdiction).select_related("jurisdiction"))
        board_oversight(projects)  # the approved changes, in two queries for the board
        years = sorted({p.year for p in projects}, reverse=True)
        sections = [_board_year(y, [p for p in projects if p.year == y]) for y in years]
        return Response(
            BoardOut(
                {
                    "jurisdiction": jurisdiction,
                    "children": list(jurisdiction.children.select_related("parent")),
                    "years": sections,
                }
            ).data
        )
