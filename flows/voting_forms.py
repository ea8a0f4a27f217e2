"""Forms of the voting pages: sessions, rules, slate, attendance, paper counts, receipts.

The ballot itself is not a Django form: its fields are the slate's candidates, read by
the ballot view and checked by the service, which refuses anything tampered with.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from core import messages as vm
from core.models.meetings import RatingPurpose
from core.models.voting import SessionKind, SessionMethod
from core.voting.rules import (
    APPROVE_ONLY,
    FOR_AGAINST_ABSTAIN,
    INCLUDE_ALL,
    MAJORITY_OF_ALL,
    MAJORITY_OF_PRESENT,
    NO_THRESHOLD,
    RUNOFF,
    SCORE_100,
    THREE_LEVEL,
)

MODE_CHOICES = [
    (FOR_AGAINST_ABSTAIN, _("For / against / abstain")),
    (APPROVE_ONLY, _("Approve only")),
]
THRESHOLD_CHOICES = [
    (MAJORITY_OF_ALL, _("More than half of all deputies")),
    (MAJORITY_OF_PRESENT, _("More than half of the deputies present")),
    (NO_THRESHOLD, _("No floor")),
]
TIE_CHOICES = [
    (INCLUDE_ALL, _("Elect every tied candidate")),
    (RUNOFF, _("Hold a runoff among the tied candidates")),
]
SCALE_CHOICES = [
    (THREE_LEVEL, _("Satisfied / basically satisfied / unsatisfied")),
    (SCORE_100, _("Score out of 100")),
]
DIFFERENTIAL_HELP = _(
    "A ratio of (candidates − projects to elect) / projects to elect: 0.2 is 20 %."
)
MAX_APPROVALS_FOLLOWED = _(
    "The most approvals on one ballot followed the projects to elect: now %(n)d."
)


def _number(value):
    return int(value) if value == int(value) else float(value)


# No congress elects more projects in one vote, nor puts up more than ten candidates a
# seat: beyond these a number is a typing error (and the guidance's arithmetic stays small).
MAX_SEATS = 100
MAX_DIFFERENTIAL = 10


def _ratio_field(label, initial, required: bool):
    return forms.DecimalField(
        label=label,
        min_value=0,
        max_value=MAX_DIFFERENTIAL,
        max_digits=6,
        decimal_places=3,
        initial=initial,
        required=required,
        help_text=DIFFERENTIAL_HELP,
    )


def _differential_fields(required: bool = True):
    return (
        _ratio_field(_("Differential ratio: at least"), 0.2, required),
        _ratio_field(_("Differential ratio: at most"), 0.5, required),
    )


def _check_differential_order(form, data) -> None:
    low, high = data.get("differential_min"), data.get("differential_max")
    if low is not None and high is not None and low > high:
        form.add_error("differential_max", vm.DIFFERENTIAL_MIN_ABOVE_MAX)


DECISION_CHOICES = [("approve", _("Approve the slate")), ("return", _("Return for revision"))]


class SessionCreateForm(forms.Form):
    jurisdiction = forms.ChoiceField(label=_("Jurisdiction"))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label=_("Kind"), choices=SessionKind.choices)
    purpose = forms.ChoiceField(
        label=_("Rating"),
        choices=RatingPurpose.choices,
        initial=RatingPurpose.YEAR_END,
        required=False,
        help_text=_("Satisfaction vote only: a mid-year rating rates the projects under way."),
    )
    method = forms.ChoiceField(label=_("Method"), choices=SessionMethod.choices)
    title = forms.CharField(label=_("Title"), max_length=120, required=False)
    seats = forms.IntegerField(
        label=_("Projects to elect"),
        min_value=1,
        max_value=MAX_SEATS,
        required=False,
        help_text=_("Project vote only; the other rules can be set on the next page."),
    )
    differential_min, differential_max = _differential_fields(required=False)

    def __init__(self, *args, jurisdictions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.jurisdictions = {j.code: j for j in jurisdictions}
        self.fields["jurisdiction"].choices = [(j.code, j.name) for j in jurisdictions]

    def clean(self):
        data = super().clean()
        if data.get("kind") == SessionKind.SELECTION and not data.get("seats"):
            self.add_error("seats", _("Give the number of projects to elect."))
        _check_differential_order(self, data)
        return data

    def rules(self) -> dict:
        """The rules given on creation: a project vote's seats and differential."""
        data = self.cleaned_data
        if data["kind"] != SessionKind.SELECTION:
            return {}
        rules = {"seats": data["seats"]}
        low, high = data.get("differential_min"), data.get("differential_max")
        if low is not None or high is not None:
            rules["differential"] = [
                _number(low if low is not None else 0.2),
                _number(high if high is not None else 0.5),
            ]
        return rules


