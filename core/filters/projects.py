"""The one filter of the case list, shared by the case-list page and the API.

The page ignores a value that does not parse (the form shows every case); the API answers
it with a 400 naming the field. Both start from the user's scoped queryset
(`core.selectors.projects.projects_for_user`): a filter only ever narrows what one may read.
"""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from core.models import Stage
from core.models.calendar import TaskDeadline
from core.selectors.dashboard import SET_LABELS, project_set_q

OPEN = (STATUS.NEW, STATUS.ASSIGNED)


def _human_steps() -> list[tuple[str, str]]:
    from flows.project_flow import ProjectFlow

    return [
        (node.name, node.task_title)
        for node in ProjectFlow.instance.nodes()
        if getattr(node, "task_type", None) == "HUMAN"
    ]


class ProjectFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_text",
        max_length=100,
        label=_("Search"),
        help_text=_("Words in the title, content or location."),
    )
    year = django_filters.NumberFilter(
        field_name="year", min_value=2000, max_value=2100, label=_("Year")
    )
    stage = django_filters.ChoiceFilter(field_name="stage", choices=Stage.choices, label=_("Stage"))
    step = django_filters.ChoiceFilter(
        method="filter_step",
        choices=_human_steps,
        label=_("Current step"),
        help_text=_("Cases with this step open now."),
    )
    jurisdiction = django_filters.CharFilter(
        field_name="jurisdiction__code",
        max_length=20,
        label=_("Jurisdiction"),
        help_text=_("A jurisdiction's code: its own cases only."),
    )
    under = django_filters.CharFilter(
        method="filter_under",
        max_length=20,
        label=_("Jurisdiction and below"),
        help_text=_("A jurisdiction's code: its cases and its sub-jurisdictions' cases."),
    )
    category = django_filters.CharFilter(
        field_name="category__code", max_length=30, label=_("Category")
    )
    set = django_filters.ChoiceFilter(
        method="filter_set",
        choices=list(SET_LABELS.items()),
        label=_("Figure"),
        help_text=_("The set of cases behind one of the dashboard's figures."),
    )
    overdue = django_filters.ChoiceFilter(
        method="filter_overdue",
        choices=[("true", "true"), ("false", "false")],
        label=_("Overdue"),
        help_text=_("true: cases with an open step past its due date; false: the others."),
    )

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value) | Q(content__icontains=value) | Q(location__icontains=value)
        )

    def filter_step(self, queryset, name, value: str):
        from flows.project_flow import ProjectFlow

        node = getattr(ProjectFlow, value)
        open_here = Task.objects.filter(
            process_id=OuterRef("process"), flow_task=node, status__in=OPEN
        )
        return queryset.filter(Exists(open_here))

    def filter_under(self, queryset, name, value):
        return queryset.filter(jurisdiction__path__contains=f"/{value}/")

    def filter_set(self, queryset, name, value):
        return queryset.filter(project_set_q(value))

    def filter_overdue(self, queryset, name, value):
        from core.selectors.calendar import calendar_today

        late = TaskDeadline.objects.filter(
            project_id=OuterRef("pk"), due__lte=calendar_today(), task__status__in=OPEN
        )
        if value == "true":
            return queryset.filter(Exists(late))
        return queryset.exclude(Exists(late))
