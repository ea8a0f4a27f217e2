"""The cases of a generated province: `generate_cases`' engine, plus what an office sees
of a real year — who did each step, what waits in whose inbox, due dates, the monitoring
groups, signed-off quarterly reports, history rows and a few long-running cases whose
timelines have a hundred events.
"""

import datetime

from django.db import transaction
from viewflow.workflow.status import STATUS

from core.demo import IDEAS
from core.management.commands.generate_cases import _Generator
from core.models import Comment, Project, QuarterlyReport, ReportStatus
from core.models.calendar import DeadlineKind, TaskDeadline

from .province import Province, monitor_grant_rows

# Who does each human step (a clerk key of the case's jurisdiction, "department" for the
# studying department / lead unit, "monitor" for the first monitoring-group member).
STEP_ACTORS = {
    "register": "government",
    "assign_study": "government",
    "study_feasibility": "department",
    "review_by_party": "party",
    "submit_plan": "department",
    "assign_monitoring_group": "congress",
    "submit_report": "department",
    "review_report": "monitor",
    "answer_opinions": "department",
    "accept_completion": "monitor",
    "record_accountability": "congress",
}
# How many days each open step is given, counted from when it opened (the calendar dates
# the plan, the reports and their sign-off; see core/services/calendar.py).
DUE_DAYS = {
    "submit_plan": (DeadlineKind.PLAN, 30),
    "submit_report": (DeadlineKind.REPORT, 100),
    "review_report": (DeadlineKind.SIGN_OFF, 15),
}
LONG_TIMELINE_EVERY = 200  # one case in this many gets a long discussion on its page
LONG_TIMELINE_COMMENTS = 100
COMMENTS = [
    "请牵头单位补充施工进度照片。",
    "已与村（社区）对接，群众反映良好。",
    "资金拨付进度偏慢，请说明原因。",
    "建议加强施工现场安全管理。",
    "已现场查看，按计划推进。",
]


def _titles():
    titles: dict = {}
    for category, title, _text in IDEAS:
        titles.setdefault(category, []).append(title)
    return titles


