"""Where a case stands, as the case page says it: whose turn it is and what comes next,
and the stage bar from the suggestion to the rating, with the date each stage was done."""

import datetime
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from core.models import Office, OfficeKind, Project, Stage

# What each open step is, as the sentence names it (lower case, after "to").
STEP_ACTIONS = {
    "assign_study": gettext_lazy("assign the feasibility study"),
    "study_feasibility": gettext_lazy("study feasibility"),
    "review_by_party": gettext_lazy("review the candidate project"),
    "await_vote": gettext_lazy("vote on it at the congress session"),
    "submit_plan": gettext_lazy("submit the implementation plan"),
    "assign_monitoring_group": gettext_lazy("assign the monitoring group"),
    "await_quarter": gettext_lazy("report when the next quarter begins"),
    "submit_report": gettext_lazy("submit the quarterly report"),
    "review_report": gettext_lazy("review the report: sign it off or return it"),
    "answer_opinions": gettext_lazy("answer the monitoring group's opinions"),
    "accept_completion": gettext_lazy("inspect and accept the completed project"),
    "await_satisfaction": gettext_lazy("rate it in the year-end satisfaction vote"),
    "record_accountability": gettext_lazy("record the accountability hearing"),
}

# What follows each step when it goes the usual way.
NEXT_STEP = {
    "assign_study": gettext_lazy("the feasibility study"),
    "study_feasibility": gettext_lazy("the Party committee review"),
    "review_by_party": gettext_lazy("the congress vote"),
    "await_vote": gettext_lazy("the implementation plan and the monitoring group"),
    "submit_plan": gettext_lazy("the quarterly reports"),
    "assign_monitoring_group": gettext_lazy("the quarterly reports"),
    "await_quarter": gettext_lazy("the monitoring group's sign-off"),
    "submit_report": gettext_lazy("the monitoring group's sign-off"),
    "review_report": gettext_lazy("the next quarterly report, or acceptance once complete"),
    "answer_opinions": gettext_lazy("the monitoring group's sign-off"),
    "accept_completion": gettext_lazy("the satisfaction vote"),
    "await_satisfaction": gettext_lazy("closing, or an accountability hearing below 60 %"),
    "record_accountability": gettext_lazy("closing the case"),
}

ENDED = {
    Stage.CLOSED: gettext_lazy("This case is closed."),
    Stage.INFEASIBLE: gettext_lazy(
        "This case ended: the study found it infeasible; the reason went back to the proposers."
    ),
    Stage.REJECTED: gettext_lazy("This case ended: the Party committee did not approve it."),
    Stage.NOT_ELECTED: gettext_lazy("This case ended: the congress did not elect it."),
}


def _office(project: Project, kind: str) -> str:
    office = Office.objects.filter(jurisdiction=project.jurisdiction, kind=kind).first()
    return office.name if office else str(dict(OfficeKind.choices)[kind])


def step_holder(project: Project, node_name: str) -> str:
    """Who holds a step of this case: an office's name, the group or the deputies."""
    if node_name in ("assign_study",):
        return _office(project, OfficeKind.GOVERNMENT)
    if node_name == "study_feasibility":
        return str(project.study_department or _office(project, OfficeKind.GOVERNMENT))
    if node_name == "review_by_party":
        return _office(project, OfficeKind.PARTY)
    if node_name in ("assign_monitoring_group", "record_accountability"):
        return _office(project, OfficeKind.CONGRESS)
    if node_name in ("await_vote", "await_satisfaction"):
        return _("the deputies")
    if node_name in ("submit_plan", "submit_report", "answer_opinions", "await_quarter"):
        return str(project.lead_unit or _("the lead unit"))
    if node_name in ("review_report", "accept_completion"):
        return _("the monitoring group")
    return ""


