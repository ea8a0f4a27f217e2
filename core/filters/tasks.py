"""Filters of the inbox and the queue: by step, jurisdiction, category and year, and a
search by title, receipt code or case number. A voting session's steps are filtered by
the session's jurisdiction, year and title (a category belongs to a project only).

The choices offered are the user's own (the jurisdictions they may read), and every
filter is one more condition on the already scoped selector: filtering never widens
what a clerk sees.
"""

import re

import django_filters
from django import forms
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from core import inbox_messages as messages
from core.models import Category, Project
from core.selectors.tasks import CASE, SESSION
from permissions.scope import readable_jurisdictions

SEARCH_MAX = 100
YEAR_LOW, YEAR_HIGH = 2000, 2100
RECEIPT_CODE = re.compile(r"^[A-HJ-NP-Z2-9]{10}$")


def _human_nodes():
    from flows.project_flow import ProjectFlow
    from flows.voting_flow import VotingSessionFlow

    return [
        node
        for flow_class in (ProjectFlow, VotingSessionFlow)
        for node in flow_class.instance.nodes()
        if getattr(node, "task_type", "") == "HUMAN"
    ]


def human_steps():
    """(name, title) of every human step of ProjectFlow, then of VotingSessionFlow, in
    flow order (no name is used by both flows)."""
    return [(node.name, node.task_title) for node in _human_nodes()]


def either(field: str, value) -> Q:
    """A condition on a project case's field or on a voting session's."""
    return Q(**{f"{CASE}__{field}": value}) | Q(**{f"{SESSION}__{field}": value})


class TaskFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        validators=[
            MaxLengthValidator(SEARCH_MAX, message=messages.SEARCH_TOO_LONG % {"limit": SEARCH_MAX})
        ],
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Title, receipt code or case number")}
        ),
    )
    step = django_filters.ChoiceFilter(label=_("Step"), method="by_step", choices=human_steps)
    # Choices as plain lists (one query each, set in __init__): the user's own
    # jurisdictions, and the categories.
    jurisdiction = django_filters.ChoiceFilter(
        label=_("Jurisdiction"), method="by_jurisdiction", choices=[]
    )
    category = django_filters.ChoiceFilter(
        label=_("Category"), field_name=f"{CASE}__category__code", choices=[]
    )
    year = django_filters.NumberFilter(
        label=_("Year"),
        method="by_year",
        validators=[
            MinValueValidator(YEAR_LOW, message=messages.YEAR_OUT_OF_RANGE),
            MaxValueValidator(YEAR_HIGH, message=messages.YEAR_OUT_OF_RANGE),
        ],
    )

    def __init__(self, data=None, queryset=None, *, user, **kwargs):
        super().__init__(data, queryset, **kwargs)
        places = list(readable_jurisdictions(user).order_by("path").values_list("code", "name"))
        categories = [(c.code, str(c)) for c in Category.objects.order_by("order", "code")]
        for name, choices in (("jurisdiction", places), ("category", categories)):
            self.filters[name].extra["choices"] = choices
            self.form.fields[name].choices = [("", "---------"), *choices]
        year = self.form.fields["year"]
        year.error_messages["min_value"] = year.error_messages["max_value"] = (
            messages.YEAR_OUT_OF_RANGE % {"low": YEAR_LOW, "high": YEAR_HIGH}
        )
        for validator in year.validators:
            validator.message = messages.YEAR_OUT_OF_RANGE % {"low": YEAR_LOW, "high": YEAR_HIGH}

    def by_step(self, queryset, name, value):
        node = next(node for node in _human_nodes() if node.name == value)
        return queryset.filter(flow_task=node)

    def by_jurisdiction(self, queryset, name, value):
        return queryset.filter(either("jurisdiction__code", value))

    def by_year(self, queryset, name, value):
        return queryset.filter(either("year", value))

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = either("title__icontains", value)
        code = value.upper()
        if RECEIPT_CODE.match(code):
            through = Project.suggestions.through
            condition |= Exists(
                through.objects.filter(
                    project_id=OuterRef(f"{CASE}__pk"), suggestion__receipt_code=code
                )
            )
        number = value.lstrip("#")
        if number.isdigit() and len(number) < 12:
            condition |= Q(**{f"{CASE}__pk": int(number)})
        return queryset.filter(condition)

    @property
    def without_step(self):
        """The filtered tasks before the step filter: what the per-step counts count."""
        queryset = self.queryset
        for name, value in self.form.cleaned_data.items():
            if name != "step":
                queryset = self.filters[name].filter(queryset, value)
        return queryset
