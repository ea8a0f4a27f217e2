"""Three years of a demo county whose dates follow the real calendar.

Each year's projects are collected in the autumn before, studied in November, reviewed by
the Party committee in December, voted on at the congress in January, planned in
February, reported on every quarter, accepted in the autumn and rated at year end; the
next year's round is being collected and studied now. Every step is taken through the
services, as the offices would, and then dated: the rows a step wrote (its tasks, history
rows, reports, opinions, deadlines) are moved to the day the step happened, so medians,
trends and overdue steps read as a real county's would.
"""

import datetime
from contextlib import contextmanager

from django.db.models import F
from django.utils import timezone
from viewflow.workflow.models import Process, Task

from core.models import (
    AccountabilityRecord,
    Attachment,
    Category,
    Channel,
    Comment,
    Milestone,
    Opinion,
    Project,
    QuarterlyReport,
    Suggestion,
)
from core.models.calendar import DeadlineKind, Notification, TaskDeadline
from core.services import projects, suggestions
from permissions.roles import Role

# Places in each demo jurisdiction, so that titles say where a project is.
PLACES = {
    "qh": ["城东片区", "城西片区", "清河大道沿线", "开发区", "老城区", "滨河片区"],
    "qh-dh": ["湖滨村", "新桥村", "石塘村", "东湖集镇", "下湾村", "桥头村"],
    "qh-xs": ["岭下村", "枫林村", "茶坪村", "西山集镇", "竹溪村", "上坪村"],
    "qh-nm": ["文昌社区", "南苑社区", "河西社区", "南门老街", "学府社区", "新华社区"],
}

# The kinds of project the practice has: (category, what, why, budget in 10k yuan).
KINDS = [
    ("environment", "饮水安全提升工程", "管网老化，夏季水压不足，部分农户饮水浑浊。", 260),
    ("transport", "村道硬化提升", "进村道路为砂石路面，雨天泥泞，学生和农产品出行困难。", 180),
    ("elderly_care", "老年食堂建设", "独居和高龄老人就餐不便，建议建设老年食堂提供助餐服务。", 90),
    ("urban_management", "路灯亮化工程", "主要道路和背街小巷夜间照明不足，存在安全隐患。", 60),
    ("urban_management", "农贸市场改造", "市场棚顶破损、排水不畅，卫生条件差。", 320),
    ("education", "中小学厕所改造", "学校旱厕陈旧，卫生条件差，学生如厕不便。", 75),
    ("health", "卫生室提质升级", "卫生室面积小、设备不足，群众看小病要跑远路。", 120),
    ("transport", "公交候车亭建设", "线路沿线缺少候车亭，雨天群众候车不便。", 45),
    ("housing", "老旧小区加装电梯", "多层住宅老人上下楼困难，居民加装意愿强烈。", 210),
    ("environment", "生活污水治理", "部分片区污水直排河道，影响水质和人居环境。", 380),
    ("culture_sport", "全民健身广场建设", "缺少健身场地，建议利用闲置地建设健身广场。", 150),
    ("public_safety", "防汛排涝改造", "低洼地段逢雨必涝，排水管网标准偏低。", 290),
]

# Where each year's cases are left (the ended years end; the current one is under way;
# next year's round is in its autumn study). Each list is walked per jurisdiction.
PAST_YEAR = [
    "closed_commend",
    "closed_normal",
    "closed_commend",
    "closed_after_accountability",
    "not_elected",
    "infeasible",
    "rejected",
]
CURRENT_YEAR = [
    "evaluation",
    "acceptance",
    "accountability",
    "implementing",
    "answer_opinions",
    "report_review",
    "planning",
    "not_elected",
]
NEXT_YEAR = [
    "assign_study",
    "study",
    "party_review",
    "candidate",
    "infeasible",
    "returned_then_study",
]


