"""Forms of the deputies' area: a deputy's suggestion, the point table, the community's
answer, the special collection upload, merging a group, comments and pre-deliberation."""

import csv
import io
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from core import deputies_messages as dm
from core.models import Category, Stance
from core.selectors.duty import DUTY_SOURCES
from core.services.suggestions import TEXT_LIMIT

UPLOAD_LIMIT = 2 * 1024 * 1024


class DeputySuggestionForm(forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=120, error_messages={"required": dm.SUGGESTION_EMPTY}
    )
    text = forms.CharField(
        label=_("Suggestion"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": dm.SUGGESTION_EMPTY},
    )
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.filter(active=True), required=False
    )

    def clean_text(self):
        text = self.cleaned_data["text"]
        if len(text) > TEXT_LIMIT:
            raise forms.ValidationError(dm.SUGGESTION_TOO_LONG % {"limit": TEXT_LIMIT})
        return text


class PointTableForm(forms.Form):
    """One number per item of the duty record (DUTY_SOURCES)."""

    def __init__(self, *args, table: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for source in DUTY_SOURCES:
            self.fields[source.code] = forms.CharField(
                label=source.label,
                initial=table.get(source.code),
                widget=forms.TextInput(attrs={"inputmode": "decimal"}),
            )

    def clean(self):
        cleaned = super().clean()
        for source in DUTY_SOURCES:
            value = (cleaned.get(source.code) or "").strip()
            try:
                number = Decimal(value)
            except InvalidOperation:
                number = None
            if number is None or not number.is_finite() or number < 0:
                self.add_error(source.code, dm.POINTS_NEGATIVE % {"source": source.label})
            else:
                cleaned[source.code] = number
        return cleaned


class HandleForm(forms.Form):
    note = forms.CharField(
        label=_("What was done"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": dm.HANDLED_NEEDS_NOTE},
    )


class SpecialCollectionForm(forms.Form):
    """The government office's list of the year's largest investment projects."""

    COLUMNS = {
        "项目名称": "title",
        "title": "title",
        "建设内容": "text",
        "text": "text",
        "建设地点": "location",
        "location": "location",
        "总投资（万元）": "investment",
        "总投资(万元)": "investment",
        "investment": "investment",
        "责任单位": "unit",
        "unit": "unit",
    }

    year = forms.IntegerField(label=_("For the year"), min_value=2000, max_value=2100)
    file = forms.FileField(
        label=_("List of investment projects (.xlsx or .csv)"),
        help_text=_("Columns: 项目名称, 建设内容, 建设地点, 总投资（万元）, 责任单位."),
    )

    def _table(self, upload) -> list[list]:
        name = upload.name.lower()
        if upload.size > UPLOAD_LIMIT:
            raise forms.ValidationError(dm.SPECIAL_BAD_FILE)
        data = upload.read()
        try:
            if name.endswith(".csv"):
                text = data.decode("utf-8-sig")
                return [row for row in csv.reader(io.StringIO(text))]
            if name.endswith(".xlsx"):
                from openpyxl import load_workbook

                sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
                return [list(row) for row in sheet.iter_rows(values_only=True)]
        except Exception:  # a corrupt workbook raises anything from zipfile to KeyError
            raise forms.ValidationError(dm.SPECIAL_BAD_FILE)
        raise forms.ValidationError(dm.SPECIAL_BAD_FILE)

    def clean_file(self):
        table = self._table(self.cleaned_data["file"])
        if not table:
            raise forms.ValidationError(dm.SPECIAL_NO_ROWS)
        header = [self.COLUMNS.get(str(c or "").strip()) for c in table[0]]
        if "title" not in header:
            raise forms.ValidationError(dm.SPECIAL_BAD_FILE)
        rows, errors = [], []
        for number, raw in enumerate(table[1:], start=2):
            if not any(str(c or "").strip() for c in raw):
                continue
            row = {key: raw[i] if i < len(raw) else None for i, key in enumerate(header) if key}
            amount = row.get("investment")
            if amount in (None, ""):
                row["investment"] = None
            else:
                try:
                    row["investment"] = Decimal(str(amount).replace(",", "")).quantize(
                        Decimal("0.01")
                    )
                except InvalidOperation:
                    errors.append(
                        dm.SPECIAL_ROW_ERROR % {"row": number, "error": dm.SPECIAL_BAD_INVESTMENT}
                    )
                    continue
            for key in ("title", "text", "location", "unit"):
                row[key] = str(row.get(key) or "").strip()
            rows.append(row)
        if errors:
            raise forms.ValidationError(errors)
        return rows


class MergeForm(forms.Form):
    suggestions = forms.TypedMultipleChoiceField(
        coerce=int, choices=(), widget=forms.MultipleHiddenInput
    )
    title = forms.CharField(label=_("Project title"), max_length=120)
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.filter(active=True)
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["suggestions"].choices = [(pk, pk) for pk in choices]
        self.fields["suggestions"].error_messages["required"] = dm.MERGE_NEEDS_TWO


class CandidateCommentForm(forms.Form):
    author_name = forms.CharField(label=_("Your name"), max_length=50)
    author_contact = forms.CharField(
        label=_("Phone or e-mail (not published)"), max_length=100, required=False
    )
    text = forms.CharField(label=_("Your comment"), widget=forms.Textarea(attrs={"rows": 3}))


class DeputyCommentForm(forms.Form):
    text = forms.CharField(label=_("Your comment"), widget=forms.Textarea(attrs={"rows": 3}))


class ModerateForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("publish", _("Publish")), ("reject", _("Do not publish"))]
    )
    note = forms.CharField(label=_("Reason"), max_length=200, required=False)


class DelegationReviewForm(forms.Form):
    delegation = forms.ChoiceField(label=_("Delegation"))
    held_on = forms.DateField(label=_("Held on"), widget=forms.DateInput(attrs={"type": "date"}))
    present = forms.IntegerField(label=_("Deputies present"), min_value=1, max_value=500)
    stance = forms.ChoiceField(label=_("Stance"), choices=Stance.choices)
    opinions = forms.CharField(
        label=_("Opinions"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    def __init__(self, *args, delegations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delegation"].choices = [(d, d) for d in delegations]


class StationForm(forms.Form):
    code = forms.SlugField(
        label=_("Code (in the QR code's address)"),
        max_length=30,
        help_text=_("Lower-case letters, digits and - only, e.g. qh-dh-zx."),
    )
    name = forms.CharField(label=_("Name"), max_length=100)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    reception_hours = forms.CharField(label=_("Reception hours"), max_length=100, required=False)
    deputies = forms.ModelMultipleChoiceField(
        label=_("Deputies receiving here"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, jurisdiction, **kwargs):
        from core.models import Deputy

        super().__init__(*args, **kwargs)
        self.fields["deputies"].queryset = Deputy.objects.filter(
            jurisdiction=jurisdiction, active=True
        ).order_by("name")


class CommunityForm(forms.Form):
    name = forms.CharField(label=_("Community or village"), max_length=100)
    handler = forms.ModelChoiceField(label=_("Handler"), queryset=None, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)

    def __init__(self, *args, jurisdiction, **kwargs):
        from django.contrib.auth.models import User

        from permissions.roles import Role

        super().__init__(*args, **kwargs)
        self.fields["handler"].queryset = User.objects.filter(
            role_assignments__role=Role.COMMUNITY_HANDLER,
            role_assignments__jurisdiction=jurisdiction,
            is_active=True,
        ).order_by("username")
        self.fields["handler"].label_from_instance = lambda u: u.get_full_name() or u.username
