"""The demo gives 东湖镇's offices several waiting steps to filter, search and take."""

import pytest

from core.demo_scale import build_scale_demo
from core.models import Project
from core.selectors import tasks as task_selectors
from permissions.roles import Role

pytestmark = pytest.mark.django_db


def test_the_demo_fills_the_government_offices_queue_once(world):
    build_scale_demo(world)
    clerk = world.users[("qh-dh", Role.GOVERNMENT_OFFICE)]
    queue = list(task_selectors.queue(clerk))
    assert len(queue) >= 3
    categories = {t.process.projectprocess.project.category_id for t in queue}
    assert len(categories) >= 3
    steps = task_selectors.counts_by_step(task_selectors.queue(clerk))
    assert steps.get("assign_study", 0) >= 3
    before = Project.objects.count()
    build_scale_demo(world)
    assert Project.objects.count() == before
