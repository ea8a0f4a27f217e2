"""A year of one livelihood project in a real Chromium, every step by the right demo user.

Each person works in their own browser context (own cookies, own login) on the real pages:
a resident makes a suggestion on the public site and keeps the receipt code; the government
office routes it and registers a project; a department studies it; the Party committee
office approves it; the congress office builds the slate, the Party office approves it, the
congress office records attendance and opens the vote; five deputies vote on their own
screens (one tries twice and is told no); the vote is closed and announced, and the public
board and the receipt page show the outcome; the lead unit plans and reports, the
monitoring group returns a report with an opinion, the lead unit answers, the group signs
off and accepts the work; the deputies rate it, and the band shows on the case page and on
the public board.

Only what no person does on a page happens outside the browser: two more Party-approved
candidates walked through the services (so the slate has more candidates than seats), the
calendar set to collect suggestions all year, and the daily beat task that opens a
quarter's report when the quarter begins.
"""

import datetime
import re

import pytest
from django.contrib.auth.models import User
from django.utils import timezone, translation

from core import messages as vm
from core.demo import CaseDriver
from core.models import Band, Category, Channel, Deputy, Project, Stage, Suggestion
from core.selectors.calendar import next_report_period, report_opens_on
from core.services import calendar as calendar_services
from core.services import projects as project_services
from core.services import suggestions as suggestion_services
from core.services.steps import open_task
from core.views import public as public_views
from flows.project_flow import ProjectFlow
from permissions.roles import Role

from .conftest import login, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CODE = "qh-dh"
TITLE = "东湖镇老街排水管网改造"
OTHERS = [("elderly_care", "东湖镇老年助餐点建设"), ("culture_sport", "东湖镇全民健身广场建设")]
VOTERS = [1, 2, 3, 4, 5]  # the deputies who attend and vote (of 8)
MONITOR = 6  # the monitoring group is deputies 6, 7 and 8; deputy 6 reviews for it
PHONE = {"width": 390, "height": 844}


def zh(message) -> str:
    """A user-visible message constant as the (Chinese) interface shows it."""
    with translation.override("zh-hans"):
        return str(message)


# -- page helpers ---------------------------------------------------------------------


def as_user(new_page, username, **size):
    page = new_page(**size)
    login(page, username)
    assert "/accounts/login/" not in page.url, f"{username} could not log in"
    return page


def submit(page, expect_path):
    """Press the page's main submit button; fail with the page's own error messages."""
    page.locator("main button.primary[type=submit]").first.click()
    page.wait_for_load_state()
    if not re.search(expect_path, page.url):
        errors = page.locator(".error, .errors, .msg-error").all_inner_texts()
        raise AssertionError(f"still on {page.url}: {errors}")


def take_from_queue(page, project_title):
    """Take this project's open step from the queue; lands on the step's form."""
    page.goto(page.base + "/work/queue/")
    page.locator("tbody tr", has_text=project_title).locator("form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/work/cases/\d+/tasks/\d+/$"))


def open_from_case(page, project):
    """Open, from the case page, the step this user may do now."""
    page.goto(f"{page.base}/work/cases/{project.pk}/")
    page.locator("section.open-steps a.btn.primary").first.click()
    page.wait_for_url(re.compile(r"/work/cases/\d+/tasks/\d+/$"))


def session_button(page, session_pk, action):
    """Follow one of the session page's steps (open, close, confirm-count, announce) and
    confirm it."""
    page.goto(f"{page.base}/work/sessions/{session_pk}/")
    page.locator(f"a[href$='/work/sessions/{session_pk}/{action}/']").click()
    page.wait_for_url(re.compile(rf"/work/sessions/{session_pk}/{action}/$"))
    page.locator("main button.primary[type=submit]").click()
    page.wait_for_url(re.compile(rf"/work/sessions/{session_pk}/$"))
    assert not page.locator(".msg-error").count(), page.locator(".msg-error").inner_text()


