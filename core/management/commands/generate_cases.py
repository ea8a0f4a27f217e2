"""Generate many project cases quickly, for the dashboard and process-map benchmark.

Rows are written in bulk (projects, a suggestion each, the viewflow processes and their
tasks, each case left at a realistic step with realistic dates), not through the
services: twenty thousand cases take seconds instead of hours. The cases carry no
history rows and no quarterly reports; they are load for the supervisors' aggregate
pages, not demo cases to walk further.
"""

import datetime
import random
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import PROCESS, STATUS

from core.models import (
    Band,
    Category,
    Channel,
    Jurisdiction,
    Office,
    OfficeKind,
    Project,
    ProjectProcess,
    Stage,
    Suggestion,
    SuggestionStatus,
)

BATCH = 2000

# Where generated cases stand, with their share of all cases.
TARGETS = [
    ("assign_study", 4),
    ("study", 8),
    ("party_review", 5),
    ("infeasible", 5),
    ("rejected", 2),
    ("candidate", 6),
    ("not_elected", 6),
    ("planning", 5),
    ("implementing", 20),
    ("report_review", 6),
    ("answer_opinions", 3),
    ("acceptance", 4),
    ("evaluation", 6),
    ("accountability", 2),
    ("closed", 18),
]

BEFORE_VOTE = [
    ("register", "START"),
    ("assign_study", "HUMAN"),
    ("study_feasibility", "HUMAN"),
    ("check_feasibility", "EXCLUSIVE_GATEWAY"),
    ("review_by_party", "HUMAN"),
    ("check_party_decision", "SWITCH"),
    ("await_vote", "FUNCTION"),
    ("check_elected", "EXCLUSIVE_GATEWAY"),
    ("start_implementation", "PARALLEL_GATEWAY"),
    ("submit_plan", "HUMAN"),
    ("assign_monitoring_group", "HUMAN"),
    ("join_implementation", "JOIN"),
]
QUARTER_GATE = [("check_quarter", "EXCLUSIVE_GATEWAY")]
# one quarterly report signed off: the case waited for the quarter, reported, was signed off
REPORT_CYCLE = [
    ("check_quarter", "EXCLUSIVE_GATEWAY"),
    ("await_quarter", "FUNCTION"),
    ("submit_report", "HUMAN"),
    ("review_report", "HUMAN"),
    ("check_report", "SWITCH"),
]
FINAL_REPORT = [
    ("check_quarter", "EXCLUSIVE_GATEWAY"),
    ("submit_report", "HUMAN"),
    ("review_report", "HUMAN"),
    ("check_report", "SWITCH"),
]
AFTER_REPORTS = [
    ("accept_completion", "HUMAN"),
    ("check_acceptance", "EXCLUSIVE_GATEWAY"),
    ("await_satisfaction", "FUNCTION"),
    ("check_band", "EXCLUSIVE_GATEWAY"),
]


def _prefix(upto: str) -> list:
    names = [name for name, _kind in BEFORE_VOTE]
    return BEFORE_VOTE[: names.index(upto)]


def _path(target: str, reports: int, waiting: bool) -> tuple[list, list, str]:
    """(done steps, open steps, end node or "") of a case left at `target`; `waiting`: an
    implementing case waits for its next quarter rather than owing a report."""
    full = BEFORE_VOTE + REPORT_CYCLE * reports
    reported = full + FINAL_REPORT
    return {
        "assign_study": (_prefix("assign_study"), [("assign_study", "HUMAN")], ""),
        "study": (_prefix("study_feasibility"), [("study_feasibility", "HUMAN")], ""),
        "party_review": (_prefix("review_by_party"), [("review_by_party", "HUMAN")], ""),
        "infeasible": (_prefix("review_by_party"), [], "infeasible"),
        "rejected": (_prefix("await_vote"), [], "rejected"),
        "candidate": (_prefix("await_vote"), [("await_vote", "FUNCTION")], ""),
        "not_elected": (_prefix("start_implementation"), [], "not_elected"),
        "planning": (
            _prefix("submit_plan"),
            [("submit_plan", "HUMAN"), ("assign_monitoring_group", "HUMAN")],
            "",
        ),
        "implementing": (
            full + QUARTER_GATE,
            [("await_quarter", "FUNCTION")] if waiting else [("submit_report", "HUMAN")],
            "",
        ),
        "report_review": (
            full + QUARTER_GATE + [("submit_report", "HUMAN")],
            [("review_report", "HUMAN")],
            "",
        ),
        "answer_opinions": (reported, [("answer_opinions", "HUMAN")], ""),
        "acceptance": (reported, [("accept_completion", "HUMAN")], ""),
        "evaluation": (reported + AFTER_REPORTS[:2], [("await_satisfaction", "FUNCTION")], ""),
        "accountability": (reported + AFTER_REPORTS, [("record_accountability", "HUMAN")], ""),
        "closed": (reported + AFTER_REPORTS, [], "closed"),
    }[target]


