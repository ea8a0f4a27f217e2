"""The first day: each role, new to the system, finds and does its first task from the
login page (a resident: from the home page) using only what the pages show: links,
menus, buttons. No URL is typed after the first page.

The cases behind the tasks are built through the services, as the offices before them
would have left them.
"""

import datetime
import re

import pytest

from core.demo import CaseDriver
from core.models import Category, Project, Stage, Suggestion
from core.models.calendar import TaskDeadline
from core.selectors.calendar import calendar_today, next_report_period
from core.services import calendar as calendar_services
from core.views import public as public_views
from flows.project_flow import ProjectFlow
from permissions.roles import Role

from .conftest import axe_violations, login, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CODE = "qh-dh"
PHONE = {"width": 390, "height": 844}


def build_case(world, index, target) -> CaseDriver:
    jurisdiction = world.jurisdictions[CODE]
    before = set(jurisdiction.projects.values_list("pk", flat=True))
    world.build_case(index, CODE, "assign_study")
    project = jurisdiction.projects.exclude(pk__in=before).get()
    driver = CaseDriver(world, CODE, project)
    driver.run_to(target)
    driver.refresh()
    return driver


def signed_in(new_page, username, **size):
    page = new_page(**size)
    login(page, username)
    assert "/accounts/login/" not in page.url, f"{username} could not log in"
    return page


def click_nav(page, text):
    page.locator("nav.mainnav a", has_text=text).first.click()
    page.wait_for_load_state()


def take_from_queue(page, title):
    """From the header's queue link, take this case's step: lands on its form."""
    click_nav(page, "待领取")
    page.locator("tbody tr", has_text=title).get_by_role("button", name="领取").click()
    page.wait_for_url(re.compile(r"/work/cases/\d+/tasks/\d+/$"))


def submit_step(page):
    page.locator("main form button.primary[type=submit]").first.click()
    page.wait_for_load_state()
    errors = page.locator(".error, .errors, .msg-error").all_inner_texts()
    assert re.search(r"/work/inbox/$", page.url), errors
    assert page.locator(".msg-success").count() == 1


def test_a_resident_suggests_and_follows_it_by_the_receipt_code(fresh_world, new_page):
    calendar_services.calendar_settings_update(
        actor=fresh_world.users[(CODE, Role.CONGRESS_OFFICE)],
        jurisdiction=fresh_world.jurisdictions[CODE],
        collection_all_year=True,
    )
    page = new_page(**PHONE)
    page.goto(page.base + "/")
    page.get_by_role("link", name="提出建议").first.click()
    page.wait_for_load_state()
    page.select_option("select[name=jurisdiction]", CODE)
    page.fill("input[name=title]", "湖滨村缺少路灯")
    page.fill("textarea[name=text]", "湖滨村主路晚上没有路灯，老人孩子出行不安全，建议安装路灯。")
    page.fill("input[name=location]", "湖滨村")
    page.select_option(
        "select[name=category]", str(Category.objects.get(code="urban_management").pk)
    )
    page.fill("input[name=proposer_name]", "李阿姨")
    page.fill("input[name=proposer_contact]", "13900002222")
    page.wait_for_timeout(1000 * getattr(public_views, "MIN_SECONDS", 3) + 200)
    page.locator("main button.primary[type=submit]").click()
    page.wait_for_url(re.compile(r"/receipt/[A-Z0-9-]+/$"))
    code = page.locator("h1 code.receipt").inner_text().strip()
    assert Suggestion.objects.get(receipt_code=code).title == "湖滨村缺少路灯"

    # later: back home by the header, and the receipt code finds it again
    page.locator("header a.brand").click()
    page.get_by_role("link", name="查询我的建议").first.click()
    page.fill("input[name=code]", code)
    page.get_by_role("button", name="查询").click()
    page.wait_for_load_state()
    assert "湖滨村缺少路灯" in page.locator("main").inner_text()


