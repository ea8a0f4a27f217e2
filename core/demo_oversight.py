"""The supervision year in the demo: the county's mid-year meeting held with its ratings
and review opinions, a township's quarterly meetings, inspections with photos and answered
opinions, the monitoring group's research report, an adjusted project, a stopped one, a
two-year project in its second phase, an appraisal sheet for the Party committee office,
and an inquiry after an accountability hearing.

Built through the services, by the office each step belongs to, on dates that follow the
year's calendar. Building twice changes nothing.
"""

import datetime
import struct
import zlib
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import Category, Deputy, Project, Stage
from core.models.meetings import Meeting, RatingPurpose
from core.models.voting import SessionKind
from core.selectors.calendar import calendar_today
from core.services import (
    appraisal,
    changes,
    inspections,
    meetings,
    projects,
    review_opinions,
    suggestions,
    supervision,
    voting,
)
from core.services.steps import open_task
from core.voting.rules import SCORE_100
from permissions.roles import Role

from .demo_voting import TELLER_KEYS, TELLER_PASSPHRASES, paper_vote

YEAR = 2026


def site_photo(name: str, rgb: tuple[int, int, int]) -> SimpleUploadedFile:
    """A small PNG (sky over a work site, in the given colour) for the demo's photos."""
    width, height = 320, 200
    rows = []
    for y in range(height):
        colour = (135, 190, 235) if y < height * 0.45 else rgb
        rows.append(b"\x00" + bytes(colour) * width)
    raw = b"".join(rows)

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )
    return SimpleUploadedFile(name, png, content_type="image/png")


