"""Forms of the office pages outside the case steps: suggestions, registration, votes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core import messages
from core.models import Category, Channel, RouteLevel, Suggestion, SuggestionStatus

# The longest free text a form takes (a suggestion, a comment, a note): a page or two.
LONG_TEXT_MAX = 5000


class SuggestionForm(forms.Form):
    """A clerk enters a suggestion received on paper, by hotline or at a liaison station."""

    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    title = forms.CharField(label=_("Title"), max_length=120)
    text = forms.CharField(
        label=_("Suggestion"), max_length=LONG_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 5})
    )
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.filter(active=True), required=False
    )
    proposer_name = forms.CharField(label=_("Proposer"), max_length=50)
    proposer_contact = forms.CharField(label=_("Contact"), max_length=100, required=False)


class PublicSuggestionForm(forms.Form):
    jurisdiction = forms.ChoiceField(label=_("Where"))
    title = forms.CharField(label=_("Title"), max_length=120)
    text = forms.CharField(
        label=_("Your suggestion"),
        max_length=LONG_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.filter(active=True), required=False
    )
    proposer_name = forms.CharField(label=_("Your name"), max_length=50)
    proposer_contact = forms.CharField(
        label=_("Phone or e-mail (not published)"), max_length=100, required=False
    )
    # Spam trap: a field people never see; bots fill it in.
    website = forms.CharField(
        required=False,
        widget=forms.TextInput(
            attrs={
                "tabindex": "-1",
                "autocomplete": "off",
                "class": "trap",
                "aria-hidden": "true",
            }
        ),
    )

    def __init__(self, *args, jurisdictions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].choices = [(j.code, j.name) for j in jurisdictions]

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("Your submission looks automated."))
        return ""


def default_route_level(jurisdiction) -> str:
    """Where a suggestion usually goes: a county's up to the county, a township's or a
    street's to the township or street itself."""
    from core.models import Level

    return RouteLevel.DISTRICT if jurisdiction.level == Level.COUNTY else RouteLevel.STREET


class RouteForm(forms.Form):
    level = forms.ChoiceField(label=_("Route to"), choices=RouteLevel.choices)
    community = forms.ModelChoiceField(
        label=_("Community (for a micro-matter)"), queryset=None, required=False
    )
    township = forms.ModelChoiceField(
        label=_("Township or street (for a county's suggestion)"), queryset=None, required=False
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=LONG_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("The proposer reads it on the receipt page."),
    )

    def __init__(self, *args, jurisdiction, **kwargs):
        from core.models import Community, Jurisdiction

        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = Community.objects.filter(
            jurisdiction__path__startswith=jurisdiction.path
        ).select_related("jurisdiction")
        self.fields["township"].queryset = Jurisdiction.objects.filter(
            parent=jurisdiction, level__in=["township", "street"]
        )
        if not self.fields["township"].queryset.exists():
            del self.fields["township"]


class RegisterProjectForm(forms.Form):
    suggestions = forms.ModelMultipleChoiceField(
        label=_("Source suggestions"),
        queryset=Suggestion.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": messages.SUGGESTIONS_REQUIRED},
    )
    title = forms.CharField(label=_("Project title"), max_length=120)
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.filter(active=True)
    )
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=LONG_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    content = forms.CharField(
        label=_("Content"),
        max_length=LONG_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    budget = forms.DecimalField(
        label=_("Estimated budget (10k yuan)"), required=False, max_digits=12, decimal_places=2
    )
    fund_source = forms.CharField(label=_("Fund source"), max_length=200, required=False)

    def __init__(self, *args, jurisdiction, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["suggestions"].queryset = Suggestion.objects.filter(
            jurisdiction=jurisdiction,
            status__in=[SuggestionStatus.RECEIVED, SuggestionStatus.ACCEPTED],
        ).order_by("-created")
        self.fields["suggestions"].label_from_instance = lambda s: f"{s.receipt_code} · {s.title}"
        chosen = self.initial.get("suggestions")
        if not self.is_bound and chosen:
            queryset = self.fields["suggestions"].queryset.filter(pk__in=chosen)
            self._prefill(list(queryset.order_by("created", "pk")))

    def _prefill(self, chosen) -> None:
        """A project registered from suggestions starts with what they say."""
        if not chosen:
            return
        first = chosen[0]
        self.initial.setdefault("title", first.title)
        if first.category_id:
            self.initial.setdefault("category", first.category_id)
        self.initial.setdefault("reason", "\n\n".join(s.text for s in chosen))
        places = [s.location for s in chosen if s.location]
        if places:
            self.initial.setdefault("location", "、".join(dict.fromkeys(places)))
        # A suggestion's year is the year it is collected for: the project's year.
        self.initial.setdefault("year", first.year)

    def clean_budget(self):
        budget = self.cleaned_data.get("budget")
        if budget is not None and budget < 0:
            raise forms.ValidationError(messages.BUDGET_NEGATIVE)
        return budget


class SatisfactionForm(forms.Form):
    rate = forms.DecimalField(
        label=_("Satisfaction rate %"), min_value=0, max_value=100, decimal_places=1
    )


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Comment"), max_length=LONG_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )


class AttachmentForm(forms.Form):
    attachment = forms.FileField(label=_("File"))


class RoleGrantForm(forms.Form):
    """Grant a role in a jurisdiction below one's own (or, for an administrator, any)."""

    username = forms.CharField(label=_("Login of the person"), max_length=150)
    role = forms.ChoiceField(label=_("Role"))
    jurisdiction = forms.ChoiceField(label=_("Jurisdiction"))
    office = forms.CharField(
        label=_("Office code (departments only)"), max_length=30, required=False
    )
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def __init__(self, *args, jurisdictions=(), **kwargs):
        from permissions.roles import ROLE_CHOICES

        super().__init__(*args, **kwargs)
        self.jurisdictions = {j.code: j for j in jurisdictions}
        self.fields["jurisdiction"].choices = [(j.code, j.name) for j in jurisdictions]
        self.fields["role"].choices = ROLE_CHOICES

    def clean_username(self):
        from django.contrib.auth.models import User

        user = User.objects.filter(username=self.cleaned_data["username"].strip()).first()
        if user is None:
            raise forms.ValidationError(_("No one has this login."))
        return user

    def clean(self):
        from core.models import Office

        data = super().clean()
        data["user"] = data.get("username")
        data["jurisdiction"] = self.jurisdictions.get(data.get("jurisdiction"))
        code = (data.get("office") or "").strip()
        data["office"] = None
        if code:
            data["office"] = Office.objects.filter(
                code=code, jurisdiction=data["jurisdiction"]
            ).first()
            if data["office"] is None:
                self.add_error("office", _("No office of this jurisdiction has this code."))
        return data


class RoleRevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)