def test_the_government_office_assigns_its_first_study(fresh_world, new_page):
    case = build_case(fresh_world, 0, "assign_study")
    title = case.project.title
    page = signed_in(new_page, "qh.dh.government")
    take_from_queue(page, title)
    # the form says what the step is, who does it and what was proposed
    aside = page.locator("aside").inner_text()
    assert "本步骤说明" in aside and "办理单位" in aside
    assert "建议内容" in page.locator("main").inner_text()
    works = fresh_world.offices[(CODE, "works")]
    page.select_option("select[name=department]", label=works.name)
    submit_step(page)
    # the case page now says whose turn it is
    click_nav(page, "项目")
    page.locator("main a", has_text=title).first.click()
    page.wait_for_load_state()
    turn = page.locator(".whose-turn").inner_text()
    assert works.name in turn and "开展可行性论证" in turn
    assert page.locator(".stage-bar [aria-current=step]").inner_text().startswith("论证")


def test_a_department_studies_its_first_case_with_the_proposal_in_view(fresh_world, new_page):
    case = build_case(fresh_world, 1, "study")
    project = case.project
    user = fresh_world.users[(CODE, case.dept)]
    page = signed_in(new_page, user.username)
    take_from_queue(page, project.title)
    main = page.locator("main").inner_text()
    assert project.reason[:10] in main  # what was proposed, from the suggestion
    assert page.input_value("input[name=budget]").startswith(str(int(project.budget)))
    page.check("input[name=feasible][value=yes]")
    page.fill("textarea[name=opinion]", "经现场踏勘，选址可行，投资测算合理。")
    submit_step(page)
    project.refresh_from_db()
    assert project.stage == Stage.PARTY_REVIEW and project.feasible is True


def test_the_lead_unit_reports_the_group_returns_two_opinions_each_answered(fresh_world, new_page):
    case = build_case(fresh_world, 3, "implementing")
    project = case.project
    lead = fresh_world.users[(CODE, case.dept)]
    monitor = project.monitors.order_by("pk").first().user

    unit = signed_in(new_page, lead.username)
    take_from_queue(unit, project.title)
    year, quarter = next_report_period(project)
    assert unit.input_value("select[name=quarter]") == str(quarter)  # the quarter owed
    assert unit.input_value("input[name=year]") == str(year)
    unit.fill("input[name=progress]", "40")
    unit.fill("input[name=funds_spent]", "50")
    unit.fill("textarea[name=milestone_notes]", "完成设计招标，进场施工。")
    submit_step(unit)

    group = signed_in(new_page, monitor.username)
    take_from_queue(group, project.title)
    facts = group.locator("main").inner_text()
    assert "完成设计招标，进场施工。" in facts and "40%" in facts  # the report in view
    assert "代表小组" in group.locator("aside").inner_text()  # on the group's behalf
    screenshot(group, "review_form")
    group.check("input[name=decision][value=return]")
    group.fill("textarea[name=opinion_1]", "施工围挡不连续，请整改。")
    group.fill("textarea[name=opinion_2]", "请补充资金使用明细。")
    submit_step(group)

    take_from_queue(unit, project.title)
    answers = unit.locator("main form textarea[name^=answer_]")
    assert answers.count() == 2
    assert "施工围挡不连续" in unit.locator("main form").first.inner_text()
    answers.nth(0).fill("已补齐围挡。")
    answers.nth(1).fill("已补充明细，见附件。")
    submit_step(unit)
    report = Project.objects.get(pk=project.pk).reports.get()
    assert [o.answer for o in report.opinions.order_by("pk")] == [
        "已补齐围挡。",
        "已补充明细，见附件。",
    ]


