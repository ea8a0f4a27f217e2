"""The step page: one view serves every human step of a case.

It fetches the task through the scoped selector (404 outside the user's jurisdiction),
checks the step permission (403 otherwise), validates the step's form and calls the
step's one service, which completes the viewflow activation under the case's lock.
"""

from django.contrib import messages as flash
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View

from core.prepared import prepared
from core.selectors.tasks import session_of, task_for_user
from core.services.steps import StepRefused, task_assign, task_release
from permissions.checks import can_take_task

from .voting_flow import step_url


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            for e in errors:
                form.add_error(target, e)
    else:
        form.add_error(None, error)


class StepView(LoginRequiredMixin, View):
    template_name = "flows/step.html"

    @method_decorator(prepared())  # an office's daily work: its statements planned once
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        from .steps import STEPS

        self.task = task_for_user(
            request.user, kwargs["task_pk"], process_pk=kwargs.get("process_pk"), work=True
        )
        session = session_of(self.task)
        if session is not None:
            # a voting session's step is done on the session's own pages
            return redirect(step_url(session.pk, self.task.flow_task.name))
        self.project = self.task.process.coerced.project
        self.spec = STEPS.get(self.task.flow_task.name)
        if self.spec is None:
            raise PermissionDenied
        if not can_take_task(request.user, self.task):
            if self.task.status in ("DONE", "CANCELED"):
                flash.info(request, _("This step is already completed."))
                return redirect("core:case", pk=self.project.pk)
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def make_form(self, data=None, files=None):
        return self.spec.form_class(data, files, project=self.project, task=self.task)

    def get(self, request, *args, **kwargs):
        return self.render(self.make_form())

    def post(self, request, *args, **kwargs):
        form = self.make_form(request.POST, request.FILES)
        if form.is_valid():
            try:
                self.spec.perform(request.user, self.task, form)
            except ValidationError as error:
                _add_errors(form, error)
            except StepRefused as refused:
                flash.error(request, refused.message)
                return redirect("core:case", pk=self.project.pk)
            else:
                flash.success(
                    request,
                    _("“%(step)s” completed for %(project)s.")
                    % {"step": self.task.flow_task.task_title, "project": self.project.title},
                )
                return redirect("core:inbox")
        return self.render(form, status=400)

    def render(self, form, status=200):
        from core.selectors.case_progress import step_holder

        from .step_help import STEP_HELP

        name = self.task.flow_task.name
        report = (
            self.project.reports.order_by("-submitted_at", "-pk")
            .select_related("submitted_by")
            .prefetch_related("attachments", "opinions__attachments")
            .first()
        )
        context = {
            "form": form,
            "task": self.task,
            "project": self.project,
            "spec": self.spec,
            "step_name": name,
            "step_help": STEP_HELP.get(name, ""),
            "step_holder": step_holder(self.project, name),
            "report": report,
            "suggestions": self.project.suggestions.all(),
            "milestones": self.project.milestones.all(),
        }
        return render(self.request, self.template_name, context, status=status)


class TaskAssignView(LoginRequiredMixin, View):
    def post(self, request, task_pk):
        task = task_for_user(request.user, task_pk, work=True)
        try:
            task_assign(actor=request.user, task=task)
        except StepRefused as refused:
            flash.error(request, refused.message)
            return redirect("core:queue")
        flash.success(request, _("The step is now in your inbox."))
        return redirect("flows:step", process_pk=task.process_id, task_pk=task.pk)


class TaskReleaseView(LoginRequiredMixin, View):
    def post(self, request, task_pk):
        task = task_for_user(request.user, task_pk, work=True)
        task_release(actor=request.user, task=task)
        flash.info(request, _("The step is back in the queue."))
        return redirect("core:inbox")
