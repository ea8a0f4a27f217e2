"""The demo county reads like a real one: three years on the real calendar, votes that
add up, steps spread over the year, overdue steps, non-zero medians."""

import datetime

import pytest
from django.db.models import Count
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from core.demo import build_demo
from core.models import Deputy, Project, Stage
from core.models.calendar import TaskDeadline

pytestmark = pytest.mark.django_db


def test_demo_story_dates_votes_and_overdue_steps():
    build_demo()
    now = timezone.now()
    projects = Project.objects.all()
    # every step of a past year's case happened on its own day, none in the future
    for project in projects.filter(stage=Stage.CLOSED, year__lt=2026)[:10]:
        done = Task.objects.filter(process_id=project.process.pk, flow_task_type="HUMAN")
        days = [t.finished.date() for t in done.filter(status=STATUS.DONE)]
        assert len(set(days)) >= len(days) - 2, project  # a few steps share a day
        assert max(days) <= now.date()
        assert (max(days) - min(days)).days > 250  # a year's work, not a minute's
    assert not Task.objects.filter(created__gt=now).exists()
    # the suggestions came in the autumn before the project's year
    for project in projects.filter(year__lt=2026)[:20]:
        for suggestion in project.suggestions.all():
            assert suggestion.created.year == project.year - 1
            assert suggestion.created.month in (9, 10)
    # votes count no more deputies than the jurisdiction has
    for project in projects.filter(vote_yes__isnull=False).select_related("jurisdiction"):
        deputies = Deputy.objects.filter(jurisdiction=project.jurisdiction).count()
        assert 0 < project.vote_yes <= deputies, project
        assert project.voted_on.month == 1 and project.voted_on.year == project.year
    # the current year has steps past their due dates
    overdue = TaskDeadline.objects.filter(
        due__lt=timezone.localdate(), task__status__in=[STATUS.NEW, STATUS.ASSIGNED]
    )
    assert overdue.exists()
    # every township has cases in every one of the three years
    per = projects.values("jurisdiction", "year").annotate(n=Count("pk"))
    years = {(row["jurisdiction"], row["year"]) for row in per}
    for jurisdiction in {row["jurisdiction"] for row in per}:
        assert {(jurisdiction, y) for y in (2024, 2025, 2026)} <= years
    assert datetime.date(2024, 1, 1) <= min(p.voted_on for p in projects if p.voted_on)
    # what supervisors see: non-zero medians, a three-year trend, overdue figures agreeing
    from django.contrib.auth.models import User

    from core.selectors import process_map
    from core.selectors.dashboard import dashboard_figures, resolve_filters

    supervisor = User.objects.get(username="qh.supervisor")
    filters = resolve_filters(supervisor, code="qh", year="all", category=None)
    figures = process_map.step_figures(supervisor, filters)
    medians = {
        name: fig.median_days for name, fig in figures.items() if fig.median_days is not None
    }
    for step in ("study_feasibility", "review_by_party", "submit_plan", "review_report"):
        assert 1 <= medians[step] <= 120, (step, medians)
    data = dashboard_figures(supervisor, filters)
    trend = {row["year"]: row for row in data["by_year"]}
    for year in (2024, 2025):
        assert trend[year]["registered"] > trend[year]["elected"] >= trend[year]["completed"] > 0
        assert 50 < trend[year]["satisfaction"] < 100
    assert trend[2026]["elected"] > 0
    per_township = process_map.overdue_steps_by_jurisdiction(supervisor, filters)
    assert sum(per_township.values()) == sum(f.overdue for f in figures.values()) > 0
    assert len([n for n in per_township.values() if n]) >= 3  # several places are behind