class OversightDemo:
    def __init__(self, world):
        self.w = world

    def user(self, code, role):
        return self.w.users[(code, role)]

    def deputies(self, code):
        return list(Deputy.objects.filter(jurisdiction__code=code).order_by("pk"))

    def projects(self, code, *stages):
        return list(
            Project.objects.filter(jurisdiction__code=code, year=YEAR, stage__in=stages)
            .select_related("lead_unit")
            .order_by("pk")
        )

    def lead_clerk(self, project):
        code = project.jurisdiction.code
        suffix = project.lead_unit.code.rsplit("-", 1)[-1]
        return self.user(code, suffix)

    # -- the county: mid-year meeting, inspection, research report -------------------
    def county_mid_year(self):
        congress = self.user("qh", Role.CONGRESS_OFFICE)
        j = self.w.jurisdictions["qh"]
        meeting = meetings.meeting_plan(
            actor=congress,
            jurisdiction=j,
            kind="mid_year",
            title="清河区人大常委会2026年民生实事项目年中推进会",
            scheduled_on=datetime.date(YEAR, 7, 22),
            venue="区人大常委会第一会议室",
        )
        meetings.meeting_record_held(
            actor=congress,
            meeting=meeting,
            held_on=datetime.date(YEAR, 7, 22),
            present=self.deputies("qh")[:7],
            speakers="区住建局局长汇报道路提升改造项目上半年进展；区民政局副局长汇报养老服务项目；"
            "代表王建国、李秀英就施工安全和资金拨付发言。",
            minutes="会议听取了各民生实事项目牵头单位上半年实施情况报告，"
            "对照实施方案逐项审议，并以无记名投票方式对在建项目进行了年中测评（百分制）。",
        )
        under_way = self.projects("qh", Stage.PLANNING, Stage.IMPLEMENTING, Stage.ACCEPTANCE)
        self.mid_year_vote(meeting, under_way)
        first = under_way[0]
        answered = meetings.meeting_issue_opinion(
            actor=congress,
            meeting=meeting,
            project=first,
            text="项目前期进度偏慢，请倒排工期，确保9月底前完成主体工程。",
            due=datetime.date(YEAR, 8, 31),
        )
        review_opinions.review_opinion_answer(
            actor=self.lead_clerk(first),
            opinion=answered,
            answer="已调整施工组织，增加两个施工班组，8月底主体工程完成70%。",
        )
        review_opinions.review_opinion_check(
            actor=congress,
            opinion=answered,
            accepted=True,
            note="9月现场回头看，整改措施已落实。",
        )
        if len(under_way) > 1:
            second = under_way[1]
            waiting = meetings.meeting_issue_opinion(
                actor=congress,
                meeting=meeting,
                project=second,
                text="请公开项目资金使用明细，接受群众监督。",
                due=datetime.date(YEAR, 9, 15),
            )
            review_opinions.review_opinion_answer(
                actor=self.lead_clerk(second),
                opinion=waiting,
                answer="已在公示栏和政府网站公开资金使用明细。",
            )
        return meeting, under_way

    def county_inspection(self, under_way):
        congress = self.user("qh", Role.CONGRESS_OFFICE)
        project = under_way[-1]
        inspection = inspections.inspection_record(
            actor=congress,
            jurisdiction=self.w.jurisdictions["qh"],
            kind="inspection",
            body="committee",
            held_on=datetime.date(YEAR, 6, 12),
            title="区人大常委会视察民生实事项目建设现场",
            projects=[project],
            deputies=self.deputies("qh")[:4],
            others="区人大常委会副主任、区住建局分管负责人",
            findings="主体工程按计划推进；现场安全围挡不连续，部分路段夜间照明不足。",
            photos=[
                (site_photo("shigong-1.png", (150, 120, 90)), "施工现场全景"),
                (site_photo("shigong-2.png", (110, 110, 110)), "未封闭的围挡路段"),
            ],
        )
        opinion = inspections.inspection_issue_opinion(
            actor=congress,
            inspection=inspection,
            project=project,
            text="完善施工围挡和夜间警示照明，确保群众出行安全。",
            due=datetime.date(YEAR, 6, 30),
        )
        review_opinions.review_opinion_answer(
            actor=self.lead_clerk(project),
            opinion=opinion,
            answer="已补齐围挡420米，新增警示灯36盏，6月25日整改完毕。",
        )
        review_opinions.review_opinion_check(
            actor=congress, opinion=opinion, accepted=True, note="7月初回头看，整改到位。"
        )
        member = project.monitors.order_by("pk").first()
        if member is not None and member.user_id:
            inspections.inspection_record(
                actor=member.user,
                jurisdiction=project.jurisdiction,
                kind="group_report",
                body="group",
                held_on=datetime.date(YEAR, 11, 20),
                title="监督小组关于该项目的调研报告",
                projects=[project],
                deputies=list(project.monitors.all()),
                findings="监督小组全年开展视察3次、调研2次。项目总体按实施方案推进，"
                "资金拨付及时；建议加强竣工后的运营管护。",
            )
        late = inspections.inspection_issue_opinion(
            actor=congress,
            inspection=inspection,
            project=project,
            text="请报送项目竣工后的管护方案。",
            due=datetime.date(YEAR, 11, 20),
        )
        review_opinions.review_opinion_escalate(opinion_id=late.pk)

    def mid_year_vote(self, meeting, projects):
        """The deputies present rate the projects under way by secret ballot on a 100-point
        scale (as in Chongqing): sealed electronic ballots, opened by two of the three
        tellers; the announcement stores each project's mid-year rating."""
        code = meeting.jurisdiction.code
        congress = self.user(code, Role.CONGRESS_OFFICE)
        session = voting.session_create(
            actor=congress,
            jurisdiction=meeting.jurisdiction,
            year=meeting.year,
            kind=SessionKind.SATISFACTION,
            title="清河区2026年民生实事项目年中测评",
            rules={"scale": SCORE_100},
            held_on=meeting.held_on,
            purpose=RatingPurpose.MID_YEAR,
        )
        meetings.meeting_link_rating_session(actor=congress, meeting=meeting, session=session)
        voting.session_build_slate(actor=congress, session=session, projects=projects)
        voting.session_approve_slate(actor=self.user(code, Role.PARTY_OFFICE), session=session)
        present = list(meeting.attendees.select_related("user").order_by("pk"))
        voting.session_record_attendance(actor=congress, session=session, present=present)
        for key in TELLER_KEYS:
            voting.teller_key_set(
                actor=self.user(code, key),
                session=session,
                passphrase=TELLER_PASSPHRASES[key],
                confirm=TELLER_PASSPHRASES[key],
            )
        voting.session_open(actor=congress, session=session)
        scores = (92, 88, 85, 90, 79, 95, 86)
        for n, deputy in enumerate(present):
            marks = {
                str(p.pk): scores[(n + i) % len(scores)] - 6 * i for i, p in enumerate(projects)
            }
            voting.ballot_cast(actor=deputy.user, session=session, marks=marks)
        voting.session_close(actor=congress, session=session)
        first, second = self.user(code, Role.TELLER), self.user(code, "teller2")
        voting.session_count(
            actor=first,
            session=session,
            passphrases={
                first.pk: TELLER_PASSPHRASES[Role.TELLER],
                second.pk: TELLER_PASSPHRASES["teller2"],
            },
        )
        voting.session_confirm_count(actor=first, session=session)
        voting.session_announce(actor=congress, session=session)
        return session

    # -- a township: quarterly meetings, a group inspection, an adjustment, a hearing --
    def township(self):
        code = "qh-dh"
        congress = self.user(code, Role.CONGRESS_OFFICE)
        j = self.w.jurisdictions[code]
        spring = meetings.meeting_plan(
            actor=congress,
            jurisdiction=j,
            kind="quarterly",
            title="东湖镇人大2026年第一次季度例会",
            scheduled_on=datetime.date(YEAR, 4, 16),
            venue="镇人大主席团会议室",
        )
        meetings.meeting_record_held(
            actor=congress,
            meeting=spring,
            held_on=datetime.date(YEAR, 4, 16),
            present=self.deputies(code)[:6],
            speakers="镇建设管理办公室主任汇报；代表张志强、陈海燕发言。",
            minutes="听取各民生实事项目一季度实施情况报告，代表逐项审议。",
        )
        under_way = self.projects(code, Stage.PLANNING, Stage.IMPLEMENTING, Stage.ACCEPTANCE)
        if under_way:
            opinion = meetings.meeting_issue_opinion(
                actor=congress,
                meeting=spring,
                project=under_way[0],
                text="请加快设计招标，争取二季度开工。",
                due=datetime.date(YEAR, 5, 15),
            )
            review_opinions.review_opinion_answer(
                actor=self.lead_clerk(under_way[0]),
                opinion=opinion,
                answer="设计招标已于5月8日完成，6月初进场施工。",
            )
        meetings.meeting_plan(
            actor=congress,
            jurisdiction=j,
            kind="quarterly",
            title="东湖镇人大2026年第二次季度例会",
            scheduled_on=datetime.date(YEAR, 12, 16),
            venue="镇人大主席团会议室",
        )
        for project in [p for p in under_way if p.monitors.exists()][:1]:
            member = project.monitors.order_by("pk").first()
            inspections.inspection_record(
                actor=member.user,
                jurisdiction=j,
                kind="research",
                body="group",
                held_on=datetime.date(YEAR, 9, 10),
                title="监督小组调研项目施工质量",
                projects=[project],
                deputies=list(project.monitors.all()),
                findings="抽查隐蔽工程验收记录齐全，材料进场检验合格。",
                photos=[(site_photo("diaoyan.png", (95, 140, 80)), "调研现场")],
            )
        if len(under_way) > 1:
            adjusted = under_way[1]
            change = changes.change_propose(
                actor=self.user(code, Role.GOVERNMENT_OFFICE),
                project=adjusted,
                kind="adjust",
                reason="受汛期影响工期顺延，建材价格上涨需追加预算。",
                new_budget=(adjusted.budget or Decimal(0)) + Decimal("60"),
                new_deadline=datetime.date(YEAR, 12, 31),
            )
            changes.change_decide(
                actor=congress,
                change=change,
                approved=True,
                decided_on=datetime.date(YEAR, 8, 5),
                note="镇人代会主席团会议同意调整。",
            )

    def street(self):
        code = "qh-nm"
        under_way = self.projects(code, Stage.PLANNING, Stage.IMPLEMENTING, Stage.ACCEPTANCE)
        meetings.meeting_plan(
            actor=self.user(code, Role.CONGRESS_OFFICE),
            jurisdiction=self.w.jurisdictions[code],
            kind="council_end",
            title="南门街道居民议事会2026年年终会议",
            scheduled_on=datetime.date(YEAR, 12, 18),
            venue="街道社区服务中心",
        )
        if under_way:
            stopped = under_way[-1]
            change = changes.change_propose(
                actor=self.user(code, Role.GOVERNMENT_OFFICE),
                project=stopped,
                kind="stop",
                reason="上级专项补助资金未能到位，项目无法实施，建议终止并转入明年选题。",
            )
            changes.change_decide(
                actor=self.user(code, Role.CONGRESS_OFFICE),
                change=change,
                approved=True,
                decided_on=datetime.date(YEAR, 6, 26),
                note="居民议事会会议表决同意终止。",
            )

    def hearing_follow_up(self):
        for project in Project.objects.filter(
            jurisdiction__path__startswith=self.w.jurisdictions["qh"].path,
            accountability__isnull=False,
        ).order_by("pk")[:1]:
            appraisal.follow_up_record(
                actor=self.user(project.jurisdiction.code, Role.CONGRESS_OFFICE),
                project=project,
                kind="inquiry",
                decided_on=calendar_today(),
                reason="牵头单位负责人说明不充分，十名代表联名提出质询案。",
                proposers="王建国等10名代表",
            )

    # -- a two-year project in its second phase, and the appraisal of its first year -----
    def two_year_project(self):
        code = "qh"
        w = self.w
        gov = self.user(code, Role.GOVERNMENT_OFFICE)
        congress = self.user(code, Role.CONGRESS_OFFICE)
        j = w.jurisdictions[code]
        source = suggestions.suggestion_submit(
            actor=gov,
            jurisdiction=j,
            channel="deputy",
            title="城区雨污分流改造",
            text="老城区雨污合流，雨季污水溢流，建议分两年实施雨污分流改造。",
            proposer_name="刘国庆",
            location="清河区老城片区",
            category=Category.objects.get(code="environment"),
            year=YEAR - 2,
        )
        project = projects.project_register(
            actor=gov,
            jurisdiction=j,
            suggestions=[source],
            title="清河区老城片区雨污分流改造（两年实施）",
            category=Category.objects.get(code="environment"),
            year=YEAR - 1,
            reason="老城区雨污合流，雨季污水溢流。",
            content="分两期实施：一期主干管网，二期支管入户及泵站。",
            location="清河区老城片区",
            budget=Decimal("1800"),
            fund_source="区财政资金、专项债券",
        )
        works = w.offices[(code, "works")]

        def step(name):
            return open_task(project.process, getattr(_flow(), name))

        projects.project_assign_study(
            actor=gov, task=step("assign_study"), department=works, note="请论证分期方案"
        )
        clerk = self.user(code, "works")
        projects.project_submit_feasibility(
            actor=clerk, task=step("study_feasibility"), feasible=True, opinion="分两期实施可行。"
        )
        projects.project_review_by_party(
            actor=self.user(code, Role.PARTY_OFFICE),
            task=step("review_by_party"),
            decision="approved",
        )
        project.refresh_from_db()
        paper_vote(w, code, [(project, True)], year=YEAR - 1)
        projects.project_submit_plan(
            actor=clerk,
            task=step("submit_plan"),
            plan_summary="一期（2025年）敷设主干管网8.6公里；二期（2026年）支管入户及提升泵站。",
            responsible="周文军",
            budget=Decimal("1800"),
            fund_source="区财政资金、专项债券",
            deadline=datetime.date(YEAR, 11, 30),
            targets="两年内完成老城片区雨污分流",
            milestones=[
                ("一期主干管网完工", datetime.date(YEAR - 1, 11, 30)),
                ("二期支管入户完工", datetime.date(YEAR, 10, 31)),
            ],
        )
        monitors = self.deputies(code)[5:8]
        projects.project_assign_monitoring_group(
            actor=congress, task=step("assign_monitoring_group"), deputies=monitors
        )
        changes.phase_add(
            actor=gov,
            project=project,
            year=YEAR - 1,
            targets="敷设主干管网8.6公里",
            budget=Decimal("1000"),
            deadline=datetime.date(YEAR - 1, 11, 30),
        )
        changes.phase_add(
            actor=gov,
            project=project,
            year=YEAR,
            targets="支管入户改造3200户，建成提升泵站1座",
            budget=Decimal("800"),
            deadline=datetime.date(YEAR, 11, 30),
        )
        monitor = monitors[0].user
        quarters = [(YEAR - 1, q) for q in (1, 2, 3, 4)] + [(YEAR, q) for q in (1, 2, 3)]
        for (year, quarter), progress in zip(quarters, (10, 25, 40, 50, 62, 75, 86), strict=True):
            supervision.report_submit(
                actor=clerk,
                task=step("submit_report"),
                year=year,
                quarter=quarter,
                progress=progress,
                funds_spent=Decimal(progress * 18),
                milestone_notes=f"{year}年第{quarter}季度按计划推进。",
            )
            supervision.report_review(actor=monitor, task=step("review_report"), sign_off=True)
        project.refresh_from_db()
        appraisal.rating_record_unfinished(
            actor=congress,
            project=project,
            year=YEAR - 1,
            rated_on=datetime.date(YEAR - 1, 12, 22),
            mean_score=Decimal("84.3"),
        )
        appraisal.appraisal_issue(actor=congress, jurisdiction=j, year=YEAR - 1)
        return project


def _flow():
    from flows.project_flow import ProjectFlow

    return ProjectFlow


def build_oversight_demo(world) -> None:
    """Add the supervision year to the demo world (once)."""
    county = world.jurisdictions["qh"]
    if Meeting.objects.filter(jurisdiction=county).exists():
        return
    demo = OversightDemo(world)
    demo.two_year_project()
    _meeting, under_way = demo.county_mid_year()
    demo.county_inspection(under_way)
    demo.township()
    demo.street()
    demo.hearing_follow_up()