class ScaleGenerator(_Generator):
    def __init__(self, *, province: Province, **kwargs):
        super().__init__(**kwargs)
        self.province = province
        self.titles = _titles()
        self.share_in_inbox = 0.5  # of the open steps, taken into someone's inbox

    def run(self, specs) -> int:
        """Create one case per (place, year) in `specs`, in batches; returns the count."""
        cases = []
        done = 0
        for place, year in specs:
            self.serial += 1
            cases.append(self.case(self.pick_target(year), year, place))
            if len(cases) == 2000:
                done += self._write(cases)
                cases = []
        if cases:
            done += self._write(cases)
        return done

    def case(self, target, year, place) -> dict:
        case = super().case(target, year, place)
        project, rng = case["project"], self.rng
        category = next(c for c in self.categories if c.pk == project.category_id)
        names = self.titles.get(category.code) or [f"{category.name}提升工程"]
        project.title = f"{place.name}{rng.choice(names)}"[:120]
        project.content = f"{project.title}：{project.reason}"
        case["suggestion"].title = project.title
        deputies = self.province.deputies.get(place.pk, [])
        elected = project.elected and project.stage != "planning"
        case["monitors"] = rng.sample(deputies, min(3, len(deputies))) if elected else []
        for task in case["tasks"]:
            self._own(task, case)
        return case

    def _actor(self, name, case):
        key = STEP_ACTORS.get(name)
        if key == "department":
            return self.province.office_clerk.get(case["department"].pk)
        if key == "monitor":
            return case["monitors"][0][1] if case["monitors"] else None
        if key:
            return self.province.clerks.get((case["place"].pk, key))
        return None

    def _own(self, task, case):
        name = task.flow_task.name
        owner = self._actor(name, case)
        if task.status == STATUS.DONE and task.flow_task_type in ("HUMAN", "START"):
            task.owner_id = owner
            task.assigned = task.created
        elif (
            task.status == STATUS.NEW
            and task.flow_task_type == "HUMAN"
            and owner
            and self.rng.random() < self.share_in_inbox
        ):
            task.status = STATUS.ASSIGNED
            task.owner_id = owner
            task.assigned = task.created + datetime.timedelta(hours=self.rng.randint(1, 72))

    @transaction.atomic
    def _write(self, cases) -> int:
        projects, _processes = self.write(cases)
        Project.monitors.through.objects.bulk_create(
            [
                Project.monitors.through(project_id=p.pk, deputy_id=deputy_pk)
                for case, p in zip(cases, projects, strict=True)
                for deputy_pk, _user in case["monitors"]
            ]
        )
        monitor_grant_rows(
            (user_pk, p.pk)
            for case, p in zip(cases, projects, strict=True)
            for _deputy, user_pk in case["monitors"]
        )
        self._deadlines(cases, projects)
        self._reports_and_history(cases, projects)
        return len(cases)

    def _deadlines(self, cases, projects):
        rows = []
        for case, project in zip(cases, projects, strict=True):
            for task in case["tasks"]:
                spec = DUE_DAYS.get(task.flow_task.name)
                if spec is None or task.status not in (STATUS.NEW, STATUS.ASSIGNED):
                    continue
                kind, days = spec
                starts = task.created.date()
                due = starts + datetime.timedelta(days=days)
                rows.append(
                    TaskDeadline(
                        task_id=task.pk,
                        project_id=project.pk,
                        kind=kind,
                        starts_on=starts,
                        due=due,
                        remind_on=due - datetime.timedelta(days=3),
                    )
                )
        TaskDeadline.objects.bulk_create(rows, batch_size=5000)

    def _reports_and_history(self, cases, projects):
        history, reports, comments = [], [], []
        for case, project in zip(cases, projects, strict=True):
            done = [t for t in case["tasks"] if t.status == STATUS.DONE]
            registered = Project(**{f.attname: getattr(project, f.attname) for f in _FIELDS})
            registered._history_date = project.created
            registered._history_user_id = self._actor("register", case)
            registered._change_reason = "登记项目"
            registered._history_type = "+"
            history.append(registered)
            quarter = 0
            for task in done:
                if task.flow_task_type != "HUMAN":
                    continue
                step = Project(**{f.attname: getattr(project, f.attname) for f in _FIELDS})
                step._history_date = task.finished or task.created
                step._history_user_id = task.owner_id
                step._change_reason = str(task.flow_task.task_title)
                step._history_type = "~"
                history.append(step)
                if task.flow_task.name == "submit_report":
                    quarter += 1
                    reports.append(self._report(project, task, quarter, case))
            if project.pk % LONG_TIMELINE_EVERY == 0:
                comments += self._discussion(project, case)
        _bulk_history(Project, history)
        reports = QuarterlyReport.objects.bulk_create(reports, batch_size=5000)
        Comment.objects.bulk_create(comments, batch_size=5000)
        for report in reports:
            report._history_date = report.submitted_at
        QuarterlyReport.history.bulk_history_create(reports, batch_size=5000)
        for comment in comments:
            comment._history_date = comment.created
        Comment.history.bulk_history_create(comments, batch_size=5000)

    def _report(self, project, task, quarter, case):
        progress = min(100, quarter * 30) if project.progress < 100 else min(100, quarter * 35)
        return QuarterlyReport(
            project_id=project.pk,
            year=project.year,
            quarter=min(4, quarter),
            progress=progress,
            funds_spent=(project.budget or 0) * progress / 100,
            milestone_notes=f"第{min(4, quarter)}季度完成计划工作量。",
            status=ReportStatus.SIGNED_OFF,
            submitted_by_id=task.owner_id,
            submitted_at=task.finished or task.created,
            signed_off_by_id=case["monitors"][0][1] if case["monitors"] else None,
            signed_off_at=(task.finished or task.created) + datetime.timedelta(days=7),
            completed=progress >= 100,
        )

    def _discussion(self, project, case):
        start = project.created
        clerk = self.province.clerks.get((case["place"].pk, "congress"))
        return [
            Comment(
                project_id=project.pk,
                author_id=clerk,
                text=COMMENTS[n % len(COMMENTS)],
                created=start + datetime.timedelta(days=n * 3 + 1),
            )
            for n in range(LONG_TIMELINE_COMMENTS)
        ]


_FIELDS = [f for f in Project._meta.concrete_fields]


def _bulk_history(model, instances):
    """History rows with their own dates, actors, reasons and types (simple-history's
    bulk helper takes one user for all)."""
    historical = model.history.model
    tracked = historical.tracked_fields
    historical.objects.bulk_create(
        [
            historical(
                history_date=instance._history_date,
                history_user_id=instance._history_user_id,
                history_change_reason=instance._change_reason,
                history_type=instance._history_type,
                **{field.attname: getattr(instance, field.attname) for field in tracked},
            )
            for instance in instances
        ],
        batch_size=5000,
    )
