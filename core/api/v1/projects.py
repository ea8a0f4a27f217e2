"""Project cases: the list (with the case-list page's own FilterSet) and one case with
its open steps, milestones, reports and timeline. Scoped as the pages are: another
jurisdiction's case is 404."""

from django.db.models import Prefetch
from django.http import Http404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from viewflow.workflow.models import Task

from core.filters.projects import OPEN, ProjectFilterSet
from core.models import Milestone, Project, QuarterlyReport
from core.selectors import projects as project_selectors
from core.selectors.calendar import calendar_today
from core.selectors.timeline import case_timeline

from .auth import within_token
from .base import Pagination, V1View


def _open_tasks():
    return Prefetch(
        "process__task_set",
        queryset=Task.objects.filter(status__in=OPEN, flow_task_type="HUMAN")
        .select_related("deadline", "owner")
        .order_by("created", "pk"),
        to_attr="open_tasks",
    )


class OpenStep(serializers.Serializer):
    task = serializers.IntegerField(source="pk")
    step = serializers.CharField(source="flow_task.name")
    title = serializers.CharField(source="flow_task.task_title")
    status = serializers.CharField()
    owner = serializers.CharField(source="owner.username", default=None, allow_null=True)
    due = serializers.DateField(source="deadline.due", default=None, allow_null=True)


class ProjectOut(serializers.ModelSerializer):
    jurisdiction = serializers.CharField(source="jurisdiction.code")
    category = serializers.CharField(source="category.code")
    lead_unit = serializers.CharField(source="lead_unit.name", default=None, allow_null=True)
    stage_display = serializers.CharField(source="get_stage_display")
    open_steps = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Project
        fields = [
            "id",
            "year",
            "title",
            "jurisdiction",
            "category",
            "stage",
            "stage_display",
            "location",
            "budget",
            "fund_source",
            "lead_unit",
            "deadline",
            "feasible",
            "elected",
            "voted_on",
            "vote_yes",
            "vote_rank",
            "progress",
            "funds_spent",
            "accepted_at",
            "satisfaction_rate",
            "band",
            "open_steps",
            "overdue",
        ]

    def _tasks(self, project):
        process = getattr(project, "process", None)
        return getattr(process, "open_tasks", []) if process else []

    def get_open_steps(self, project) -> list[dict]:
        return OpenStep(self._tasks(project), many=True).data

    def get_overdue(self, project) -> bool:
        today = self.context.get("today") or calendar_today()
        for task in self._tasks(project):
            deadline = getattr(task, "deadline", None)
            if deadline is not None and deadline.due <= today:
                return True
        return False


class MilestoneOut(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "title", "due", "status"]


class ReportOut(serializers.ModelSerializer):
    class Meta:
        model = QuarterlyReport
        fields = [
            "id",
            "year",
            "quarter",
            "progress",
            "funds_spent",
            "completed",
            "status",
            "problems",
            "submitted_at",
            "signed_off_at",
        ]


class TimelineEvent(serializers.Serializer):
    when = serializers.DateTimeField()
    kind = serializers.ChoiceField(choices=["task", "change", "created", "deleted"])
    title = serializers.CharField()
    actor = serializers.CharField(source="who", default=None, allow_null=True)
    detail = serializers.CharField(allow_blank=True)
    changes = serializers.SerializerMethodField()

    def get_changes(self, event) -> list[dict]:
        return [
            {"field": str(c.label), "old": _plain(c.old), "new": _plain(c.new)}
            for c in event.changes
        ]


def _plain(value):
    return None if value is None else str(value)


class ProjectDetailOut(ProjectOut):
    milestones = MilestoneOut(many=True, read_only=True)
    reports = ReportOut(many=True, read_only=True)
    timeline = serializers.SerializerMethodField()

    class Meta(ProjectOut.Meta):
        fields = [
            *ProjectOut.Meta.fields,
            "reason",
            "content",
            "targets",
            "plan_due",
            "plan_summary",
            "infeasible_reason",
            "milestones",
            "reports",
            "timeline",
        ]

    def get_timeline(self, project) -> list[dict]:
        return TimelineEvent(case_timeline(project), many=True).data


def scoped_projects(request):
    qs = project_selectors.projects_for_user(request.user)
    return within_token(request, qs).prefetch_related(_open_tasks())


class ProjectList(V1View, generics.ListAPIView):
    """Cases one may read, filtered as the case-list page filters them."""

    serializer_class = ProjectOut
    pagination_class = Pagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = ProjectFilterSet

    def get_queryset(self):
        return scoped_projects(self.request).order_by(*project_selectors.CASE_ORDER)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": calendar_today()}


class ProjectDetail(V1View):
    """One case: facts, open steps, milestones, reports and the merged timeline."""

    @extend_schema(responses=ProjectDetailOut, operation_id="projects_retrieve")
    def get(self, request, pk):
        qs = scoped_projects(request).prefetch_related(
            "milestones",
            Prefetch("reports", queryset=QuarterlyReport.objects.order_by("-submitted_at")),
        )
        project = qs.filter(pk=pk).first()
        if project is None:
            raise Http404
        return Response(ProjectDetailOut(project, context={"request": request}).data)
