"""What the supervision year's endpoints share: the case they are about (scoped as the
case is: another jurisdiction's case is 404, as a missing one), short references to
projects and deputies, and review opinions with their answers (read-only: answering and
checking stay on the pages, where the lead unit and the congress office act)."""

from django.http import Http404
from rest_framework import generics, serializers

from core.models import Opinion
from core.selectors import oversight as selectors
from core.selectors import projects as project_selectors

from .auth import within_token
from .base import Pagination, V1View


def project_for(request, pk):
    """The case `pk` if the caller (and its token) may read it, else 404."""
    qs = within_token(request, project_selectors.projects_for_user(request.user))
    project = qs.filter(pk=pk).first()
    if project is None:
        raise Http404
    return project


class ProjectRef(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class DeputyRef(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class OpinionOut(serializers.ModelSerializer):
    """A review opinion (审议意见) of a meeting or an inspection, and the lead unit's
    answer once given, with the congress office's check ("回头看")."""

    project = ProjectRef()
    addressee = serializers.CharField(source="addressee.name")
    answered_by = serializers.CharField(
        source="answered_by.username", default=None, allow_null=True
    )
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Opinion
        fields = [
            "id",
            "project",
            "meeting",
            "inspection",
            "text",
            "created",
            "addressee",
            "due",
            "answer",
            "answered_at",
            "answered_by",
            "overdue",
            "check_result",
            "check_note",
            "checked_at",
        ]

    def get_overdue(self, opinion) -> bool:
        """Marked overdue by the escalation (its answer was late)."""
        return opinion.overdue_at is not None


def opinion_queryset(qs):
    """What OpinionOut reads, fetched with the opinions."""
    return qs.select_related("project", "addressee", "answered_by")


class ProjectList(V1View, generics.ListAPIView):
    """Base of a case's lists: the case must be readable (404 otherwise)."""

    pagination_class = Pagination

    def rows(self, project):
        raise NotImplementedError

    def get_queryset(self):
        return self.rows(project_for(self.request, self.kwargs["pk"]))


class ProjectOpinions(ProjectList):
    """A case's review opinions and their answers, oldest first."""

    serializer_class = OpinionOut

    def rows(self, project):
        return opinion_queryset(selectors.review_opinions().filter(project=project)).order_by(
            "created", "pk"
        )