def check_paths(flow_class) -> None:
    """Every step named here must be a node of the flow (the flow may have changed)."""
    names = {name for name, _kind in BEFORE_VOTE + REPORT_CYCLE + AFTER_REPORTS}
    names |= {
        "answer_opinions",
        "record_accountability",
        "closed",
        "infeasible",
        "rejected",
        "not_elected",
    }
    missing = sorted(n for n in names if not hasattr(getattr(flow_class, n, None), "task_type"))
    if missing:
        raise CommandError(f"ProjectFlow has no step {', '.join(missing)}: update this command.")


STAGES = {
    "assign_study": Stage.REGISTERED,
    "study": Stage.STUDY,
    "party_review": Stage.PARTY_REVIEW,
    "infeasible": Stage.INFEASIBLE,
    "rejected": Stage.REJECTED,
    "candidate": Stage.CANDIDATE,
    "not_elected": Stage.NOT_ELECTED,
    "planning": Stage.PLANNING,
    "implementing": Stage.IMPLEMENTING,
    "report_review": Stage.IMPLEMENTING,
    "answer_opinions": Stage.IMPLEMENTING,
    "acceptance": Stage.ACCEPTANCE,
    "evaluation": Stage.EVALUATION,
    "accountability": Stage.ACCOUNTABILITY,
    "closed": Stage.CLOSED,
}

# Which object each human step's permission is held on (see flows/project_flow.py).
ON_JURISDICTION = {
    "assign_study",
    "review_by_party",
    "assign_monitoring_group",
    "record_accountability",
}
ON_STUDY_DEPARTMENT = {"study_feasibility"}
ON_LEAD_UNIT = {"submit_plan", "submit_report", "answer_opinions"}
ON_PROJECT = {"review_report", "accept_completion"}


class Command(BaseCommand):
    help = "Generate N project cases in bulk (benchmark load for maps and dashboards)."

    def add_arguments(self, parser):
        parser.add_argument("count", type=int)
        parser.add_argument(
            "--under", default=None, help="a jurisdiction code: spread the cases over its subtree"
        )
        parser.add_argument(
            "--years", default=None, help="comma-separated years (default: the last three)"
        )
        parser.add_argument("--seed", type=int, default=20260101)

    def handle(self, *args, count, under, years, seed, **options):
        if count < 1:
            raise CommandError("Give a positive number of cases.")
        jurisdictions = Jurisdiction.objects.order_by("path")
        if under:
            root = Jurisdiction.objects.filter(code=under).first()
            if root is None:
                raise CommandError(f"No jurisdiction has the code {under}.")
            jurisdictions = jurisdictions.filter(path__startswith=root.path)
        departments = {}
        for office in Office.objects.filter(kind=OfficeKind.DEPARTMENT).order_by("pk"):
            departments.setdefault(office.jurisdiction_id, []).append(office)
        places = [j for j in jurisdictions if j.pk in departments]
        if not places:
            raise CommandError("No jurisdiction with departments: run `seed_demo` first.")
        categories = list(Category.objects.filter(active=True))
        this_year = timezone.localdate().year
        chosen_years = (
            [int(y) for y in years.split(",")]
            if years
            else [this_year - 2, this_year - 1, this_year]
        )
        generator = _Generator(
            rng=random.Random(seed),
            places=places,
            departments=departments,
            categories=categories,
            years=chosen_years,
        )
        done = 0
        while done < count:
            size = min(BATCH, count - done)
            with transaction.atomic():
                generator.batch(size)
            done += size
            self.stdout.write(f"{done} cases")
        self.stdout.write(self.style.SUCCESS(f"Generated {count} cases."))


