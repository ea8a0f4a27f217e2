"""The demo world: a county with two townships and one street, their offices, deputies,
one user per role per jurisdiction, and about 30 cases spread over every step.

Every case is built through the services, exactly as the offices would, so its tasks and
history are real. Building twice changes nothing.
"""

import datetime
import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from core.categories import ensure_default_categories
from core.demo_api import build_api_demo
from core.demo_deputies import build_deputies_demo
from core.demo_scale import build_scale_demo
from core.models import (
    Category,
    Channel,
    Deputy,
    DeputyKind,
    Jurisdiction,
    Level,
    Office,
    OfficeKind,
    Project,
)
from core.services import calendar, organisation, projects, suggestions, supervision
from core.services.steps import open_task
from permissions.roles import Role

from .demo_oversight import build_oversight_demo

DEMO_PASSWORD = "demo-2026"
PHASES = {n: f"{'一二三四五六七八九'[n - 1]}期" for n in range(1, 10)}
YEAR = 2026

JURISDICTIONS = [
    # code, name, level, parent code
    ("qh", "清河区", Level.COUNTY, None),
    ("qh-dh", "东湖镇", Level.TOWNSHIP, "qh"),
    ("qh-xs", "西山乡", Level.TOWNSHIP, "qh"),
    ("qh-nm", "南门街道", Level.STREET, "qh"),
]

OFFICES = [
    # kind, suffix, name
    (OfficeKind.PARTY, "party", "党委办公室"),
    (OfficeKind.CONGRESS, "congress", "人大办公室"),
    (OfficeKind.GOVERNMENT, "government", "政府办公室"),
    (OfficeKind.DEPARTMENT, "works", "建设管理办公室"),
    (OfficeKind.DEPARTMENT, "social", "社会事务办公室"),
]
COUNTY_OFFICE_NAMES = {
    "party": "区委办公室",
    "congress": "区人大常委会办公室",
    "government": "区政府办公室",
    "works": "区住房和城乡建设局",
    "social": "区民政局",
}
STREET_OFFICE_NAMES = {
    "party": "街道党工委办公室",
    "congress": "街道人大工委（议事会）",
    "government": "街道办事处",
    "works": "街道城市管理办公室",
    "social": "街道社区服务中心",
}

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = [
    "建国",
    "秀英",
    "志强",
    "丽华",
    "国庆",
    "海燕",
    "文军",
    "春梅",
    "晓东",
    "玉兰",
    "德明",
    "红霞",
]
EXPERTISE = ["工程建设", "财务审计", "教育", "医疗卫生", "法律", "农业农村", "社区工作", "交通"]

IDEAS = [
    ("transport", "老旧道路提升改造", "镇区主干道路面破损，雨天积水，建议整体翻修并增设人行道。"),
    ("elderly_care", "社区居家养老服务中心", "老年人口多，建议建设日间照料中心和老年食堂。"),
    ("environment", "农村生活污水治理", "部分自然村污水直排河道，建议建设集中处理设施。"),
    ("education", "中小学校舍改造", "学校食堂和厕所陈旧，建议改造提升。"),
    ("health", "村卫生室标准化建设", "卫生室设备不足，建议按标准配置。"),
    ("urban_management", "背街小巷路灯安装", "夜间出行不便，建议安装太阳能路灯。"),
    ("culture_sport", "全民健身广场建设", "缺少健身场地，建议利用闲置地建设健身广场。"),
    ("employment", "就业创业服务驿站", "建议设立就业服务站，提供岗位信息和技能培训。"),
    ("housing", "老旧小区加装电梯", "多层住宅老人上下楼困难，建议加装电梯。"),
    ("public_safety", "农贸市场消防改造", "市场消防设施老化，建议全面改造。"),
    ("transport", "公交候车亭建设", "线路沿线缺少候车亭，建议增设。"),
    ("elderly_care", "助餐点建设", "建议在各社区建设老年助餐点。"),
]

# Where each demo case is left, in order; cycled over the jurisdictions.
TARGETS = [
    "assign_study",
    "study",
    "party_review",
    "candidate",
    "infeasible",
    "rejected",
    "returned_then_study",
    "not_elected",
    "planning",
    "implementing",
    "report_review",
    "answer_opinions",
    "acceptance",
    "evaluation",
    "accountability",
    "closed_commend",
    "closed_normal",
    "closed_after_accountability",
    "candidate",
    "implementing",
    "report_review",
    "planning",
    "closed_commend",
    "study",
    "candidate",
    "implementing",
    "evaluation",
    "party_review",
    "not_elected",
    "acceptance",
]