def test_the_supervisor_finds_who_is_behind(fresh_world, new_page):
    late = build_case(fresh_world, 2, "planning").project
    task = late.process.task_set.get(flow_task=ProjectFlow.submit_plan, status="NEW")
    TaskDeadline.objects.filter(task=task).update(
        due=calendar_today() - datetime.timedelta(days=20)
    )
    page = signed_in(new_page, "qh.supervisor")
    page.locator("nav.mainnav details.navmenu summary", has_text="监督").click()
    page.locator("nav.mainnav details.navmenu a", has_text="数据看板").click()
    page.wait_for_load_state()
    page.locator(".sv-figures a", has_text="逾期未办步骤").click()
    page.wait_for_load_state()
    assert "/supervision/map/" in page.url
    behind = page.locator("table", has_text="逾期步骤").locator("tr", has_text="东湖镇")
    assert int(behind.locator("td.num").inner_text()) >= 1
    page.locator("tr", has_text="实施方案").locator("a.error").click()
    page.wait_for_load_state()
    row = page.locator("tbody tr", has_text=late.title)
    assert "20" in row.locator("td.num").inner_text()
    assert axe_violations(page) == []
    row.locator("a", has_text=late.title).click()
    page.wait_for_load_state()
    assert "提交实施方案" in page.locator(".whose-turn").inner_text()


def test_the_header_keeps_to_one_line_at_1366_px_for_every_role(fresh_world, new_page):
    for username in ("qh.dh.congress", "qh.supervisor", "qh.dh.deputy1", "qh.dh.works"):
        page = signed_in(new_page, username, width=1366, height=768)
        tops = page.evaluate(
            """() => [...document.querySelectorAll('.topbar-inner > *, nav.mainnav > *')]
                .filter(e => e.offsetParent !== null)
                .map(e => Math.round(e.getBoundingClientRect().top))"""
        )
        assert max(tops) - min(tops) <= 8, (username, tops)
        bell = page.locator("a.bell")
        assert bell.locator("svg").count() == 1 and "通知" in bell.inner_text()
        page.context.close()


# -- the voting session: each role reaches its step from its queue or inbox ------------


def voting_session(world, n_candidates=3, title="2026年东湖镇民生实事项目票决"):
    """A project vote of three candidates for two seats, its slate built by the congress
    office (the approval is the Party committee office's next)."""
    from core.models.voting import SessionKind
    from core.services import voting as voting_services

    projects = [build_case(world, i, "candidate").project for i in range(n_candidates)]
    congress = world.users[(CODE, Role.CONGRESS_OFFICE)]
    session = voting_services.session_create(
        actor=congress,
        jurisdiction=world.jurisdictions[CODE],
        year=2026,
        kind=SessionKind.SELECTION,
        title=title,
        rules={"seats": 2},
    )
    voting_services.session_build_slate(actor=congress, session=session, projects=projects)
    return session, projects


def open_from_list(page, nav, title):
    """From the header's inbox or queue link, open the row's step."""
    click_nav(page, nav)
    assert axe_violations(page) == []
    page.locator("tbody tr", has_text=title).get_by_role("link", name="办理").click()
    page.wait_for_load_state()


def test_the_party_office_approves_a_slate_from_its_queue(fresh_world, new_page):
    session, projects = voting_session(fresh_world)
    page = signed_in(new_page, "qh.dh.party")
    assert page.locator("nav.mainnav a", has_text="待领取").locator(".badge").inner_text() == "1"
    open_from_list(page, "待领取", session.title)
    assert page.url.endswith(f"/work/sessions/{session.pk}/approve/")
    main = page.locator("main").inner_text()
    assert all(p.title in main for p in projects)  # the slate to approve is in view
    assert axe_violations(page) == []
    page.check("input[name=decision][value=approve]")
    page.locator("main form button.primary[type=submit]").first.click()
    page.wait_for_url(re.compile(rf"/work/sessions/{session.pk}/$"))
    assert page.locator(".msg-success").count() == 1
    session.refresh_from_db()
    assert session.status == "slate_approved"
    # the congress office was told, and finds opening the vote in its queue
    congress = signed_in(new_page, "qh.dh.congress")
    click_nav(congress, "待领取")
    assert congress.locator("tbody tr", has_text=session.title).count() == 1