class _Generator:
    def __init__(self, *, rng, places, departments, categories, years):
        self.rng, self.places, self.departments = rng, places, departments
        self.categories, self.years = categories, years
        self.targets = [t for t, _w in TARGETS]
        self.weights = [w for _t, w in TARGETS]
        self.flow = _flow()
        check_paths(self.flow)
        self.content_types = {
            "jurisdiction": ContentType.objects.get_for_model(Jurisdiction),
            "office": ContentType.objects.get_for_model(Office),
            "project": ContentType.objects.get_for_model(Project),
        }
        self.now = timezone.now()
        self.serial = Project.objects.count()

    def batch(self, size: int) -> None:
        cases = []
        for _ in range(size):
            self.serial += 1
            year = self.rng.choice(self.years)
            place = self.places[self.serial % len(self.places)]
            cases.append(self.case(self.pick_target(year), year, place))
        self.write(cases)

    def pick_target(self, year: int) -> str:
        target = self.rng.choices(self.targets, self.weights)[0]
        # earlier years have moved further along
        if year < self.now.year and target not in (
            "closed",
            "not_elected",
            "infeasible",
            "rejected",
            "accountability",
        ):
            target = self.rng.choice(
                ["closed", "closed", "closed", "accountability", "not_elected"]
            )
        return target

    def write(self, cases: list) -> tuple[list, list]:
        """Insert the cases built by `case`; returns their projects and processes (and the
        cases' task objects carry their primary keys)."""
        projects = Project.objects.bulk_create([c["project"] for c in cases], batch_size=BATCH)
        suggestions = Suggestion.objects.bulk_create(
            [c["suggestion"] for c in cases], batch_size=BATCH
        )
        through = Project.suggestions.through
        through.objects.bulk_create(
            [
                through(project_id=p.pk, suggestion_id=s.pk)
                for p, s in zip(projects, suggestions, strict=True)
            ],
            batch_size=BATCH,
        )
        processes = Process.objects.bulk_create([c["process"] for c in cases], batch_size=BATCH)
        table = ProjectProcess._meta.db_table
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {table} (process_ptr_id, project_id) VALUES (%s, %s)",
                [(pr.pk, p.pk) for pr, p in zip(processes, projects, strict=True)],
            )
        tasks = []
        for case, process, project in zip(cases, processes, projects, strict=True):
            for task in case["tasks"]:
                task.process_id = process.pk
                if task.owner_permission and task.owner_permission_content_type_id == (
                    self.content_types["project"].pk
                ):
                    task.owner_permission_obj_pk = str(project.pk)
                tasks.append(task)
        Task.objects.bulk_create(tasks, batch_size=5000)
        return projects, processes

    def case(self, target: str, year: int, place) -> dict:
        rng = self.rng
        category = rng.choice(self.categories)
        department = rng.choice(self.departments[place.pk])
        start = datetime.datetime(year - 1, 10, 1, 9, tzinfo=datetime.UTC) + datetime.timedelta(
            days=rng.randint(0, 60), minutes=rng.randint(0, 600)
        )
        if year == self.now.year:
            # cases of this year are spread so that the open ones wait a while
            start = min(start, self.now - datetime.timedelta(days=rng.randint(20, 300)))
        voted_on = datetime.date(year, 1, rng.randint(10, 25))
        reports = rng.randint(0, 3)
        done_steps, open_steps, end = _path(target, reports, waiting=rng.random() < 0.4)
        stage = STAGES[target]
        budget = Decimal(rng.randint(50, 3000))
        elected = None
        if target == "not_elected":
            elected = False
        elif stage in (
            Stage.PLANNING,
            Stage.IMPLEMENTING,
            Stage.ACCEPTANCE,
            Stage.EVALUATION,
            Stage.ACCOUNTABILITY,
            Stage.CLOSED,
        ):
            elected = True
        completed = stage in (Stage.EVALUATION, Stage.ACCOUNTABILITY, Stage.CLOSED)
        deadline = datetime.date(year, rng.choice([9, 10, 11, 12]), 28) if elected else None
        accepted_at = None
        if completed:
            late = rng.random() < 0.15
            accepted = (
                (deadline + datetime.timedelta(days=rng.randint(5, 60)))
                if late
                else (deadline - datetime.timedelta(days=rng.randint(1, 90)))
            )
            accepted_at = datetime.datetime.combine(accepted, datetime.time(10), datetime.UTC)
        rate = band = None
        if stage in (Stage.ACCOUNTABILITY, Stage.CLOSED):
            rate = Decimal(rng.randint(500, 990)) / 10
            if stage == Stage.ACCOUNTABILITY:
                rate = Decimal(rng.randint(300, 590)) / 10
            band = (
                Band.COMMEND if rate >= 85 else (Band.NORMAL if rate >= 60 else Band.ACCOUNTABILITY)
            )
        progress = (
            100
            if completed or stage == Stage.ACCEPTANCE
            else (min(95, reports * 30) if elected else 0)
        )
        project = Project(
            jurisdiction_id=place.pk,
            year=year,
            title=f"{place.name}{category.name}项目{self.serial}",
            category_id=category.pk,
            reason="群众反映强烈，需要解决。",
            content=f"{category.name}提升工程（批量生成）",
            location=place.name,
            budget=budget,
            fund_source="财政资金",
            lead_unit_id=department.pk if target != "assign_study" else None,
            study_department_id=department.pk if target != "assign_study" else None,
            feasible=None if target in ("assign_study", "study") else target != "infeasible",
            infeasible_reason="用地条件不具备。" if target == "infeasible" else "",
            party_decision=(
                ""
                if target in ("assign_study", "study", "party_review", "infeasible")
                else ("rejected" if target == "rejected" else "approved")
            ),
            elected=elected,
            voted_on=voted_on if elected is not None else None,
            vote_yes=rng.randint(30, 90) if elected is not None else None,
            vote_rank=rng.randint(1, 20) if elected is not None else None,
            deadline=deadline,
            plan_due=voted_on + datetime.timedelta(days=30) if elected else None,
            progress=progress,
            funds_spent=(budget * progress / 100).quantize(Decimal("0.01")) if elected else 0,
            accepted_at=accepted_at,
            satisfaction_rate=rate,
            band=band or "",
            stage=stage,
            created=start,
        )
        suggestion = Suggestion(
            jurisdiction_id=place.pk,
            year=year - 1,
            channel=rng.choice(Channel.values),
            title=project.title,
            text=project.reason,
            category_id=category.pk,
            proposer_name="居民",
            status=SuggestionStatus.MERGED,
            created=start - datetime.timedelta(days=rng.randint(1, 30)),
        )
        finished = None if not end else start
        tasks = []
        moment = start
        for name, kind in done_steps:
            wait = (
                datetime.timedelta(days=rng.randint(1, 25))
                if kind in ("HUMAN", "FUNCTION")
                else datetime.timedelta(seconds=1)
            )
            tasks.append(
                self.task(name, kind, STATUS.DONE, moment, moment + wait, place, department)
            )
            moment += wait
        for name, kind in open_steps:
            tasks.append(self.task(name, kind, STATUS.NEW, moment, None, place, department))
        if end:
            tasks.append(self.task(end, "END", STATUS.DONE, moment, moment, place, department))
            finished = moment
        process = Process(
            flow_class=self.flow,
            status=PROCESS.DONE if end else PROCESS.NEW,
            created=start,
            finished=finished,
        )
        return {
            "project": project,
            "suggestion": suggestion,
            "process": process,
            "tasks": tasks,
            "place": place,
            "department": department,
            "target": target,
        }

    def task(self, name, kind, status, created, finished, place, department) -> Task:
        node = getattr(self.flow, name)
        task = Task(
            flow_task=node,
            flow_task_type=kind,
            status=status,
            created=created,
            started=created if status == STATUS.DONE and kind != "START" else None,
            finished=finished,
        )
        if kind == "HUMAN":
            task.owner_permission = node._owner_permission
            if name in ON_JURISDICTION:
                target_type, pk = self.content_types["jurisdiction"], place.pk
            elif name in ON_STUDY_DEPARTMENT or name in ON_LEAD_UNIT:
                target_type, pk = self.content_types["office"], department.pk
            else:
                target_type, pk = self.content_types["project"], None  # set after insert
            task.owner_permission_content_type = target_type
            task.owner_permission_obj_pk = str(pk) if pk is not None else None
        return task


def _flow():
    from flows.project_flow import ProjectFlow

    return ProjectFlow
