"""The filters of the supervision year's lists (meetings, inspections, changes): a
jurisdiction by its code, with or without the ones below it (as the case list's `under`),
and a year. They only ever narrow the reader's scoped queryset; a value that does not
parse is a 400 naming the field."""

import django_filters
from django.utils.translation import gettext_lazy as _

from core.models.changes import ChangeKind, ChangeStatus
from core.models.inspections import InspectionBody, InspectionKind
from core.models.meetings import MeetingKind, MeetingStatus


class PlaceFilterSet(django_filters.FilterSet):
    """`jurisdiction_field` names the row's jurisdiction."""

    jurisdiction_field = "jurisdiction"

    jurisdiction = django_filters.CharFilter(
        method="filter_jurisdiction",
        max_length=20,
        label=_("Jurisdiction"),
        help_text=_("A jurisdiction's code: its own rows only."),
    )
    under = django_filters.CharFilter(
        method="filter_under",
        max_length=20,
        label=_("Jurisdiction and below"),
        help_text=_("A jurisdiction's code: its rows and its sub-jurisdictions' rows."),
    )

    def filter_jurisdiction(self, queryset, name, value):
        return queryset.filter(**{f"{self.jurisdiction_field}__code": value})

    def filter_under(self, queryset, name, value):
        return queryset.filter(**{f"{self.jurisdiction_field}__path__contains": f"/{value}/"})


class PlaceYearFilterSet(PlaceFilterSet):
    """`year_field` names the row's year."""

    year_field = "year"

    year = django_filters.NumberFilter(
        method="filter_year", min_value=2000, max_value=2100, label=_("Year")
    )

    def filter_year(self, queryset, name, value):
        return queryset.filter(**{self.year_field: int(value)})


class MeetingFilterSet(PlaceYearFilterSet):
    kind = django_filters.ChoiceFilter(choices=MeetingKind.choices, label=_("Kind"))
    status = django_filters.ChoiceFilter(choices=MeetingStatus.choices, label=_("Status"))


class InspectionFilterSet(PlaceYearFilterSet):
    year_field = "held_on__year"

    kind = django_filters.ChoiceFilter(choices=InspectionKind.choices, label=_("Kind"))
    body = django_filters.ChoiceFilter(choices=InspectionBody.choices, label=_("Carried out by"))


class ChangeFilterSet(PlaceYearFilterSet):
    """A change's year is its project's year (the year the project was voted for)."""

    jurisdiction_field = "project__jurisdiction"
    year_field = "project__year"

    kind = django_filters.ChoiceFilter(choices=ChangeKind.choices, label=_("Kind"))
    status = django_filters.ChoiceFilter(choices=ChangeStatus.choices, label=_("Status"))