@dataclass
class Login:
    username: str
    role: str
    jurisdiction: str
    parent_jurisdiction: str | None
    name: str

    def as_json(self):
        return {
            "username": self.username,
            "password": DEMO_PASSWORD,
            "role": self.role,
            "jurisdiction": self.jurisdiction,
            "parent_jurisdiction": self.parent_jurisdiction,
        }


class DemoWorld:
    def __init__(self):
        self.rng = random.Random(2026)
        self.logins: list[Login] = []
        self.users: dict[tuple[str, str], User] = {}
        self.jurisdictions: dict[str, Jurisdiction] = {}
        self.offices: dict[tuple[str, str], Office] = {}
        self._password_hash: str | None = None

    # -- organisation --------------------------------------------------------------
    def _user(self, username, name, role, jurisdiction, office=None):
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": name, "email": f"{username}@demo.invalid"}
        )
        if created:
            # one hash for every demo login (they share a published password): building
            # the demo does not spend a second per user on key stretching
            if self._password_hash is None:
                self._password_hash = make_password(DEMO_PASSWORD)
            user.password = self._password_hash
            user.save(update_fields=["password"])
        organisation.role_assign(
            actor=None, user=user, role=role, jurisdiction=jurisdiction, office=office
        )
        parent = jurisdiction.parent.code if jurisdiction.parent_id else None
        self.logins.append(Login(username, role, jurisdiction.code, parent, user.first_name))
        return user

    def _name(self):
        return self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)

    def build_organisation(self):
        ensure_default_categories(Category)
        for code, name, level, parent in JURISDICTIONS:
            jurisdiction, _ = Jurisdiction.objects.get_or_create(
                code=code,
                defaults={"name": name, "level": level, "parent": self.jurisdictions.get(parent)},
            )
            self.jurisdictions[code] = jurisdiction
            for kind, suffix, office_name in OFFICES:
                if level == Level.COUNTY:
                    office_name = COUNTY_OFFICE_NAMES[suffix]
                elif level == Level.STREET:
                    office_name = STREET_OFFICE_NAMES[suffix]
                else:
                    office_name = name + office_name
                office, _ = Office.objects.get_or_create(
                    code=f"{code}-{suffix}",
                    defaults={
                        "jurisdiction": jurisdiction,
                        "kind": kind,
                        "name": office_name,
                        "head_name": self._name(),
                    },
                )
                self.offices[(code, suffix)] = office

        for code, _name, level, _parent in JURISDICTIONS:
            j = self.jurisdictions[code]
            prefix = code.replace("-", ".")
            self.users[(code, Role.CONGRESS_OFFICE)] = self._user(
                f"{prefix}.congress", self._name(), Role.CONGRESS_OFFICE, j
            )
            self.users[(code, Role.GOVERNMENT_OFFICE)] = self._user(
                f"{prefix}.government", self._name(), Role.GOVERNMENT_OFFICE, j
            )
            self.users[(code, Role.PARTY_OFFICE)] = self._user(
                f"{prefix}.party", self._name(), Role.PARTY_OFFICE, j
            )
            for suffix in ("works", "social"):
                self.users[(code, suffix)] = self._user(
                    f"{prefix}.{suffix}",
                    self._name(),
                    Role.DEPARTMENT,
                    j,
                    office=self.offices[(code, suffix)],
                )
            # Three tellers: any two of them open an electronic vote's sealed ballots.
            self.users[(code, Role.TELLER)] = self._user(
                f"{prefix}.teller", self._name(), Role.TELLER, j
            )
            for n in (2, 3):
                self.users[(code, f"teller{n}")] = self._user(
                    f"{prefix}.teller{n}", self._name(), Role.TELLER, j
                )
            self.users[(code, Role.SUPERVISOR)] = self._user(
                f"{prefix}.supervisor", self._name(), Role.SUPERVISOR, j
            )
            kind = DeputyKind.COUNCIL if level == Level.STREET else DeputyKind.DEPUTY
            for n in range(1, 9):
                name = self._name()
                user = self._user(f"{prefix}.deputy{n}", name, Role.DEPUTY, j)
                Deputy.objects.get_or_create(
                    user=user,
                    defaults={
                        "name": name,
                        "kind": kind,
                        "jurisdiction": j,
                        "congress": "第十八届" if kind == DeputyKind.DEPUTY else "第三届议事会",
                        "delegation": f"第{(n - 1) // 4 + 1}代表团",
                        "expertise": EXPERTISE[(n - 1) % len(EXPERTISE)],
                        "liaison_station": f"{j.name}代表联络站",
                    },
                )

    # -- cases ----------------------------------------------------------------------
    def _u(self, code, role):
        return self.users[(code, role)]

    def _step(self, project, node_name):
        from flows.project_flow import ProjectFlow

        return open_task(project.process, getattr(ProjectFlow, node_name))

    def build_cases(self):
        codes = [c for c, *_ in JURISDICTIONS]
        for index, target in enumerate(TARGETS):
            code = codes[index % len(codes)]
            self.build_case(index, code, target)

    def _place(self, code, index) -> str:
        """Where a case of this index is: the jurisdiction itself for the first round of
        ideas, then its villages and communities, so that no two cases share a title."""
        from core.demo_story import PLACES

        places = PLACES.get(code)
        if index < len(IDEAS) or not places:
            return self.jurisdictions[code].name
        return places[(index // len(IDEAS) - 1) % len(places)]

    def _distinct_title(self, jurisdiction, title) -> str:
        """A title already taken in the jurisdiction is the project's next phase."""
        candidate, phase = title, 2
        while Project.objects.filter(jurisdiction=jurisdiction, title=candidate).exists():
            candidate = f"{title}（{PHASES[phase]}）"
            phase += 1
        return candidate

    def build_case(self, index, code, target, year=YEAR):
        j = self.jurisdictions[code]
        category_code, title, text = IDEAS[index % len(IDEAS)]
        category = Category.objects.get(code=category_code)
        gov = self._u(code, Role.GOVERNMENT_OFFICE)
        channels = [Channel.ONLINE, Channel.DEPUTY, Channel.LIAISON_STATION, Channel.HOTLINE]
        sources = [
            suggestions.suggestion_submit(
                actor=None if n == 0 else gov,
                jurisdiction=j,
                channel=channels[(index + n) % 4],
                title=f"{title}（建议{n + 1}）",
                text=text,
                proposer_name=self._name(),
                proposer_contact=f"139{self.rng.randrange(10**8):08d}",
                location=f"{j.name}",
                category=category,
                year=year,  # collected in the autumn before, for this year's projects
            )
            for n in range(1 + index % 2)
        ]
        project = projects.project_register(
            actor=gov,
            jurisdiction=j,
            suggestions=sources,
            title=self._distinct_title(j, f"{self._place(code, index)}{title}"),
            category=category,
            year=year,
            reason=text,
            content=f"{title}：{text}",
            location=j.name,
            budget=100 + index * 15,
            fund_source="财政资金",
        )
        steps = CaseDriver(self, code, project)
        steps.run_to(target)
        return project


class CaseDriver:
    """Walks one case forward to a named point, each step by the right office."""

    ORDER = [
        "assign_study",
        "study",
        "party_review",
        "candidate",
        "planning",
        "implementing",
        "report_review",
        "acceptance",
        "evaluation",
        "closed",
    ]

    def __init__(self, world: DemoWorld, code: str, project: Project):
        self.w, self.code, self.project = world, code, project
        self.dept = "works" if project.pk % 2 else "social"

    def task(self, name):
        return self.w._step(self.project, name)

    def refresh(self):
        self.project = Project.objects.get(pk=self.project.pk)

    def assign(self):
        projects.project_assign_study(
            actor=self.w._u(self.code, Role.GOVERNMENT_OFFICE),
            task=self.task("assign_study"),
            department=self.w.offices[(self.code, self.dept)],
            note="请于两周内完成论证",
        )

    def study(self, feasible=True):
        projects.project_submit_feasibility(
            actor=self.w._u(self.code, self.dept),
            task=self.task("study_feasibility"),
            feasible=feasible,
            opinion="经现场踏勘，方案可行。" if feasible else "",
            infeasible_reason="" if feasible else "该地块属于基本农田，无法建设。",
        )

    def party(self, decision="approved", comment=""):
        projects.project_review_by_party(
            actor=self.w._u(self.code, Role.PARTY_OFFICE),
            task=self.task("review_by_party"),
            decision=decision,
            comment=comment,
        )

    def vote(self, elected=True):
        """The congress vote, held on paper and recorded as a paper session by two
        tellers: the outcome of a case comes only from a session's announcement."""
        from core.demo_voting import paper_vote

        self.refresh()
        paper_vote(self.w, self.code, [(self.project, elected)])

    def plan_and_group(self):
        self.plan()
        self.group()

    def plan(self, deadline=None, year=None):
        year = year or YEAR
        projects.project_submit_plan(
            actor=self.w._u(self.code, self.dept),
            task=self.task("submit_plan"),
            plan_summary="分三阶段实施：设计、施工、验收。",
            responsible=self.w._name(),
            budget=self.project.budget,
            fund_source="区财政专项资金",
            deadline=deadline or datetime.date(year, 11, 30),
            targets="年底前完工并投入使用",
            milestones=[
                ("完成设计招标", datetime.date(year, 3, 31)),
                ("主体工程完工", datetime.date(year, 9, 30)),
            ],
        )

    def group(self):
        deputies = list(Deputy.objects.filter(jurisdiction__code=self.code).order_by("pk"))
        start = self.project.pk % 5
        projects.project_assign_monitoring_group(
            actor=self.w._u(self.code, Role.CONGRESS_OFFICE),
            task=self.task("assign_monitoring_group"),
            deputies=deputies[start : start + 3],
        )

    def monitor(self):
        deputy = self.project.monitors.order_by("pk").first()
        return deputy.user

    def report(self, quarter, progress, completed=False, year=None):
        supervision.report_submit(
            actor=self.w._u(self.code, self.dept),
            task=self.task("submit_report"),
            year=year or YEAR,
            quarter=quarter,
            progress=progress,
            funds_spent=progress,
            milestone_notes=f"第{quarter}季度完成计划工作量。",
            problems="",
            completed=completed,
        )

    def review(self, sign_off=True):
        self.refresh()
        supervision.report_review(
            actor=self.monitor(),
            task=self.task("review_report"),
            sign_off=sign_off,
            opinions="" if sign_off else "施工现场安全防护不到位，请整改。\n\n请补充资金使用明细。",
        )

    def answer(self):
        task = self.task("answer_opinions")
        report = self.project.reports.order_by("-submitted_at", "-pk").first()
        answers = {o.pk: "已整改落实。" for o in report.opinions.filter(answered_at__isnull=True)}
        supervision.opinions_answer(
            actor=self.w._u(self.code, self.dept), task=task, answers=answers
        )

    def accept(self, accepted=True):
        self.refresh()
        projects.project_accept_completion(
            actor=self.monitor(),
            task=self.task("accept_completion"),
            accepted=accepted,
            opinion="工程质量合格，同意验收。" if accepted else "部分路段排水不畅，整改后再验收。",
        )

    def rate(self, rate):
        self.refresh()
        projects.project_record_satisfaction(
            actor=self.w._u(self.code, Role.CONGRESS_OFFICE), project=self.project, rate=rate
        )

    def hearing(self, meeting_date=None):
        projects.project_record_accountability(
            actor=self.w._u(self.code, Role.CONGRESS_OFFICE),
            task=self.task("record_accountability"),
            meeting_date=meeting_date or datetime.date(YEAR, 12, 20),
            explanation="工期延误，原因是征地协调不畅。",
            questions_answers="问：何时完成整改？答：明年一季度。",
        )

    def run_to(self, target):
        if target == "assign_study":
            return
        self.assign()
        if target == "study":
            return
        if target == "infeasible":
            return self.study(feasible=False)
        self.study()
        if target == "party_review":
            return
        if target == "rejected":
            return self.party("rejected", "与已有规划重复，暂不列入。")
        if target == "returned_then_study":
            return self.party("returned", "请补充资金测算。")
        self.party()
        if target == "candidate":
            return
        if target == "not_elected":
            return self.vote(elected=False)
        self.vote()
        if target == "planning":
            return
        self.plan_and_group()
        if target == "implementing":
            return
        self.refresh()
        self.report(1, 30)
        if target == "report_review":
            return
        if target == "answer_opinions":
            return self.review(sign_off=False)
        self.review(sign_off=False)
        self.answer()
        self.review()
        self.report(2, 100, completed=True)
        self.review()
        if target == "acceptance":
            return
        self.accept()
        if target == "evaluation":
            return
        rate = {"closed_commend": 93.5, "closed_normal": 78.2}.get(target, 52.4)
        self.rate(rate)
        if target == "closed_after_accountability":
            self.hearing()


@transaction.atomic
def build_demo() -> DemoWorld:
    world = DemoWorld()
    world.build_organisation()
    # In the demo, 东湖镇 and 南门街道 take suggestions all year (some places do), so the
    # public form can be tried in any month; the others keep the autumn collection window.
    for code in ("qh-dh", "qh-nm"):
        calendar.calendar_settings_update(
            actor=None, jurisdiction=world.jurisdictions[code], collection_all_year=True
        )
    demo_county = world.jurisdictions["qh"]
    fresh = not Project.objects.filter(jurisdiction__path__startswith=demo_county.path).exists()
    if fresh:
        from core.demo_story import Story
        from core.demo_voting import seed_voting

        Story(world).build()
        started = timezone.now()
        seed_voting(world)
    # Every area's demo (each builds what it lacks); on a fresh demo their cases, like the
    # votes' cases, then get their calendar.
    build_api_demo(world)
    build_oversight_demo(world)
    build_deputies_demo(world)
    build_scale_demo(world)
    if fresh:
        from core.demo_story import date_cases_built_since

        date_cases_built_since(started)
    return world
