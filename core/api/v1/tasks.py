"""Tasks through the API: my inbox, my queue, one task with its form, and taking,
releasing and completing a step.

One code path with the pages: the same scoped selectors (another jurisdiction's task is
404), the same permission table (`can_take_task`: 403 for someone who may see the case
but not act on the step), the step's own form (`flows.steps.STEPS`) and the same service
under the case's lock. A token also needs the `act` scope to change anything.
"""

from django import forms as django_forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, parsers, serializers
from rest_framework.response import Response
from viewflow.workflow.status import STATUS

from core import messages
from core.models.api import ApiScope
from core.selectors import tasks as task_selectors
from core.services.steps import StepRefused, task_assign, task_release
from permissions.checks import can_take_task

from .auth import within_token
from .base import Pagination, V1View

CASE = task_selectors.CASE
BODY_NOT_AN_OBJECT = _("Send the step's form fields as one JSON object.")


class TaskOut(serializers.Serializer):
    id = serializers.IntegerField()
    step = serializers.CharField(source="flow_task.name")
    title = serializers.CharField(source="flow_task.task_title")
    status = serializers.CharField()
    created = serializers.DateTimeField()
    due = serializers.DateField(source="due_date", allow_null=True, default=None)
    overdue = serializers.BooleanField(source="is_overdue", default=False)
    owner = serializers.CharField(source="owner.username", default=None, allow_null=True)
    project = serializers.IntegerField(source="process.projectprocess.project.id")
    project_title = serializers.CharField(source="process.projectprocess.project.title")
    jurisdiction = serializers.CharField(source="process.projectprocess.project.jurisdiction.code")


