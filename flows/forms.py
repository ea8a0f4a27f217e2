"""The forms of the case's human steps. Each validates input; the service decides."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core import messages
from core.models import Deputy, Office, OfficeKind, PartyDecision
from core.selectors.calendar import next_report_period

# How many opinions a returned report can carry in one go (each its own field).
OPINION_FIELDS = 5

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class DateInput(forms.DateInput):
    input_type = "date"


def departments_of(project):
    return Office.objects.filter(jurisdiction=project.jurisdiction, kind=OfficeKind.DEPARTMENT)


class StepForm(forms.Form):
    """A step form knows the case it is filled in for."""

    def __init__(self, *args, project, task=None, **kwargs):
        self.project = project
        self.task = task
        super().__init__(*args, **kwargs)


class AssignStudyForm(StepForm):
    department = forms.ModelChoiceField(
        label=_("Studying department"), queryset=Office.objects.none()
    )
    lead_unit = forms.ModelChoiceField(
        label=_("Proposed lead unit"),
        queryset=Office.objects.none(),
        required=False,
        help_text=_("Defaults to the studying department."),
    )
    cooperating_units = forms.ModelMultipleChoiceField(
        label=_("Cooperating units"),
        queryset=Office.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("department", "lead_unit", "cooperating_units"):
            self.fields[name].queryset = departments_of(self.project)


class FeasibilityForm(StepForm):
    feasible = forms.ChoiceField(label=_("Feasible?"), choices=YES_NO, widget=forms.RadioSelect)
    opinion = forms.CharField(
        label=_("Study opinion"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    infeasible_reason = forms.CharField(
        label=_("Reason it is infeasible"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Required when infeasible; shown to the proposers."),
    )
    budget = forms.DecimalField(
        label=_("Estimated budget (10k yuan)"), required=False, max_digits=12, decimal_places=2
    )
    fund_source = forms.CharField(label=_("Fund source"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.update(budget=self.project.budget, fund_source=self.project.fund_source)

    def clean(self):
        data = super().clean()
        if data.get("feasible") == "no" and not (data.get("infeasible_reason") or "").strip():
            self.add_error("infeasible_reason", messages.REASON_REQUIRED_WHEN_INFEASIBLE)
        if data.get("budget") is not None and data["budget"] < 0:
            self.add_error("budget", messages.BUDGET_NEGATIVE)
        return data


class PartyReviewForm(StepForm):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=PartyDecision.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comments"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("Required when returning or rejecting."),
    )

    def clean(self):
        data = super().clean()
        if (
            data.get("decision") in (PartyDecision.RETURNED, PartyDecision.REJECTED)
            and not (data.get("comment") or "").strip()
        ):
            self.add_error("comment", messages.COMMENT_REQUIRED_WHEN_RETURNED)
        return data


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=120, required=False)
    due = forms.DateField(label=_("Due"), required=False, widget=DateInput)

    def clean(self):
        data = super().clean()
        if bool(data.get("title")) != bool(data.get("due")) and not self.errors:
            raise ValidationError(_("Give both the milestone and its date."))
        return data


MilestoneFormSet = forms.formset_factory(MilestoneForm, extra=5, max_num=30)


class PlanForm(StepForm):
    plan_summary = forms.CharField(
        label=_("Implementation plan"), widget=forms.Textarea(attrs={"rows": 5})
    )
    targets = forms.CharField(label=_("Targets"), widget=forms.Textarea(attrs={"rows": 3}))
    responsible = forms.CharField(label=_("Responsible person"), max_length=50)
    budget = forms.DecimalField(label=_("Budget (10k yuan)"), max_digits=12, decimal_places=2)
    fund_source = forms.CharField(label=_("Fund source"), max_length=200)
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        data = args[0] if args else kwargs.get("data")
        self.milestones = MilestoneFormSet(data, prefix="milestones")
        if not self.is_bound:
            self.initial.update(
                budget=self.project.budget,
                fund_source=self.project.fund_source,
                targets=self.project.targets,
            )

    def clean_budget(self):
        budget = self.cleaned_data["budget"]
        if budget < 0:
            raise ValidationError(messages.BUDGET_NEGATIVE)
        return budget

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if self.project.voted_on and deadline < self.project.voted_on:
            raise ValidationError(messages.DEADLINE_BEFORE_VOTE)
        return deadline

    def is_valid(self):
        valid = super().is_valid()
        return self.milestones.is_valid() and valid

    def milestone_rows(self):
        return [
            (f.cleaned_data["title"], f.cleaned_data["due"])
            for f in self.milestones.forms
            if f.cleaned_data.get("title") and f.cleaned_data.get("due")
        ]


class MonitoringGroupForm(StepForm):
    deputies = forms.ModelMultipleChoiceField(
        label=_("Deputies"), queryset=Deputy.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputies"].queryset = Deputy.objects.filter(
            jurisdiction=self.project.jurisdiction, active=True
        )
        self.fields["deputies"].label_from_instance = lambda d: (
            f"{d.name}（{d.expertise}）" if d.expertise else d.name
        )


class ReportForm(StepForm):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=_("Quarter"), coerce=int, choices=[(q, f"Q{q}") for q in (1, 2, 3, 4)]
    )
    progress = forms.IntegerField(label=_("Progress %"), min_value=0)
    funds_spent = forms.DecimalField(
        label=_("Funds spent to date (10k yuan)"), max_digits=12, decimal_places=2
    )
    milestones_done = forms.MultipleChoiceField(
        label=_("Milestones reached"), required=False, widget=forms.CheckboxSelectMultiple
    )
    milestone_notes = forms.CharField(
        label=_("Milestone status"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    problems = forms.CharField(
        label=_("Problems"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    regression_reason = forms.CharField(
        label=_("Reason progress went back"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    completed = forms.BooleanField(
        label=_("The project is complete: request acceptance"), required=False
    )
    attachment = forms.FileField(label=_("Attachment"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["milestones_done"].choices = [
            (str(m.pk), f"{m.due:%Y-%m-%d} {m.title}")
            for m in self.project.milestones.exclude(status="done")
        ]
        if not self.is_bound:
            year, quarter = next_report_period(self.project)
            self.initial.update(
                year=year,
                quarter=quarter,
                progress=self.project.progress,
                funds_spent=self.project.funds_spent,
            )

    def clean(self):
        data = super().clean()
        progress = data.get("progress")
        if progress is not None:
            if progress > 100:
                self.add_error("progress", messages.PROGRESS_OVER_100)
            elif (
                progress < self.project.progress
                and not (data.get("regression_reason") or "").strip()
            ):
                self.add_error("regression_reason", messages.PROGRESS_BACKWARDS_NEEDS_REASON)
            if data.get("completed") and progress != 100:
                self.add_error("completed", messages.COMPLETION_NEEDS_100)
        if data.get("funds_spent") is not None and data["funds_spent"] < 0:
            self.add_error("funds_spent", messages.FUNDS_NEGATIVE)
        return data


class ReviewReportForm(StepForm):
    """The monitoring group signs off or returns the report; each opinion is its own
    field, so each is answered on its own."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[("sign_off", _("Sign off")), ("return", _("Return with opinions"))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, OPINION_FIELDS + 1):
            self.fields[f"opinion_{n}"] = forms.CharField(
                label=_("Opinion %(n)s") % {"n": n},
                widget=forms.Textarea(attrs={"rows": 2 if n > 1 else 3}),
                required=False,
                help_text=_("One opinion per field; the lead unit answers each.") if n == 1 else "",
            )

    def opinion_list(self) -> list[str]:
        texts = (self.cleaned_data.get(f"opinion_{n}") for n in range(1, OPINION_FIELDS + 1))
        return [t.strip() for t in texts if t and t.strip()]

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not self.opinion_list():
            self.add_error("opinion_1", messages.OPINION_REQUIRED_WHEN_RETURNED)
        return data


