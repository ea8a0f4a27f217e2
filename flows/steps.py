"""Which form and which service serve each human step of ProjectFlow."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from core.services import projects, supervision

from . import forms


@dataclass(frozen=True)
class StepSpec:
    form_class: type[forms.StepForm]
    perform: Callable[[Any, Any, forms.StepForm], Any]
    multipart: bool = False


def _assign_study(actor, task, form):
    return projects.project_assign_study(
        actor=actor,
        task=task,
        department=form.cleaned_data["department"],
        lead_unit=form.cleaned_data["lead_unit"],
        cooperating_units=form.cleaned_data["cooperating_units"],
        note=form.cleaned_data["note"],
    )


def _study_feasibility(actor, task, form):
    data = form.cleaned_data
    return projects.project_submit_feasibility(
        actor=actor,
        task=task,
        feasible=data["feasible"] == "yes",
        opinion=data["opinion"],
        infeasible_reason=data["infeasible_reason"],
        budget=data["budget"],
        fund_source=data["fund_source"] or None,
    )


def _review_by_party(actor, task, form):
    return projects.project_review_by_party(
        actor=actor,
        task=task,
        decision=form.cleaned_data["decision"],
        comment=form.cleaned_data["comment"],
    )


def _submit_plan(actor, task, form):
    data = form.cleaned_data
    return projects.project_submit_plan(
        actor=actor,
        task=task,
        plan_summary=data["plan_summary"],
        responsible=data["responsible"],
        budget=data["budget"],
        fund_source=data["fund_source"],
        deadline=data["deadline"],
        targets=data["targets"],
        milestones=form.milestone_rows(),
    )


def _assign_monitoring_group(actor, task, form):
    return projects.project_assign_monitoring_group(
        actor=actor, task=task, deputies=form.cleaned_data["deputies"]
    )


def _submit_report(actor, task, form):
    data = form.cleaned_data
    return supervision.report_submit(
        actor=actor,
        task=task,
        year=data["year"],
        quarter=data["quarter"],
        progress=data["progress"],
        funds_spent=data["funds_spent"],
        milestone_notes=data["milestone_notes"],
        problems=data["problems"],
        regression_reason=data["regression_reason"],
        completed=data["completed"],
        milestones_done=[int(pk) for pk in data["milestones_done"]],
        attachments=[data["attachment"]] if data.get("attachment") else [],
    )


def _review_report(actor, task, form):
    return supervision.report_review(
        actor=actor,
        task=task,
        sign_off=form.cleaned_data["decision"] == "sign_off",
        opinions=form.opinion_list(),
    )


def _answer_opinions(actor, task, form):
    return supervision.opinions_answer(
        actor=actor, task=task, answers=form.answers(), attachments=form.answer_files()
    )


def _accept_completion(actor, task, form):
    return projects.project_accept_completion(
        actor=actor,
        task=task,
        accepted=form.cleaned_data["accepted"] == "yes",
        opinion=form.cleaned_data["opinion"],
    )


def _record_accountability(actor, task, form):
    data = form.cleaned_data
    return projects.project_record_accountability(
        actor=actor,
        task=task,
        meeting_date=data["meeting_date"],
        explanation=data["explanation"],
        questions_answers=data["questions_answers"],
    )


STEPS: dict[str, StepSpec] = {
    "assign_study": StepSpec(forms.AssignStudyForm, _assign_study),
    "study_feasibility": StepSpec(forms.FeasibilityForm, _study_feasibility),
    "review_by_party": StepSpec(forms.PartyReviewForm, _review_by_party),
    "submit_plan": StepSpec(forms.PlanForm, _submit_plan),
    "assign_monitoring_group": StepSpec(forms.MonitoringGroupForm, _assign_monitoring_group),
    "submit_report": StepSpec(forms.ReportForm, _submit_report, multipart=True),
    "review_report": StepSpec(forms.ReviewReportForm, _review_report),
    "answer_opinions": StepSpec(forms.AnswerOpinionsForm, _answer_opinions, multipart=True),
    "accept_completion": StepSpec(forms.AcceptanceForm, _accept_completion),
    "record_accountability": StepSpec(forms.AccountabilityForm, _record_accountability),
}