def _moment(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


@contextmanager
def happened_on(project_ids, day: datetime.date, hour: int = 10):
    """Run a step now, then date everything it wrote for these cases to `day`.

    A day still to come is kept at today, so the demo never records the future.
    """
    started = timezone.now()
    yield
    when = min(_moment(day, hour), started - datetime.timedelta(minutes=1))
    ids = [project_ids] if isinstance(project_ids, int) else list(project_ids)
    for project_id in ids:
        _move_case(project_id, started, when)


def _move_case(project_id: int, started, when) -> None:
    """Move what was written for one case since `started` to `when`."""
    shift = when - started

    def move(qs, *fields):
        for name in fields:
            qs.filter(**{f"{name}__gte": started}).update(**{name: F(name) + shift})

    process_ids = list(Project.objects.filter(pk=project_id).values_list("process__pk", flat=True))
    move(
        Task.objects.filter(process_id__in=process_ids),
        "created",
        "assigned",
        "started",
        "finished",
    )
    move(Process.objects.filter(pk__in=process_ids), "created", "finished")
    move(Project.objects.filter(pk=project_id), "created", "plan_submitted_at", "accepted_at")
    move(QuarterlyReport.objects.filter(project_id=project_id), "submitted_at", "signed_off_at")
    move(Opinion.objects.filter(project_id=project_id), "created", "answered_at")
    move(Comment.objects.filter(project_id=project_id), "created")
    move(Attachment.objects.filter(project_id=project_id), "created")
    move(Notification.objects.filter(project_id=project_id), "created")
    move(Suggestion.objects.filter(projects__pk=project_id), "created")
    move(AccountabilityRecord.objects.filter(project_id=project_id), "created")
    for model in (
        Project,
        QuarterlyReport,
        Opinion,
        Comment,
        Attachment,
        Milestone,
        AccountabilityRecord,
    ):
        key = "id" if model is Project else "project_id"
        move(model.history.filter(**{key: project_id}), "history_date")
    sources = Suggestion.objects.filter(projects__pk=project_id).values("pk")
    move(Suggestion.history.filter(id__in=sources), "history_date")
    move(TaskDeadline.history.filter(project_id=project_id), "history_date")
    # A sign-off is due N days after the report arrived: count from the day it did.
    today, then = timezone.localdate(started), timezone.localdate(when)
    for deadline in TaskDeadline.objects.filter(
        project_id=project_id,
        kind=DeadlineKind.SIGN_OFF,
        starts_on=today,
        task__created__range=(when, when + datetime.timedelta(minutes=1)),
    ):
        days = then - deadline.starts_on
        deadline.starts_on += days
        deadline.due += days
        deadline.remind_on += days
        deadline.save(update_fields=["starts_on", "due", "remind_on"])


class Story:
    """Builds the three years on a DemoWorld whose organisation is built."""

    def __init__(self, world, first_year: int = 2024, current_year: int = 2026):
        self.w = world
        self.first_year, self.current_year = first_year, current_year
        self.used_titles: set[str] = set()
        self.counter = 0

    def build(self):
        from core.demo import JURISDICTIONS

        codes = [code for code, *_ in JURISDICTIONS]
        plan = [(year, PAST_YEAR) for year in range(self.first_year, self.current_year)]
        plan += [(self.current_year, CURRENT_YEAR), (self.current_year + 1, NEXT_YEAR)]
        for year, targets in plan:
            for j_index, code in enumerate(codes):
                # each jurisdiction leaves a different mix, rotating through the list
                drivers = [
                    self.case(code, year, targets[(n + j_index) % len(targets)])
                    for n in range(len(targets) - (j_index % 2))
                ]
                voting = [(d, d.target) for d in drivers if d.before_vote(d.target)]
                if voting:
                    self.congress_vote(code, year, voting)
                for driver, target in voting:
                    if target != "not_elected":
                        driver.after_vote(target)

    def congress_vote(self, code, year, voting):
        """The year's congress session votes on the jurisdiction's candidates at once, on
        paper, counted by two tellers."""
        from core.demo_voting import paper_vote

        session_day = datetime.date(year, 1, 15)
        outcomes = []
        for driver, target in voting:
            driver.d.refresh()
            outcomes.append((driver.d.project, target != "not_elected"))
        with happened_on([d.pid for d, _t in voting], session_day, 16):
            paper_vote(self.w, code, outcomes, year=year)

    # -- one case ------------------------------------------------------------------
    def _title(self, code, year):
        places = PLACES[code]
        while True:
            n = self.counter
            self.counter += 1
            place = places[(n // len(KINDS) + n) % len(places)]
            kind = KINDS[(n * 5 + year) % len(KINDS)]
            title = f"{place}{kind[1]}"
            if (code, title) not in self.used_titles:
                self.used_titles.add((code, title))
                return title, place, kind

    def case(self, code, year, target):
        w = self.w
        j = w.jurisdictions[code]
        title, place, (category_code, what, why, budget) = self._title(code, year)
        gov = w._u(code, Role.GOVERNMENT_OFFICE)
        seq = self.counter
        collected = datetime.date(year - 1, 9, 1) + datetime.timedelta(days=(seq * 3) % 35)
        n_sources = 1 + seq % 3
        sources = []
        for n in range(n_sources):
            sources.append(
                suggestions.suggestion_submit(
                    actor=None if n == 0 else gov,
                    jurisdiction=j,
                    channel=[Channel.ONLINE, Channel.DEPUTY, Channel.LIAISON_STATION][n % 3],
                    title=f"关于{place}{what}的建议" if n == 0 else f"{place}{what[:4]}问题反映",
                    text=why,
                    proposer_name=w._name(),
                    proposer_contact=f"139{w.rng.randrange(10**8):08d}",
                    location=place,
                    category=Category.objects.get(code=category_code),
                    year=year,  # collected in the autumn before, for this year's projects
                )
            )
        received = Suggestion.history.filter(id__in=[s.pk for s in sources])
        received.update(history_date=_moment(collected))
        registered = min(
            collected + datetime.timedelta(days=5 + seq % 7), datetime.date(year - 1, 10, 15)
        )
        started = timezone.now()
        project = projects.project_register(
            actor=gov,
            jurisdiction=j,
            suggestions=sources,
            title=title,
            category=Category.objects.get(code=category_code),
            year=year,
            reason=why,
            content=f"在{place}实施{what}：{why}",
            location=place,
            budget=budget + (seq % 5) * 10,
            fund_source="县级财政资金" if code == "qh" else "镇级财政资金和上级补助",
        )
        self._date_registration(project, started, registered)
        Suggestion.objects.filter(pk__in=[s.pk for s in sources]).update(created=_moment(collected))
        return StoryDriver(w, code, project, seq, target)

    def _date_registration(self, project, started, day):
        when = _moment(day, 9)
        shift = when - started
        process_id = Project.objects.filter(pk=project.pk).values_list("process__pk", flat=True)[0]
        Task.objects.filter(process_id=process_id, created__gte=started).update(
            created=F("created") + shift, finished=F("finished") + shift
        )
        Process.objects.filter(pk=process_id, created__gte=started).update(
            created=F("created") + shift
        )
        Project.objects.filter(pk=project.pk).update(created=when)
        Project.history.filter(id=project.pk, history_date__gte=started).update(
            history_date=F("history_date") + shift
        )
        Suggestion.history.filter(
            id__in=project.suggestions.values("pk"), history_date__gte=started
        ).update(history_date=F("history_date") + shift)


class StoryDriver:
    """Walks one case of a given year through its calendar, each step on its day."""

    def __init__(self, world, code, project, seq, target):
        from core.demo import CaseDriver

        self.d = CaseDriver(world, code, project)
        self.year = project.year
        self.seq = seq
        self.pid = project.pk
        self.target = target

    def day(self, month, day, year_offset=0):
        jitter = self.seq % 6
        return datetime.date(self.year + year_offset, month, day) + datetime.timedelta(days=jitter)

    def at(self, day, hour=10):
        return happened_on(self.pid, day, hour)

    def before_vote(self, target) -> bool:
        """The autumn before: study and Party review. True if the case goes to the vote."""
        d, y = self.d, -1
        if target == "assign_study":
            return False
        with self.at(self.day(10, 20, y)):
            d.assign()
        if target == "study":
            return False
        with self.at(self.day(11, 5, y)):
            d.study(feasible=target != "infeasible")
        if target in ("infeasible", "party_review"):
            return False
        if target == "returned_then_study":
            with self.at(self.day(11, 20, y)):
                d.party("returned", "请补充资金测算和运维方案。")
            return False  # back with the department for a second study
        with self.at(self.day(11, 20, y)):
            if target == "rejected":
                d.party("rejected", "与县级已列项目重复，暂不列入。")
                return False
            d.party()
        return target != "candidate"

    def after_vote(self, target) -> None:
        """The year itself: plan, group, quarterly reports, acceptance, rating."""
        d = self.d
        with self.at(self.day(1, 25)):
            d.group()
        if target == "planning":
            return  # the plan is owed (and overdue)
        with self.at(self.day(2, 10)):
            d.plan(deadline=datetime.date(self.year, 11, 30), year=self.year)
        self._quarters(target)

    def _quarters(self, target):
        d = self.d
        returned_in = 2 if self.seq % 2 else 1
        finishing = target not in ("implementing", "report_review", "answer_opinions")
        for quarter, progress in ((1, 25), (2, 60), (3, 100 if finishing else 80)):
            completed = finishing and quarter == 3
            month = quarter * 3 + 1
            d.refresh()
            with self.at(self.day(month, 6)):
                d.report(quarter, progress, completed=completed, year=self.year)
            if target == "report_review" and quarter == 3:
                return
            if target == "implementing" and quarter == 2:
                with self.at(self.day(month, 12)):
                    d.review()
                return  # the third quarter's report is owed, and overdue
            if quarter == returned_in:
                with self.at(self.day(month, 12)):
                    d.review(sign_off=False)
                if target == "answer_opinions" and quarter == 3:
                    return
                with self.at(self.day(month, 20)):
                    d.answer()
            if target == "answer_opinions" and quarter == 3:
                with self.at(self.day(month, 12)):
                    d.review(sign_off=False)
                return
            with self.at(self.day(month, 26)):
                d.review()
        if target == "acceptance":
            return
        # this year's early finishers: accepted and rated in November
        early = target in ("evaluation", "accountability")
        accept_on = self.day(11, 3) if early else self.day(11, 10)
        if target == "closed_normal" and self.year % 2:
            # the first inspection finds work to put right; a rectification report follows
            with self.at(self.day(11, 2)):
                d.accept(accepted=False)
            d.refresh()
            with self.at(self.day(11, 9)):
                d.report(4, 100, completed=True, year=self.year)
            with self.at(self.day(11, 13)):
                d.review()
            accept_on = self.day(11, 20)
        with self.at(accept_on):
            d.accept()
        if target == "evaluation":
            return
        rate = {"closed_commend": 91.5 + self.seq % 7, "closed_normal": 72.0 + self.seq % 9}
        with self.at(self.day(11, 20) if early else self.day(12, 20), 15):
            d.rate(rate.get(target, 52.4))
        if target == "closed_after_accountability":
            with self.at(self.day(1, 12, 1)):
                d.hearing(datetime.date(self.year + 1, 1, 12))


# -- cases built elsewhere in the demo (its voting sessions) ----------------------------
# When each step of a case of year Y is done, as (month, day, year offset), for cases the
# story did not walk itself; reports are dated by their quarter.
STEP_DAYS = {
    "register": (10, 15, -1),
    "assign_study": (10, 22, -1),
    "study_feasibility": (11, 6, -1),
    "review_by_party": (11, 21, -1),
    "await_vote": (1, 16, 0),
    "assign_monitoring_group": (1, 26, 0),
    "submit_plan": (2, 12, 0),
    "accept_completion": (11, 8, 0),
    "await_satisfaction": (12, 20, 0),
    "record_accountability": (1, 12, 1),
}


def _step_day(project, task, previous: datetime.date, report) -> datetime.date:
    name = task.flow_task.name
    if name in ("submit_report", "review_report", "answer_opinions") and report is not None:
        year, month = (report.year + 1, 1) if report.quarter == 4 else (report.year, 0)
        month = month or report.quarter * 3 + 1
        day = {"submit_report": 6, "review_report": 13, "answer_opinions": 20}[name]
        return max(previous, datetime.date(year, month, day))
    if name in STEP_DAYS:
        month, day, offset = STEP_DAYS[name]
        return max(previous, datetime.date(project.year + offset, month, day))
    return previous


def date_cases_built_since(since) -> int:
    """Give the demo's cases built since `since` (all in one minute) their calendar: each
    step on its day in the case's year. Returns how many cases were dated.

    A step's writes are everything of the case from the moment the step began (its task
    started) until the next step began; the steps are moved latest first."""
    dated = 0
    today = timezone.localdate()
    latest = timezone.now() - datetime.timedelta(hours=1)
    for project in Project.objects.filter(created__gte=since).select_related("process"):
        tasks = list(
            Task.objects.filter(
                process_id=project.process.pk,
                finished__isnull=False,
                flow_task_type__in=("START", "HUMAN", "FUNCTION"),
            ).order_by("finished", "pk")
        )
        steps, previous, report = [], datetime.date(project.year - 1, 10, 1), None
        for task in tasks:
            if (task.data or {}).get("report"):
                report = QuarterlyReport.objects.filter(pk=task.data["report"]).first()
            previous = min(_step_day(project, task, previous, report), today)
            began = task.started or task.assigned or task.created
            if task.flow_task_type == "START":
                began = project.created - datetime.timedelta(seconds=30)
            steps.append((began, previous))
        for began, day in sorted(steps, key=lambda step: step[0], reverse=True):
            _move_case(project.pk, began, min(_moment(day), latest))
        dated += 1
    return dated