def whose_turn(project: Project, open_tasks) -> str:
    """One sentence: whose turn it is, by when, and what comes next."""
    if project.stage in ENDED:
        return str(ENDED[project.stage])
    names = [t.flow_task.name for t in open_tasks if t.flow_task.name in STEP_ACTIONS]
    if not names:
        return ""
    parts = []
    for task in open_tasks:
        name = task.flow_task.name
        if name not in STEP_ACTIONS:
            continue
        due = getattr(task, "due_date", None)
        if due:
            parts.append(
                _("%(holder)s to %(action)s by %(due)s")
                % {
                    "holder": step_holder(project, name),
                    "action": STEP_ACTIONS[name],
                    "due": date_format(due, "Y-m-d"),
                }
            )
        else:
            parts.append(
                _("%(holder)s to %(action)s")
                % {"holder": step_holder(project, name), "action": STEP_ACTIONS[name]}
            )
    sentence = _("Now: %(steps)s.") % {"steps": _("; ").join(parts)}
    following = NEXT_STEP.get(names[-1])
    if following:
        sentence += " " + _("Then: %(next)s.") % {"next": following}
    return sentence


@dataclass
class StageStep:
    label: str
    state: str  # done, current, todo, skipped
    when: datetime.date | None = None


# The stage bar's stops; each stage of a case is "at" one of them.
BAR = [
    ("suggestion", gettext_lazy("Suggestion")),
    ("study", gettext_lazy("Study")),
    ("party", gettext_lazy("Party review")),
    ("vote", gettext_lazy("Vote")),
    ("plan", gettext_lazy("Plan")),
    ("reports", gettext_lazy("Reports")),
    ("acceptance", gettext_lazy("Acceptance")),
    ("rating", gettext_lazy("Rating")),
]
CURRENT_STOP = {
    Stage.REGISTERED: "study",
    Stage.STUDY: "study",
    Stage.PARTY_REVIEW: "party",
    Stage.CANDIDATE: "vote",
    Stage.PLANNING: "plan",
    Stage.IMPLEMENTING: "reports",
    Stage.ACCEPTANCE: "acceptance",
    Stage.EVALUATION: "rating",
    Stage.ACCOUNTABILITY: "rating",
    Stage.INFEASIBLE: "study",
    Stage.REJECTED: "party",
    Stage.NOT_ELECTED: "vote",
}


def _as_date(value):
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        from django.utils import timezone

        return timezone.localtime(value).date()
    return value


def stage_bar(project: Project, suggestions=(), reports=None) -> list[StageStep]:
    """The stops from suggestion to rating: done (with its date), current, or to come.
    `reports`: the case's quarterly reports when already read."""
    finished = {}
    done = Task.objects.filter(process_id=project.process.pk, status=STATUS.DONE)
    for task in done.order_by("finished").only("flow_task", "finished"):
        if task.flow_task is not None:
            finished[task.flow_task.name] = task.finished  # the latest round wins

    def done_at(node_name):
        return _as_date(finished.get(node_name))

    received = [s.created for s in suggestions] or [project.created]
    if reports is None:
        signed_off = project.reports.filter(signed_off_at__isnull=False)
        last_sign_off = (
            signed_off.order_by("-signed_off_at").values_list("signed_off_at", flat=True).first()
        )
    else:
        last_sign_off = max((r.signed_off_at for r in reports if r.signed_off_at), default=None)
    dates = {
        "suggestion": _as_date(min(received)),
        "study": done_at("study_feasibility"),
        "party": done_at("review_by_party"),
        "vote": project.voted_on,
        "plan": _as_date(project.plan_submitted_at),
        "reports": _as_date(last_sign_off) if project.accepted_at else None,
        "acceptance": _as_date(project.accepted_at),
        "rating": done_at("await_satisfaction"),
    }
    current = None if project.stage == Stage.CLOSED else CURRENT_STOP.get(project.stage)
    ended = project.stage in (Stage.INFEASIBLE, Stage.REJECTED, Stage.NOT_ELECTED)
    steps, reached = [], True
    for key, label in BAR:
        if key == current:
            state = "stopped" if ended else "current"
            steps.append(StageStep(str(label), state, dates[key] if ended else None))
            reached = False
        elif reached:
            steps.append(StageStep(str(label), "done", dates[key]))
        else:
            steps.append(StageStep(str(label), "todo"))
    return steps
