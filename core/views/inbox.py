"""The inbox and the queue: filtered, searched, counted per step, sorted by due date;
several queue steps taken at once. Both list a project case's steps and a voting
session's; the inbox shows a deputy's open votes and a teller's counting passphrases to
set above them, the queue the suggestions waiting to be routed."""

from dataclasses import dataclass

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import inbox_messages as messages
from core.filters.tasks import TaskFilter, human_steps
from core.prepared import prepared
from core.selectors import tasks as task_selectors
from core.selectors.suggestions import waiting_to_be_routed
from core.selectors.voting import keys_to_set_for, open_votes_for
from core.services.inbox import CLAIM_LIMIT, tasks_claim
from core.services.steps import StepRefused

PAGE_SIZE = 25
WAITING_SHOWN = 50  # suggestions waiting to be routed, shown above the queue's steps


class CountedPaginator(Paginator):
    """A paginator told its number of rows (counted already) instead of counting them."""

    def __init__(self, *args, count: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.__dict__["count"] = count


@dataclass(frozen=True)
class Row:
    """What one row of the inbox or the queue shows of a task: its case or session."""

    task: object
    title: str
    url: str  # the case page, or the session page
    number: str
    year: int
    jurisdiction: str
    category: str
    step_url: str  # where the step is done
    claimable: bool  # a project case's step (taken in bulk from the queue)

    def __getattr__(self, name):
        # the task's own fields (pk, flow_task, due_date …) read through the row
        if name == "task":
            raise AttributeError(name)
        return getattr(self.task, name)


def row_of(task) -> Row:
    from flows.voting_flow import step_url

    session = task_selectors.session_of(task)
    if session is not None:
        return Row(
            task=task,
            title=session.title,
            url=reverse("voting:session", kwargs={"pk": session.pk}),
            number=_("session #%(n)s") % {"n": session.pk},
            year=session.year,
            jurisdiction=session.jurisdiction.name,
            category=_("Voting session"),
            step_url=step_url(session.pk, task.flow_task.name),
            claimable=False,
        )
    project = task_selectors.case_of(task)
    return Row(
        task=task,
        title=project.title,
        url=reverse("core:case", kwargs={"pk": project.pk}),
        number=f"#{project.pk}",
        year=project.year,
        jurisdiction=project.jurisdiction.name,
        category=str(project.category),
        step_url=reverse("flows:step", kwargs={"process_pk": task.process_id, "task_pk": task.pk}),
        claimable=True,
    )


def _task_page(request, qs, *, title, tab, votes=(), keys=(), waiting=()):
    filters = TaskFilter(request.GET or None, queryset=qs, user=request.user)
    valid = filters.is_valid() if filters.is_bound else True
    if valid:
        rows = filters.qs if filters.is_bound else qs
        by_step = task_selectors.counts_by_step(filters.without_step if filters.is_bound else qs)
    else:
        rows, by_step = qs.none(), {}
    chosen_step = filters.form.cleaned_data.get("step") if valid and filters.is_bound else ""
    # the per-step counts already say how many rows there are: no second COUNT
    total = by_step.get(chosen_step, 0) if chosen_step else sum(by_step.values())
    page = CountedPaginator(rows, PAGE_SIZE, count=total).get_page(request.GET.get("page"))
    page.object_list = [row_of(task) for task in page.object_list]
    steps = [
        {"name": name, "title": title_, "count": by_step[name], "chosen": name == chosen_step}
        for name, title_ in human_steps()
        if by_step.get(name)
    ]
    filtered = filters.is_bound and any(
        value not in (None, "") for key, value in request.GET.items() if key != "page"
    )
    return render(
        request,
        "core/task_list.html",
        {
            "page": page,
            "title": title,
            "tab": tab,
            "filters": filters,
            "steps": steps,
            "filtered": filtered,
            "claim_limit": CLAIM_LIMIT,
            "votes": votes,
            "keys": keys,
            "waiting": waiting,
        },
        status=200 if valid else 400,
    )


@login_required
@prepared()  # an office's most visited pages: their statements are planned once
def inbox(request):
    return _task_page(
        request,
        task_selectors.inbox(request.user, work=True),
        title=_("My inbox"),
        tab="inbox",
        votes=list(open_votes_for(request.user)),
        keys=list(keys_to_set_for(request.user)),
    )


@login_required
@prepared()
def queue(request):
    waiting = waiting_to_be_routed(request.user, today=timezone.localdate())[:WAITING_SHOWN]
    return _task_page(
        request,
        task_selectors.queue(request.user, work=True),
        title=_("Queue"),
        tab="queue",
        waiting=list(waiting),
    )


@login_required
@require_POST
def queue_claim(request):
    """Take the ticked steps of the queue: all of them, or none with the reason."""
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}) or not back.startswith(
        "/work/queue/"
    ):
        back = "/work/queue/"
    raw = request.POST.getlist("task")
    if len(raw) > CLAIM_LIMIT:
        flash.error(request, messages.CLAIM_TOO_MANY % {"limit": CLAIM_LIMIT})
        return redirect(back)
    if not all(value.isdigit() and len(value) < 19 for value in raw):
        flash.error(request, messages.CLAIM_MALFORMED)
        return redirect(back)
    ids = sorted({int(value) for value in raw})
    found = list(task_selectors.scoped_tasks(request.user).filter(pk__in=ids))
    if len(found) != len(ids):
        raise Http404  # a task outside the user's jurisdictions looks missing
    try:
        taken = tasks_claim(actor=request.user, tasks=found)
    except StepRefused as refused:
        flash.error(request, refused.message)
        return redirect(back)
    except PermissionDenied as denied:
        flash.error(request, str(denied))
        return redirect(back)
    flash.success(
        request,
        _("%(n)s steps are now in your inbox.") % {"n": len(taken)}
        if len(taken) != 1
        else _("The step is now in your inbox."),
    )
    return redirect("core:inbox")
