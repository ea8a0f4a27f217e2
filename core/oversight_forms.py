"""Forms of the supervision year's pages. They check shapes (a date, a number, a file);
the rules are the services', whose refusals are shown on the same form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.models.appraisal import FollowUpKind
from core.models.changes import ChangeKind
from core.models.inspections import InspectionBody, InspectionKind
from core.models.meetings import MeetingKind

DATE = forms.DateInput(attrs={"type": "date"})
TEXT = forms.Textarea(attrs={"rows": 4})


class MeetingPlanForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=MeetingKind.choices)
    title = forms.CharField(label=_("Title"), max_length=120)
    scheduled_on = forms.DateField(label=_("Date"), widget=DATE)
    venue = forms.CharField(label=_("Venue"), max_length=120, required=False)


class MeetingHeldForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=DATE)
    present = forms.ModelMultipleChoiceField(
        label=_("Deputies present"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    speakers = forms.CharField(label=_("Who spoke"), widget=TEXT, required=False)
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args, deputies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = deputies
        self.fields["present"].required = False


class OpinionIssueForm(forms.Form):
    project = forms.ModelChoiceField(label=_("Project"), queryset=None)
    text = forms.CharField(label=_("Review opinion"), widget=TEXT, required=False)
    due = forms.DateField(label=_("Answer due"), widget=DATE, required=False)

    def __init__(self, *args, projects=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects


class RatingForm(forms.Form):
    project = forms.ModelChoiceField(label=_("Project"), queryset=None)
    rate = forms.DecimalField(
        label=_("Satisfaction rate %"),
        max_digits=4,
        decimal_places=1,
        required=False,
        help_text=_("Three-level ballot: the share of satisfied and basically satisfied."),
    )
    mean_score = forms.DecimalField(
        label=_("Mean score"),
        max_digits=4,
        decimal_places=1,
        required=False,
        help_text=_("100-point ballot."),
    )

    def __init__(self, *args, projects=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects


class RatingSessionForm(forms.Form):
    session = forms.ModelChoiceField(label=_("Satisfaction vote"), queryset=None)

    def __init__(self, *args, sessions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = sessions


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class InspectionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=InspectionKind.choices)
    body = forms.ChoiceField(label=_("Carried out by"), choices=InspectionBody.choices)
    held_on = forms.DateField(label=_("Date"), widget=DATE)
    title = forms.CharField(label=_("Title"), max_length=120, required=False)
    projects = forms.ModelMultipleChoiceField(
        label=_("Projects"), queryset=None, widget=forms.CheckboxSelectMultiple, required=False
    )
    deputies = forms.ModelMultipleChoiceField(
        label=_("Deputies who went"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    others = forms.CharField(label=_("Others who went"), max_length=300, required=False)
    findings = forms.CharField(
        label=_("What they found"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    photos = MultiplePhotoField(label=_("Photos"), required=False)
    caption = forms.CharField(label=_("Photo caption"), max_length=200, required=False)

    def __init__(self, *args, projects=None, deputies=None, bodies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["projects"].queryset = projects
        self.fields["deputies"].queryset = deputies
        self.fields["body"].choices = [(b.value, b.label) for b in bodies]


class PhotoForm(forms.Form):
    photo = forms.FileField(
        label=_("Photo"), widget=forms.ClearableFileInput(attrs={"accept": "image/*"})
    )
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), widget=TEXT, required=False)


class CheckForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Check"),
        choices=[("accept", _("Accept the answer")), ("return", _("Return the answer"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), widget=TEXT, required=False)
    new_due = forms.DateField(label=_("New answer due"), widget=DATE, required=False)


class ChangeProposeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Change"), choices=ChangeKind.choices)
    reason = forms.CharField(label=_("Reason"), widget=TEXT, required=False)
    new_content = forms.CharField(label=_("New content"), widget=TEXT, required=False)
    new_targets = forms.CharField(label=_("New targets"), widget=TEXT, required=False)
    new_budget = forms.DecimalField(
        label=_("New budget (10k yuan)"), max_digits=12, decimal_places=2, required=False
    )
    new_deadline = forms.DateField(label=_("New deadline"), widget=DATE, required=False)
    replacement = forms.ModelChoiceField(label=_("Replaced by"), queryset=None, required=False)

    def __init__(self, *args, replacements=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["replacement"].queryset = replacements


class ChangeDecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approved")), ("reject", _("Not approved"))],
        widget=forms.RadioSelect,
    )
    decided_on = forms.DateField(label=_("Decided on"), widget=DATE, required=False)
    note = forms.CharField(label=_("Decision"), widget=TEXT, required=False)


class PhaseForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    targets = forms.CharField(label=_("Targets"), widget=TEXT, required=False)
    budget = forms.DecimalField(
        label=_("Budget (10k yuan)"), max_digits=12, decimal_places=2, required=False
    )
    deadline = forms.DateField(label=_("Deadline"), widget=DATE, required=False)


class UnfinishedRatingForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    rated_on = forms.DateField(label=_("Rated on"), widget=DATE)
    rate = forms.DecimalField(
        label=_("Satisfaction rate %"), max_digits=4, decimal_places=1, required=False
    )
    mean_score = forms.DecimalField(
        label=_("Mean score"), max_digits=4, decimal_places=1, required=False
    )


class FollowUpForm(forms.Form):
    kind = forms.ChoiceField(label=_("Follow-up"), choices=FollowUpKind.choices)
    decided_on = forms.DateField(label=_("Decided on"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), widget=TEXT, required=False)
    proposers = forms.CharField(label=_("Moved by"), max_length=300, required=False)


class AppraisalIssueForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