class AnswerOpinionsForm(StepForm):
    """One answer, and optionally one file, for each open opinion."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        report = self.project.reports.order_by("-submitted_at", "-pk").first()
        self.open_opinions = (
            list(report.opinions.filter(answered_at__isnull=True)) if report else []
        )
        for n, opinion in enumerate(self.open_opinions, start=1):
            self.fields[f"answer_{opinion.pk}"] = forms.CharField(
                label=_("Answer to opinion %(n)s: %(text)s") % {"n": n, "text": opinion.text},
                widget=forms.Textarea(attrs={"rows": 3}),
                error_messages={"required": messages.ANSWER_EVERY_OPINION},
            )
            self.fields[f"file_{opinion.pk}"] = forms.FileField(
                label=_("Attachment for opinion %(n)s") % {"n": n}, required=False
            )

    def answers(self):
        return {o.pk: self.cleaned_data.get(f"answer_{o.pk}", "") for o in self.open_opinions}

    def answer_files(self):
        return {
            o.pk: self.cleaned_data[f"file_{o.pk}"]
            for o in self.open_opinions
            if self.cleaned_data.get(f"file_{o.pk}")
        }


class AcceptanceForm(StepForm):
    accepted = forms.ChoiceField(
        label=_("Accept the project?"),
        widget=forms.RadioSelect,
        choices=[("yes", _("Accept")), ("no", _("Not yet: rectification needed"))],
    )
    opinion = forms.CharField(
        label=_("Acceptance opinion"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("accepted") == "no" and not (data.get("opinion") or "").strip():
            self.add_error("opinion", messages.ACCEPTANCE_NEEDS_OPINION)
        return data


class AccountabilityForm(StepForm):
    meeting_date = forms.DateField(label=_("Standing committee meeting"), widget=DateInput)
    explanation = forms.CharField(
        label=_("Explanation by the lead unit's head"), widget=forms.Textarea(attrs={"rows": 5})
    )
    questions_answers = forms.CharField(
        label=_("Questions asked and answers given"), widget=forms.Textarea(attrs={"rows": 5})
    )