TELLERS = {
    "qh.dh.teller": "count-one-2026",
    "qh.dh.teller2": "count-two-2026",
    "qh.dh.teller3": "count-three-2026",
}


def tellers_set_keys(new_page, session_pk):
    """Each teller, on their own screen, sets a counting passphrase before voting opens."""
    for username, passphrase in TELLERS.items():
        page = as_user(new_page, username)
        page.goto(f"{page.base}/work/sessions/{session_pk}/")
        page.locator(f"a[href$='/work/sessions/{session_pk}/key/']").click()
        page.fill("input[name=passphrase]", passphrase)
        page.fill("input[name=confirm]", passphrase)
        submit(page, rf"/work/sessions/{session_pk}/$")
        page.context.close()


def tellers_count(new_page, session_pk):
    """Two tellers open the sealed ballots on one screen; the second teller forgot their
    passphrase, so the third one types theirs instead."""
    page = as_user(new_page, "qh.dh.teller")
    page.goto(f"{page.base}/work/sessions/{session_pk}/")
    page.locator(f"a[href$='/work/sessions/{session_pk}/count/']").click()
    ids = {u.username: u.pk for u in User.objects.filter(username__in=TELLERS)}
    page.fill(f"input[name=t_{ids['qh.dh.teller']}]", TELLERS["qh.dh.teller"])
    page.fill(f"input[name=t_{ids['qh.dh.teller2']}]", "I-do-not-remember")
    page.locator("main button[value=open]").click()
    page.wait_for_load_state()
    assert page.locator(".errors").count(), "a wrong passphrase must be refused"
    page.fill(f"input[name=t_{ids['qh.dh.teller']}]", TELLERS["qh.dh.teller"])
    page.fill(f"input[name=t_{ids['qh.dh.teller2']}]", "")
    page.fill(f"input[name=t_{ids['qh.dh.teller3']}]", TELLERS["qh.dh.teller3"])
    page.locator("main button[value=open]").click()
    page.wait_for_url(re.compile(rf"/work/sessions/{session_pk}/$"))
    assert not page.locator(".msg-error").count(), page.locator(".msg-error").inner_text()
    # the teller checks the count on the session page and confirms it for the announcement
    session_button(page, session_pk, "confirm-count")
    page.context.close()


# -- the voting pages -----------------------------------------------------------------


def create_session(page, kind, year, title, seats=None) -> int:
    """The congress office creates a session, keeps the proposed rules, builds the slate
    from every eligible project."""
    page.goto(page.base + "/work/sessions/new/")
    page.select_option("select[name=jurisdiction]", CODE)
    page.fill("input[name=year]", str(year))
    page.select_option("select[name=kind]", kind)
    page.select_option("select[name=method]", "electronic")
    page.fill("input[name=title]", title)
    if seats:
        page.fill("input[name=seats]", str(seats))
    submit(page, r"/rules/$")
    session_pk = int(re.search(r"/work/sessions/(\d+)/rules/", page.url).group(1))
    submit(page, rf"/work/sessions/{session_pk}/$")
    page.locator(f"a[href$='/work/sessions/{session_pk}/slate/']").click()
    submit(page, rf"/work/sessions/{session_pk}/$")
    assert not page.locator("p.errors").count(), page.locator("p.errors").inner_text()
    return session_pk


def approve_slate(page, session_pk):
    page.goto(f"{page.base}/work/sessions/{session_pk}/")
    page.locator(f"a[href$='/work/sessions/{session_pk}/approve/']").click()
    page.check("input[name=decision][value=approve]")
    submit(page, rf"/work/sessions/{session_pk}/$")


def record_attendance_and_open(page, session_pk, deputies, new_page):
    page.goto(f"{page.base}/work/sessions/{session_pk}/")
    page.locator(f"a[href$='/work/sessions/{session_pk}/attendance/']").click()
    for deputy in deputies:
        page.check(f"input[name=present][value='{deputy.pk}']")
    submit(page, rf"/work/sessions/{session_pk}/$")
    tellers_set_keys(new_page, session_pk)
    session_button(page, session_pk, "open")