class FormField(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    required = serializers.BooleanField()
    kind = serializers.CharField(help_text="text, number, date, choice, multiple, file, …")
    choices = serializers.ListField(child=serializers.ListField(), allow_null=True)


class TaskDetailOut(TaskOut):
    can_act = serializers.BooleanField()
    form = FormField(many=True, allow_null=True)


class StepResult(serializers.Serializer):
    task = serializers.IntegerField()
    status = serializers.CharField()
    project = serializers.IntegerField()
    stage = serializers.CharField()


def scoped_tasks(request, qs):
    return within_token(request, qs, field=f"{CASE}__jurisdiction")


def _task(request, pk):
    task = task_selectors.task_for_user(request.user, pk)
    if not scoped_tasks(request, type(task).objects.filter(pk=task.pk)).exists():
        raise Http404
    return task


def _kind(field) -> str:
    if isinstance(field, django_forms.FileField):
        return "file"
    if isinstance(field, django_forms.DateField):
        return "date"
    if isinstance(field, django_forms.MultipleChoiceField | django_forms.ModelMultipleChoiceField):
        return "multiple"
    if isinstance(field, django_forms.ChoiceField | django_forms.ModelChoiceField):
        return "choice"
    if isinstance(field, django_forms.DecimalField | django_forms.IntegerField):
        return "number"
    if isinstance(field, django_forms.BooleanField):
        return "boolean"
    return "text"


def _choices(field):
    choices = getattr(field, "choices", None)
    if choices is None:
        return None
    return [[str(value), str(label)] for value, label in choices if str(value) != ""]


def _form_fields(task, project):
    from flows.steps import STEPS

    spec = STEPS.get(task.flow_task.name)
    if spec is None:
        return None
    form = spec.form_class(project=project, task=task)
    fields = [
        {
            "name": name,
            "label": str(field.label or name),
            "required": field.required,
            "kind": _kind(field),
            "choices": _choices(field),
        }
        for name, field in form.fields.items()
    ]
    if hasattr(form, "milestones"):
        fields.append(
            {
                "name": "milestones",
                "label": "[{title, due}]",
                "required": False,
                "kind": "list",
                "choices": None,
            }
        )
    return fields


class InboxList(V1View, generics.ListAPIView):
    """Steps assigned to me."""

    serializer_class = TaskOut
    pagination_class = Pagination

    def get_queryset(self):
        return scoped_tasks(self.request, task_selectors.inbox(self.request.user))


class QueueList(V1View, generics.ListAPIView):
    """Open steps my roles may take in my jurisdictions."""

    serializer_class = TaskOut
    pagination_class = Pagination

    def get_queryset(self):
        return scoped_tasks(self.request, task_selectors.queue(self.request.user))


class TaskDetail(V1View):
    """One task, whether I may act on it, and its step's form fields."""

    @extend_schema(responses=TaskDetailOut, operation_id="tasks_retrieve")
    def get(self, request, pk):
        task = _task(request, pk)
        project = task.process.projectprocess.project
        data = TaskOut(task).data
        data["can_act"] = can_take_task(request.user, task)
        data["form"] = _form_fields(task, project) if data["can_act"] else None
        return Response(data)


class _Acting(V1View):
    required_scope = ApiScope.ACT
    may_conflict = True

    def _result(self, task):
        task.refresh_from_db()
        project = task.process.projectprocess.project
        project.refresh_from_db()
        return Response(
            {"task": task.pk, "status": task.status, "project": project.pk, "stage": project.stage}
        )

    def _guard(self, request, task):
        """As the step page: a finished step is a conflict, a step one may not take 403."""
        if task.status in (STATUS.DONE, STATUS.CANCELED):
            raise StepRefused(messages.TASK_ALREADY_DONE)
        if not can_take_task(request.user, task):
            raise PermissionDenied(messages.TASK_NOT_ALLOWED)


class TaskClaim(_Acting):
    """Take a step from the queue into my inbox."""

    @extend_schema(request=None, responses=StepResult, operation_id="tasks_claim")
    def post(self, request, pk):
        task = _task(request, pk)
        self._guard(request, task)
        if task.status == STATUS.NEW:
            task_assign(actor=request.user, task=task)
        return self._result(task)


class TaskRelease(_Acting):
    """Put a step I took back into the queue."""

    @extend_schema(request=None, responses=StepResult, operation_id="tasks_release")
    def post(self, request, pk):
        task = _task(request, pk)
        self._guard(request, task)
        if task.status != STATUS.ASSIGNED:
            raise PermissionDenied(messages.TASK_NOT_ALLOWED)
        task_release(actor=request.user, task=task)
        return self._result(task)


def _form_data(task, data):
    """The step form's data from a JSON object: lists stay lists; a plan's milestones may
    come as [{"title", "due"}] and are laid out as the page's formset posts them."""
    if hasattr(data, "getlist"):
        return data
    if not isinstance(data, dict):
        raise serializers.ValidationError({"non_field_errors": [BODY_NOT_AN_OBJECT]})
    out = {k: v for k, v in data.items() if k != "milestones"}
    rows = data.get("milestones")
    if task.flow_task.name == "submit_plan" and isinstance(rows, list):
        out["milestones-TOTAL_FORMS"] = str(len(rows))
        out["milestones-INITIAL_FORMS"] = "0"
        for n, row in enumerate(rows):
            row = row if isinstance(row, dict) else {}
            out[f"milestones-{n}-title"] = row.get("title", "")
            out[f"milestones-{n}-due"] = row.get("due", "")
    elif task.flow_task.name == "submit_plan":
        out.setdefault("milestones-TOTAL_FORMS", "0")
        out.setdefault("milestones-INITIAL_FORMS", "0")
    return {k: v if isinstance(v, list) else ("" if v is None else v) for k, v in out.items()}


class _ListData(dict):
    """A dict that answers `getlist` as a QueryDict does (for multiple-choice fields)."""

    def getlist(self, key, default=None):
        value = self.get(key, default if default is not None else [])
        return value if isinstance(value, list) else [value]


class TaskComplete(_Acting):
    """Complete a step with its form data: the page's form and the page's service."""

    parser_classes = [parsers.JSONParser, parsers.MultiPartParser]
    # a quarterly report may carry its attachment
    max_body_bytes = settings.ATTACHMENT_MAX_BYTES + 256 * 1024

    @extend_schema(
        request={
            "application/json": OpenApiTypes.OBJECT,
            "multipart/form-data": OpenApiTypes.OBJECT,
        },
        responses=StepResult,
        operation_id="tasks_complete",
        description="The body holds the step's form fields (GET the task for their names).",
    )
    def post(self, request, pk):
        from flows.steps import STEPS

        task = _task(request, pk)
        self._guard(request, task)
        spec = STEPS.get(task.flow_task.name)
        if spec is None:
            raise PermissionDenied(messages.TASK_NOT_ALLOWED)
        project = task.process.projectprocess.project
        data = _form_data(task, request.data)
        if not hasattr(data, "getlist"):
            data = _ListData(data)
        form = spec.form_class(data, request.FILES, project=project, task=task)
        if not form.is_valid():
            errors = dict(form.errors)
            if hasattr(form, "milestones"):
                for n, row in enumerate(form.milestones.errors):
                    for name, messages_ in row.items():
                        errors[f"milestones.{n}.{name}"] = messages_
            raise serializers.ValidationError(errors)
        spec.perform(request.user, task, form)
        return self._result(task)