class SelectionRulesForm(forms.Form):
    seats = forms.IntegerField(label=_("Projects to elect"), min_value=1, max_value=MAX_SEATS)
    differential_min, differential_max = _differential_fields()
    mode = forms.ChoiceField(label=_("Marks"), choices=MODE_CHOICES)
    max_approvals = forms.IntegerField(
        label=_("Most approvals on one ballot"),
        min_value=1,
        required=False,
        help_text=_("Blank: the number of projects to elect."),
    )
    min_per_category = forms.BooleanField(
        label=_("Each ballot must approve at least one project of every category"),
        required=False,
    )
    threshold = forms.ChoiceField(label=_("Votes needed to be elected"), choices=THRESHOLD_CHOICES)
    tie_policy = forms.ChoiceField(label=_("Tie across the last seat"), choices=TIE_CHOICES)
    tellers_needed = forms.IntegerField(
        label=_("Tellers needed to open the ballots"),
        min_value=2,
        max_value=9,
        initial=2,
        help_text=_(
            "Any this many of the session's tellers, together, can open the sealed ballots; "
            "one more teller than this must set a key before voting opens."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.notes: list[str] = []

    def clean(self):
        data = super().clean()
        _check_differential_order(self, data)
        self._follow_seats(data)
        return data

    def _follow_seats(self, data) -> None:
        """Most approvals follows the seats: when it was the old number of projects to
        elect (or blank) and the seats change, it becomes the new number, and says so."""
        old_seats, new_seats = self.initial.get("seats"), data.get("seats")
        if not old_seats or not new_seats or old_seats == new_seats:
            return
        old_max = self.initial.get("max_approvals") or old_seats
        given = data.get("max_approvals")
        if old_max == old_seats and given in (None, old_seats):
            data["max_approvals"] = new_seats
            self.notes.append(str(MAX_APPROVALS_FOLLOWED % {"n": new_seats}))

    def rules(self) -> dict:
        data = self.cleaned_data
        number = _number
        return {
            "seats": data["seats"],
            "differential": [number(data["differential_min"]), number(data["differential_max"])],
            "mode": data["mode"],
            "max_approvals": data["max_approvals"],
            "min_per_category": 1 if data["min_per_category"] else 0,
            "threshold": data["threshold"],
            "tie_policy": data["tie_policy"],
        }

    @classmethod
    def initial_from(cls, session) -> dict:
        rules = session.rules
        initial = {k: rules.get(k) for k in ("seats", "mode", "threshold", "tie_policy")}
        initial["differential_min"], initial["differential_max"] = rules.get(
            "differential", [0.2, 0.5]
        )
        # Blank when it is the number of projects to elect, so that it keeps following it.
        most = rules.get("max_approvals")
        initial["max_approvals"] = None if most == rules.get("seats") else most
        initial["min_per_category"] = bool(rules.get("min_per_category"))
        initial["tellers_needed"] = session.tellers_needed
        return initial


class SatisfactionRulesForm(forms.Form):
    scale = forms.ChoiceField(label=_("Scale"), choices=SCALE_CHOICES)
    commend_at = forms.DecimalField(
        label=_("Commended at or above"), min_value=0, max_value=100, decimal_places=1
    )
    account_below = forms.DecimalField(
        label=_("Accountability below"), min_value=0, max_value=100, decimal_places=1
    )
    tellers_needed = SelectionRulesForm.base_fields["tellers_needed"]

    def clean(self):
        data = super().clean()
        commend_at, account_below = data.get("commend_at"), data.get("account_below")
        if commend_at is not None and account_below is not None and account_below > commend_at:
            self.add_error("account_below", vm.ACCOUNT_BELOW_ABOVE_COMMEND)
        return data

    def rules(self) -> dict:
        data = self.cleaned_data
        number = _number
        return {
            "scale": data["scale"],
            "commend_at": number(data["commend_at"]),
            "account_below": number(data["account_below"]),
        }

    @classmethod
    def initial_from(cls, session) -> dict:
        return {**session.rules, "tellers_needed": session.tellers_needed}


class SlateForm(forms.Form):
    projects = forms.MultipleChoiceField(
        label=_("Projects on the slate"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, projects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.projects = {str(p.pk): p for p in projects}
        self.fields["projects"].choices = [
            (str(p.pk), f"{p.title} · {p.category}") for p in projects
        ]

    def chosen(self):
        return [self.projects[pk] for pk in self.cleaned_data["projects"]]


class ApproveSlateForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=DECISION_CHOICES, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comments"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class AttendanceForm(forms.Form):
    present = forms.MultipleChoiceField(
        label=_("Deputies present"), widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args, deputies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.deputies = {str(d.pk): d for d in deputies}
        self.fields["present"].choices = [
            (str(d.pk), f"{d.name}{' · ' + d.delegation if d.delegation else ''}") for d in deputies
        ]

    def chosen(self):
        return [self.deputies[pk] for pk in self.cleaned_data["present"]]


class PaperEntryForm(forms.Form):
    """One teller's count: ballots returned and invalid, and per candidate the marks."""

    ballots_returned = forms.IntegerField(label=_("Ballots returned"), min_value=0)
    ballots_invalid = forms.IntegerField(label=_("Invalid ballots"), min_value=0)

    def __init__(self, *args, candidates=(), approve_only=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = list(candidates)
        self.marks = ("yes",) if approve_only else ("yes", "no", "abstain")
        labels = {"yes": _("For"), "no": _("Against"), "abstain": _("Abstain")}
        self.rows = []
        for candidate in self.candidates:
            names = []
            for mark in self.marks:
                name = f"c_{candidate.ballot_id}_{mark}"
                self.fields[name] = forms.IntegerField(
                    label=f"{candidate.project.title} · {labels[mark]}", min_value=0, initial=0
                )
                names.append(name)
            self.rows.append((candidate, names))

    def row_fields(self):
        return [(candidate, [self[name] for name in names]) for candidate, names in self.rows]

    def counts(self) -> dict:
        data = self.cleaned_data
        return {
            c.ballot_id: {mark: data[f"c_{c.ballot_id}_{mark}"] for mark in self.marks}
            for c in self.candidates
        }


class TrackerForm(forms.Form):
    tracker = forms.CharField(
        label=_("Ballot tracker"),
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class TellerKeyForm(forms.Form):
    passphrase = forms.CharField(
        label=_("Counting passphrase"),
        max_length=200,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "At least 10 characters, known only to you. It is not stored: without it (or "
            "enough other tellers) the ballots cannot be opened."
        ),
    )
    confirm = forms.CharField(
        label=_("The passphrase again"),
        max_length=200,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class CountForm(forms.Form):
    """One passphrase field per teller of the session; the tellers present type theirs."""

    def __init__(self, *args, tellers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.tellers = list(tellers)
        for key in self.tellers:
            self.fields[f"t_{key.teller_id}"] = forms.CharField(
                label=key.teller.get_full_name() or key.teller.username,
                max_length=200,
                strip=False,
                required=False,
                widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
            )

    def passphrases(self) -> dict[int, str]:
        return {
            key.teller_id: self.cleaned_data[f"t_{key.teller_id}"]
            for key in self.tellers
            if self.cleaned_data.get(f"t_{key.teller_id}")
        }


class PaperFallbackForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the ballots are counted on paper"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
