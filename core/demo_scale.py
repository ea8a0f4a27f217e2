"""Demo of the inbox and queue at work: 东湖镇's offices have several steps waiting, of
different categories and steps, so that the filters, the search, the counts per step and
taking several steps at once can be tried (log in as qh.dh.government or qh.dh.works).

Built through the services like every demo case; building twice changes nothing.
"""

from core.models import Project

CODE = "qh-dh"
# (index into core.demo.IDEAS, where the case is left): ideas 东湖镇's other demo cases
# do not use, so that every title is its own.
CASES = [
    (1, "assign_study"),
    (2, "assign_study"),
    (3, "assign_study"),
    (5, "study"),
    (6, "study"),
]


def build_scale_demo(world) -> None:
    from core.demo import IDEAS

    jurisdiction = world.jurisdictions[CODE]
    last_title = f"{jurisdiction.name}{IDEAS[CASES[-1][0]][1]}"
    if Project.objects.filter(jurisdiction=jurisdiction, title=last_title).exists():
        return
    for index, target in CASES:
        world.build_case(index, CODE, target)