def mark_and_review(page, session_pk, marks, shot=None):
    """A deputy opens the ballot from their list, marks each project, and reviews."""
    page.goto(page.base + "/work/ballots/")
    page.locator(f"a[href$='/work/ballots/{session_pk}/']").click()
    for title, mark in marks.items():
        page.locator("fieldset.ballot-item", has_text=title).locator(
            f"input[data-mark={mark}]"
        ).check()
    if shot:
        screenshot(page, shot)
    page.locator("form[data-ballot] button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".confirm-list li").count() == len(marks)


def cast(page) -> str:
    page.locator("form.ballot-confirm button[value=cast]").click()
    page.wait_for_load_state()
    tracker = page.locator("#receipt-code").inner_text().strip()
    assert len(tracker) == 19
    return tracker


# -- what happens outside the browser -------------------------------------------------


def add_candidate(world, jurisdiction, year, category_code, title) -> Project:
    """A project registered from a deputy's suggestion and walked by the offices, through
    the services, to a Party-approved candidate."""
    gov = world.users[(CODE, Role.GOVERNMENT_OFFICE)]
    category = Category.objects.get(code=category_code)
    source = suggestion_services.suggestion_submit(
        actor=gov,
        jurisdiction=jurisdiction,
        channel=Channel.DEPUTY,
        title=title,
        text=title,
        proposer_name="李代表",
        category=category,
    )
    project = project_services.project_register(
        actor=gov,
        jurisdiction=jurisdiction,
        suggestions=[source],
        title=title,
        category=category,
        year=year,
        content=title,
        budget=90,
        fund_source="镇财政资金",
    )
    CaseDriver(world, CODE, project).run_to("candidate")
    return Project.objects.get(pk=project.pk)


def open_next_report(project, settings) -> tuple[int, int]:
    """The calendar moves on to the first day of the case's next quarter if the case waits
    for it, and the daily beat task opens that quarter's report. Returns the quarter."""
    project.refresh_from_db()
    period = next_report_period(project)
    waiting = open_task(project.process, ProjectFlow.await_quarter)
    if waiting is not None:
        settings.CALENDAR_TODAY = report_opens_on(period).isoformat()
        assert calendar_services.report_period_open(task_id=waiting.pk)
    assert open_task(project.process, ProjectFlow.submit_report) is not None
    return period


# -- the journey ----------------------------------------------------------------------


def test_a_year_of_one_project_in_the_browser(fresh_world, new_page, settings):
    world = fresh_world
    jurisdiction = world.jurisdictions[CODE]
    deputies = {n: Deputy.objects.get(user__username=f"qh.dh.deputy{n}") for n in range(1, 9)}
    category = Category.objects.get(code="environment")
    # This township takes suggestions all year (the calendar's default window is autumn).
    calendar_services.calendar_settings_update(
        actor=world.users[(CODE, Role.CONGRESS_OFFICE)],
        jurisdiction=jurisdiction,
        collection_all_year=True,
    )

    # -- a resident, on a phone, makes a suggestion from the board and gets a receipt ----
    resident = new_page(**PHONE)
    resident.goto(resident.base + f"/board/{CODE}/")
    resident.locator(f"main a[href*='/suggest/?j={CODE}']").click()
    assert resident.locator("select[name=jurisdiction]").input_value() == CODE
    resident.fill("input[name=title]", "老街下雨就积水")
    resident.fill("textarea[name=text]", "老街排水管道老化堵塞，一下雨就积水，建议改造排水管网。")
    resident.fill("input[name=location]", "东湖镇老街")
    resident.select_option("select[name=category]", str(category.pk))
    resident.fill("input[name=proposer_name]", "陈阿姨")
    resident.fill("input[name=proposer_contact]", "13900001111")
    # the form refuses what is sent faster than a person could have written it
    resident.wait_for_timeout(1000 * getattr(public_views, "MIN_SECONDS", 3) + 200)
    submit(resident, r"/receipt/[A-Z0-9-]+/$")
    receipt_code = resident.locator("h1 code.receipt").inner_text().strip()
    suggestion = Suggestion.objects.get(receipt_code=receipt_code)
    assert suggestion.jurisdiction == jurisdiction
    screenshot(resident, "receipt")

    # -- the government office routes it and registers a project from it ----------------
    gov = as_user(new_page, "qh.dh.government")
    gov.goto(gov.base + "/work/suggestions/")
    # it waits in the government office's queue of suggestions to be routed
    waiting = gov.locator("section.waiting tbody tr", has_text=receipt_code)
    waiting.locator("a[href*='/route/']").click()
    gov.select_option("select[name=level]", "street")  # a township matter: it stays here
    gov.fill("textarea[name=note]", "属镇级事项，列入镇民生实事候选。")
    submit(gov, r"/work/suggestions/$")
    gov.locator("tbody tr", has_text=receipt_code).locator("a[href*='/projects/new/']").click()
    assert gov.locator(f"input[name=suggestions][value='{suggestion.pk}']").is_checked()
    gov.fill("input[name=title]", TITLE)
    gov.select_option("select[name=category]", str(category.pk))
    gov.fill("textarea[name=reason]", "群众反映强烈，雨季积水影响出行。")
    gov.fill("textarea[name=content]", "改造老街排水管网1.2公里，新建雨水井40座。")
    gov.fill("input[name=location]", "东湖镇老街")
    gov.fill("input[name=budget]", "180")
    gov.fill("input[name=fund_source]", "镇财政资金")
    submit(gov, r"/work/cases/\d+/$")
    project = Project.objects.get(title=TITLE)
    year = project.year
    # ... and assigns the feasibility study to the works office
    open_from_case(gov, project)
    gov.select_option("select[name=department]", str(world.offices[(CODE, "works")].pk))
    gov.fill("textarea[name=note]", "请两周内完成可行性论证。")
    submit(gov, r"/work/inbox/$")

    # -- the department takes the study from its queue and finds it feasible ------------
    dept = as_user(new_page, "qh.dh.works")
    take_from_queue(dept, TITLE)
    dept.goto(dept.base + "/work/inbox/")
    screenshot(dept, "inbox")
    dept.locator("tbody tr", has_text=TITLE).locator("a.btn.primary").click()
    dept.check("input[name=feasible][value=yes]")
    dept.fill("textarea[name=opinion]", "经现场踏勘，管网走向可行，造价合理。")
    dept.fill("input[name=budget]", "175")
    submit(dept, r"/work/inbox/$")

    # -- the Party committee office approves it as a candidate --------------------------
    party = as_user(new_page, "qh.dh.party")
    open_from_case(party, project)
    party.check("input[name=decision][value=approved]")
    party.fill("textarea[name=comment]", "同意列为候选项目。")
    submit(party, r"/work/inbox/$")
    project.refresh_from_db()
    assert project.stage == Stage.CANDIDATE

    # Two more candidates, so that 3 stand for 2 seats (a differential of 50 %).
    winner, loser = (add_candidate(world, jurisdiction, year, *other).title for other in OTHERS)

    # -- the congress office builds the slate; the Party office approves it; attendance --
    congress = as_user(new_page, "qh.dh.congress")
    session_pk = create_session(congress, "selection", year, f"{year}年民生实事项目票决", 2)
    approve_slate(party, session_pk)
    record_attendance_and_open(congress, session_pk, [deputies[n] for n in VOTERS], new_page)

    # -- five deputies vote on their own screens ----------------------------------------
    marks = {TITLE: "yes", winner: "yes", loser: "no"}
    receipts = []
    for n in VOTERS:
        if n == 1:  # on a phone
            page = as_user(new_page, f"qh.dh.deputy{n}", **PHONE)
            mark_and_review(page, session_pk, marks, shot="ballot_phone")
            receipts.append(cast(page))
        elif n == 2:  # has the ballot open in two tabs, casts in one, then tries the other
            page = as_user(new_page, f"qh.dh.deputy{n}")
            other_tab = page.context.new_page()
            other_tab.base = page.base
            mark_and_review(page, session_pk, marks)
            mark_and_review(other_tab, session_pk, marks)
            receipts.append(cast(page))
            other_tab.locator("form.ballot-confirm button[value=cast]").click()
            other_tab.wait_for_load_state()
            assert zh(vm.BALLOT_ALREADY_CAST) in other_tab.locator("main").inner_text()
            other_tab.goto(f"{other_tab.base}/work/ballots/{session_pk}/")
            assert zh(vm.BALLOT_ALREADY_CAST) in other_tab.locator("main").inner_text()
        else:
            page = as_user(new_page, f"qh.dh.deputy{n}")
            mark_and_review(page, session_pk, marks)
            receipts.append(cast(page))
        page.context.close()
    assert len(set(receipts)) == len(VOTERS)

    # -- the vote is closed and announced -----------------------------------------------
    session_button(congress, session_pk, "close")
    tellers_count(new_page, session_pk)
    session_button(congress, session_pk, "announce")
    congress.goto(f"{congress.base}/work/sessions/{session_pk}/sheet/")
    screenshot(congress, "announcement")
    project.refresh_from_db()
    assert project.elected is True and project.vote_yes == len(VOTERS)
    assert Project.objects.get(title=winner).elected is True
    assert Project.objects.get(title=loser).stage == Stage.NOT_ELECTED

    # -- the public board shows the elected projects; the receipt what became of it -----
    resident.goto(resident.base + f"/board/{CODE}/")
    elected = resident.locator("article.board-item:not(.candidate) h3").all_inner_texts()
    assert sorted(elected) == sorted([TITLE, winner])
    resident.goto(resident.base + f"/receipt/{receipt_code}/")
    assert TITLE in resident.locator("li.outcome").inner_text()
    assert resident.locator(f"li.outcome a[href$='/board/{CODE}/']").count() == 1

    # -- the lead unit files the plan; the congress office assigns the monitoring group -
    take_from_queue(dept, TITLE)
    deadline = max(datetime.date(year, 11, 30), timezone.localdate() + datetime.timedelta(90))
    dept.fill("textarea[name=plan_summary]", "分设计、施工、验收三阶段实施。")
    dept.fill("textarea[name=targets]", "年内完成管网改造，消除积水点。")
    dept.fill("input[name=responsible]", "王建国")
    dept.fill("input[name=budget]", "175")
    dept.fill("input[name=fund_source]", "镇财政资金")
    dept.fill("input[name=deadline]", deadline.isoformat())
    dept.fill("input[name='milestones-0-title']", "完成施工招标")
    dept.fill("input[name='milestones-0-due']", (deadline - datetime.timedelta(60)).isoformat())
    dept.fill("input[name='milestones-1-title']", "管网主体完工")
    dept.fill("input[name='milestones-1-due']", (deadline - datetime.timedelta(20)).isoformat())
    submit(dept, r"/work/inbox/$")

    take_from_queue(congress, TITLE)
    for n in (MONITOR, MONITOR + 1, MONITOR + 2):
        congress.check(f"input[name=deputies][value='{deputies[n].pk}']")
    submit(congress, r"/work/inbox/$")

    # -- the quarterly report: returned with an opinion, answered, signed off -----------
    open_next_report(project, settings)
    take_from_queue(dept, TITLE)
    dept.fill("input[name=progress]", "40")
    dept.fill("input[name=funds_spent]", "60")
    dept.locator("input[name=milestones_done]").first.check()
    dept.fill("textarea[name=milestone_notes]", "施工招标完成，老街北段管网已铺设。")
    submit(dept, r"/work/inbox/$")

    monitor = as_user(new_page, f"qh.dh.deputy{MONITOR}")
    take_from_queue(monitor, TITLE)
    monitor.check("input[name=decision][value=return]")
    monitor.fill("textarea[name=opinion_1]", "施工围挡不连续，夜间照明不足，请整改。")
    submit(monitor, r"/work/inbox/$")

    take_from_queue(dept, TITLE)
    answers = dept.locator("main form textarea")
    assert answers.count() == 1  # one opinion, one answer
    answers.fill("已补齐围挡并加装警示灯，整改完毕。")
    submit(dept, r"/work/inbox/$")

    take_from_queue(monitor, TITLE)
    monitor.check("input[name=decision][value=sign_off]")
    submit(monitor, r"/work/inbox/$")

    # -- the completion report, the next quarter; the group signs off and accepts -------
    report_year, report_quarter = open_next_report(project, settings)
    take_from_queue(dept, TITLE)
    dept.fill("input[name=year]", str(report_year))
    dept.select_option("select[name=quarter]", str(report_quarter))
    dept.fill("input[name=progress]", "100")
    dept.fill("input[name=funds_spent]", "172")
    for box in dept.locator("input[name=milestones_done]").all():
        box.check()
    dept.fill("textarea[name=milestone_notes]", "管网全线完工，雨季未再积水。")
    dept.check("input[name=completed]")
    submit(dept, r"/work/inbox/$")

    take_from_queue(monitor, TITLE)
    monitor.check("input[name=decision][value=sign_off]")
    submit(monitor, r"/work/inbox/$")
    take_from_queue(monitor, TITLE)
    monitor.check("input[name=accepted][value=yes]")
    monitor.fill("textarea[name=opinion]", "工程质量合格，同意验收。")
    submit(monitor, r"/work/inbox/$")
    project.refresh_from_db()
    assert project.stage == Stage.EVALUATION and project.accepted_at is not None
    assert [(r.status, r.completed) for r in project.reports.order_by("year", "quarter")] == [
        ("signed_off", False),
        ("signed_off", True),
    ]

    # -- the satisfaction vote: the deputies rate the year's completed project -----------
    session_pk = create_session(congress, "satisfaction", year, f"{year}年民生实事项目满意度测评")
    approve_slate(party, session_pk)
    record_attendance_and_open(congress, session_pk, [deputies[n] for n in VOTERS], new_page)
    for n in VOTERS:
        page = as_user(new_page, f"qh.dh.deputy{n}", **(PHONE if n == 1 else {}))
        mark_and_review(
            page, session_pk, {TITLE: "satisfied"}, shot="ballot_rating_phone" if n == 1 else None
        )
        cast(page)
        page.context.close()
    session_button(congress, session_pk, "close")
    tellers_count(new_page, session_pk)
    session_button(congress, session_pk, "announce")
    project.refresh_from_db()
    assert project.band == Band.COMMEND

    # -- the band shows on the case page and on the public board ------------------------
    congress.goto(f"{congress.base}/work/cases/{project.pk}/")
    assert congress.locator("header.case-head .band.band-commend").count() == 1
    screenshot(congress, "case_page")
    visitor = new_page()
    visitor.goto(visitor.base + f"/board/{CODE}/")
    card = visitor.locator("article.board-item", has_text=TITLE)
    assert card.locator(".band.band-commend").count() == 1
    assert visitor.locator("table.results .band.band-commend").count() == 1
    screenshot(visitor, "board")

    # -- a supervisor of the county follows it on the dashboard and the process map ----
    supervisor = as_user(new_page, "qh.supervisor")
    supervisor.goto(supervisor.base + "/work/supervision/dashboard/")
    supervisor.select_option("select[name=year]", str(year))
    supervisor.locator("form.sv-filters button[type=submit]").click()
    supervisor.wait_for_url(re.compile(rf"year={year}"))
    screenshot(supervisor, "dashboard")
    supervisor.goto(supervisor.base + f"/work/supervision/map/project/?year={year}")
    screenshot(supervisor, "process_map")
