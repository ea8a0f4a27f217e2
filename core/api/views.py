"""The JSON API: the same scoped selectors as the pages, so the same 404s."""

from rest_framework import generics

from core.selectors import projects as project_selectors
from core.selectors import tasks as task_selectors

from .serializers import ProjectSerializer, SuggestionSerializer, TaskSerializer


class ProjectList(generics.ListAPIView):
    serializer_class = ProjectSerializer

    def get_queryset(self):
        params = self.request.query_params
        year = params.get("year")
        return project_selectors.search_projects(
            self.request.user,
            q=params.get("q", ""),
            year=year if (year or "").isdigit() else None,
            stage=params.get("stage"),
            jurisdiction=params.get("jurisdiction"),
            category=params.get("category"),
        )


class ProjectDetail(generics.RetrieveAPIView):
    serializer_class = ProjectSerializer

    def get_object(self):
        return project_selectors.project_for_user(self.request.user, self.kwargs["pk"])


class SuggestionList(generics.ListAPIView):
    serializer_class = SuggestionSerializer

    def get_queryset(self):
        return project_selectors.suggestions_for_user(self.request.user).order_by("-created")


class InboxList(generics.ListAPIView):
    serializer_class = TaskSerializer

    def get_queryset(self):
        return task_selectors.inbox(self.request.user)


class QueueList(generics.ListAPIView):
    serializer_class = TaskSerializer

    def get_queryset(self):
        return task_selectors.queue(self.request.user)