def test_a_deputy_reaches_an_open_vote_from_the_inbox_on_a_phone(fresh_world, new_page):
    from core.models.voting import SessionStatus
    from core.services import voting as voting_services
    from tests.voting.session_setup import deputies, set_teller_keys

    session, projects = voting_session(fresh_world)
    congress = fresh_world.users[(CODE, Role.CONGRESS_OFFICE)]
    voting_services.session_approve_slate(
        actor=fresh_world.users[(CODE, Role.PARTY_OFFICE)], session=session
    )
    voting_services.session_record_attendance(actor=congress, session=session, present=deputies())
    set_teller_keys(fresh_world, session)
    voting_services.session_open(actor=congress, session=session)
    assert session.__class__.objects.get(pk=session.pk).status == SessionStatus.OPEN

    page = signed_in(new_page, "qh.dh.deputy1", **PHONE)
    click_nav(page, "我的待办")
    votes = page.locator("section.open-votes")
    assert session.title in votes.inner_text()
    assert axe_violations(page) == []
    votes.get_by_role("link").first.click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/work/ballots/{session.pk}/")
    for project, mark in zip(projects, ("yes", "yes", "no"), strict=True):
        page.locator("fieldset.ballot-item", has_text=project.title).locator(
            f"input[data-mark={mark}]"
        ).check()
    page.locator("form[data-ballot] button[type=submit]").click()
    page.wait_for_load_state()
    page.locator("form.ballot-confirm button[value=cast]").click()
    page.wait_for_load_state()
    assert len(page.locator("#receipt-code").inner_text().strip()) == 19
    assert axe_violations(page) == []
    # back by the header: the vote has left the inbox
    click_nav(page, "我的选票")
    click_nav(page, "我的待办")
    assert page.locator("section.open-votes").count() == 0


def test_a_teller_opens_the_sealed_ballots_from_the_queue(fresh_world, new_page):
    from django.contrib.auth.models import User

    from core.services import voting as voting_services
    from tests.voting.session_setup import PASSPHRASES, deputies, set_teller_keys

    session, projects = voting_session(fresh_world)
    congress = fresh_world.users[(CODE, Role.CONGRESS_OFFICE)]
    voting_services.session_approve_slate(
        actor=fresh_world.users[(CODE, Role.PARTY_OFFICE)], session=session
    )
    voting_services.session_record_attendance(actor=congress, session=session, present=deputies())
    set_teller_keys(fresh_world, session)
    voting_services.session_open(actor=congress, session=session)
    for deputy in deputies()[:5]:
        voting_services.ballot_cast(
            actor=deputy.user, session=session, marks={str(projects[0].pk): "yes"}
        )
    voting_services.session_close(actor=congress, session=session)

    page = signed_in(new_page, "qh.dh.teller")
    open_from_list(page, "待领取", session.title)
    assert page.url.endswith(f"/work/sessions/{session.pk}/count/")
    assert axe_violations(page) == []
    ids = {u.username: u.pk for u in User.objects.filter(username__startswith="qh.dh.teller")}
    page.fill(f"input[name=t_{ids['qh.dh.teller']}]", PASSPHRASES[Role.TELLER])
    page.fill(f"input[name=t_{ids['qh.dh.teller2']}]", PASSPHRASES["teller2"])
    page.locator("main button[value=open]").click()
    page.wait_for_url(re.compile(rf"/work/sessions/{session.pk}/$"))
    assert page.locator(".msg-success").count() == 1
    click_nav(page, "待领取")
    assert page.locator("tbody tr", has_text=session.title).count() == 0


def test_a_teller_sets_the_counting_passphrase_from_the_inbox(fresh_world, new_page):
    session, _projects = voting_session(fresh_world)
    page = signed_in(new_page, "qh.dh.teller")
    assert page.locator("nav.mainnav a", has_text="我的待办").locator(".badge").inner_text() == "1"
    click_nav(page, "我的待办")
    owed = page.locator("section.teller-keys")
    assert session.title in owed.inner_text()
    assert axe_violations(page) == []
    owed.get_by_role("link").first.click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/work/sessions/{session.pk}/key/")
    assert axe_violations(page) == []
    page.fill("input[name=passphrase]", "first-day-count-2026")
    page.fill("input[name=confirm]", "first-day-count-2026")
    page.locator("main form button.primary[type=submit]").first.click()
    page.wait_for_url(re.compile(rf"/work/sessions/{session.pk}/$"))
    assert page.locator(".msg-success").count() == 1
    click_nav(page, "我的待办")
    assert page.locator("section.teller-keys").count() == 0
