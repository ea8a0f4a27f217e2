"""The case of one livelihood project, from registration to the year-end rating."""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock

from core.models import Band, ProjectProcess, ReportStatus
from core.selectors.calendar import report_due_now
from permissions.roles import Step, perm

from .views import StepView


def _project(process):
    return process.coerced.project if not isinstance(process, ProjectProcess) else process.project


def case_jurisdiction(process):
    return _project(process).jurisdiction


def study_department(process):
    return _project(process).study_department


def lead_unit(process):
    return _project(process).lead_unit


def case_project(process):
    return _project(process)


def _latest_report(activation):
    return activation.process.project.reports.order_by("-submitted_at", "-pk").first()


class ProjectFlow(flow.Flow):
    """Livelihood project case

    One livelihood project (民生实事项目) from registration through the feasibility study,
    the Party committee review, the congress vote, implementation under the monitoring
    group's supervision, acceptance, and the deputies' satisfaction vote.
    """

    process_class = ProjectProcess
    lock_impl = lock.select_for_update_lock
    process_title = _("Livelihood project")

    # -- government office or congress office: a project is registered from suggestions
    register = (
        flow.StartHandle(this.start_case)
        .Annotation(title=_("Register project"))
        .Next(this.assign_study)
    )

    # -- government office: which department studies it, which unit would lead it
    assign_study = (
        flow.View(StepView.as_view())
        .onCreate(this.step_opened)
        .Annotation(title=_("Assign feasibility study"))
        .Permission(perm(Step.ASSIGN_STUDY), obj=case_jurisdiction)
        .Next(this.study_feasibility)
    )

    # -- the assigned department
    study_feasibility = (
        flow.View(StepView.as_view())
        .onCreate(this.step_opened)
        .Annotation(title=_("Study feasibility"))
        .Permission(perm(Step.STUDY_FEASIBILITY), obj=study_department)
        .Next(this.check_feasibility)
    )
    check_feasibility = (
        flow.If(lambda activation: activation.process.project.feasible)
        .Annotation(title=_("Feasible?"))
        .Then(this.review_by_party)
        .Else(this.infeasible)
    )

    # -- Party committee office
    review_by_party = (
        flow.View(StepView.as_view())
        .onCreate(this.step_opened)
        .Annotation(title=_("Party committee review"))
        .Permission(perm(Step.REVIEW_BY_PARTY), obj=case_jurisdiction)
        .Next(this.check_party_decision)
    )
    check_party_decision = (
        flow.Switch()
        .Annotation(title=_("Party decision"))
        .Case(this.await_vote, lambda a: a.process.project.party_decision == "approved")
        .Case(this.study_feasibility, lambda a: a.process.project.party_decision == "returned")
        .Default(this.rejected)
    )

    # -- congress: released by the voting session's announcement (or the congress office)
    await_vote = flow.Handle().Annotation(title=_("Congress vote")).Next(this.check_elected)
    check_elected = (
        flow.If(lambda activation: activation.process.project.elected)
        .Annotation(title=_("Elected?"))
        .Then(this.start_implementation)
        .Else(this.not_elected)
    )
    start_implementation = (
        flow.Split()
        .Annotation(title=_("Start implementation"))
        .Always(this.submit_plan)
        .Always(this.assign_monitoring_group)
    )

    # -- lead unit: the implementation plan, due 30 days after the vote
    submit_plan = (
        flow.View(StepView.as_view())
        .onCreate(this.step_opened)
        .Annotation(title=_("Implementation plan"))
        .Permission(perm(Step.SUBMIT_PLAN), obj=lead_unit)
        .Next(this.join_implementation)
    )
    # -- congress office: deputies chosen by expertise supervise this project
    assign_monitoring_group = (
        flow.View(StepView.as_view())
        .onCreate(this.step_opened)
        .Annotation(title=_("Assign monitoring group"))
        .Permission(perm(Step.ASSIGN_MONITORING_GROUP), obj=case_jurisdiction)
        .Next(this.join_implementation)
    )
    join_implementation = (
        flow.Join().Annotation(title=_("Plan and group ready")).Next(this.check_quarter)
    )

    # -- the calendar: a quarter's report opens at the quarter's start; a case that is
    # behind reports at once, the others wait for the next quarter (released by the beat
    # task calendar.open_quarterly_reports; see core/services/calendar.py)
    check_quarter = (
        flow.If(lambda activation: report_due_now(activation.process.project))
        .Annotation(title=_("Quarter begun?"))
        .Then(this.submit_report)
        .Else(this.await_quarter)
    )
    await_quarter = (
        flow.Handle().Annotation(title=_("Wait for the next quarter")).Next(this.submit_report)
    )

    # -- lead unit reports every quarter; the monitoring group signs off or returns it
    submit_report = (
        flow.View(StepView.as_view())
        .onCreate(this.step_opened)
        .Annotation(title=_("Quarterly report"))
        .Permission(perm(Step.SUBMIT_REPORT), obj=lead_unit)
        .Next(this.review_report)
    )
    review_report = (
        flow.View(StepView.as_view())
        .onCreate(this.step_opened)
        .Annotation(title=_("Monitoring group sign-off"))
        .Permission(perm(Step.REVIEW_REPORT), obj=case_project)
        .Next(this.check_report)
    )
    check_report = (
        flow.Switch()
        .Annotation(title=_("Report outcome"))
        .Case(
            this.answer_opinions,
            lambda a: _latest_report(a).status == ReportStatus.RETURNED,
        )
        .Case(this.accept_completion, lambda a: _latest_report(a).completed)
        .Default(this.check_quarter)
    )
    answer_opinions = (
        flow.View(StepView.as_view())
        .onCreate(this.step_opened)
        .Annotation(title=_("Answer opinions"))
        .Permission(perm(Step.ANSWER_OPINIONS), obj=lead_unit)
        .Next(this.review_report)
    )

    # -- monitoring group: completion and acceptance (验收)
    accept_completion = (
        flow.View(StepView.as_view())
        .onCreate(this.step_opened)
        .Annotation(title=_("Acceptance"))
        .Permission(perm(Step.ACCEPT_COMPLETION), obj=case_project)
        .Next(this.check_acceptance)
    )
    check_acceptance = (
        flow.If(lambda activation: activation.process.project.accepted_at is not None)
        .Annotation(title=_("Accepted?"))
        .Then(this.await_satisfaction)
        .Else(this.submit_report)
    )

    # -- deputies rate it at year end; released by the satisfaction vote
    await_satisfaction = (
        flow.Handle().Annotation(title=_("Satisfaction vote")).Next(this.check_band)
    )
    check_band = (
        flow.If(lambda activation: activation.process.project.band == Band.ACCOUNTABILITY)
        .Annotation(title=_("Accountability?"))
        .Then(this.record_accountability)
        .Else(this.closed)
    )
    # -- congress office: the lead unit's head explains and answers questions
    record_accountability = (
        flow.View(StepView.as_view())
        .onCreate(this.step_opened)
        .Annotation(title=_("Accountability hearing"))
        .Permission(perm(Step.RECORD_ACCOUNTABILITY), obj=case_jurisdiction)
        .Next(this.closed)
    )

    closed = flow.End().Annotation(title=_("Closed"))
    infeasible = flow.End().Annotation(title=_("Infeasible"))
    rejected = flow.End().Annotation(title=_("Rejected"))
    not_elected = flow.End().Annotation(title=_("Not elected"))

    def step_opened(self, activation):
        """Every human step, as it opens: its due date and who is told (the calendar)."""
        from core.services.calendar import step_opened

        step_opened(task=activation.task)

    def start_case(self, activation, project, actor):
        activation.process.project = project
        activation.task.owner = actor
        return activation.process
