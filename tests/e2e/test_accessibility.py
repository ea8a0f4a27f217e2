"""The main pages pass axe-core in a real Chromium: no serious or critical violation.

The state behind the pages (cases at several steps, an open voting session, a suggestion
with its receipt) is built through the services; each page is then opened by the user
who would see it, and axe-core runs in the page as it is rendered.
"""

import pytest

from core.demo import CaseDriver
from core.demo_voting import TELLER_PASSPHRASES
from core.demo_voting import _set_keys as set_teller_keys
from core.models import Channel, Deputy, Project
from core.services import suggestions as suggestion_services
from core.services import voting as voting_services
from core.services.steps import open_task, task_assign
from flows.project_flow import ProjectFlow
from permissions.roles import Role

from .conftest import axe_violations, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CODE = "qh-dh"


def build_case(world, index, target) -> Project:
    jurisdiction = world.jurisdictions[CODE]
    before = set(jurisdiction.projects.values_list("pk", flat=True))
    world.build_case(index, CODE, "assign_study")
    project = jurisdiction.projects.exclude(pk__in=before).get()
    CaseDriver(world, CODE, project).run_to(target)
    return Project.objects.get(pk=project.pk)


def office_user(world, office):
    """The demo user who works in this department."""
    key = next(key for (code, key), o in world.offices.items() if o.pk == office.pk)
    return world.users[(CODE, key)]


def step_url(project, node) -> str:
    task = open_task(project.process, node)
    return f"/work/cases/{task.process_id}/tasks/{task.pk}/"


def build_state(world):
    """Cases at the steps the pages show, an open project vote, a resident's receipt."""
    jurisdiction = world.jurisdictions[CODE]
    congress = world.users[(CODE, Role.CONGRESS_OFFICE)]
    fresh = build_case(world, 0, "assign_study")
    studied = build_case(world, 1, "study")
    planning = build_case(world, 2, "planning")
    closed = build_case(world, 3, "closed_commend")
    candidates = [build_case(world, n, "candidate") for n in (4, 5, 6)]
    reviewing = build_case(world, 7, "party_review")
    reported = build_case(world, 8, "report_review")
    returned = build_case(world, 9, "answer_opinions")

    # the department has taken the study into its inbox
    dept_user = office_user(world, studied.study_department)
    task_assign(actor=dept_user, task=open_task(studied.process, ProjectFlow.study_feasibility))

    session = voting_services.session_create(
        actor=congress,
        jurisdiction=jurisdiction,
        year=candidates[0].year,
        kind="selection",
        title="民生实事项目票决",
        rules={"seats": 2},
    )
    voting_services.session_build_slate(actor=congress, session=session)
    voting_services.session_approve_slate(
        actor=world.users[(CODE, Role.PARTY_OFFICE)], session=session
    )
    deputies = list(Deputy.objects.filter(jurisdiction=jurisdiction).order_by("pk"))[:5]
    voting_services.session_record_attendance(actor=congress, session=session, present=deputies)
    set_teller_keys(world, CODE, session)  # sealed ballots: the tellers' keys come first
    voting_services.session_open(actor=congress, session=session)

    suggestion = suggestion_services.suggestion_submit(
        actor=None,
        jurisdiction=jurisdiction,
        channel=Channel.ONLINE,
        title="老街下雨就积水",
        text="建议改造排水管网。",
        proposer_name="陈阿姨",
    )
    return {
        "fresh": fresh,
        "studied": studied,
        "planning": planning,
        "closed": closed,
        "candidate": candidates[0],
        "session": session,
        "deputy": deputies[0].user.username,
        "deputies": deputies,
        "dept_user": dept_user.username,
        "planning_user": office_user(world, planning.lead_unit).username,
        "receipt": suggestion.receipt_code,
        "reviewing": reviewing,
        "reported": reported,
        "monitor": reported.monitors.order_by("pk").first().user.username,
        "returned": returned,
        "returned_user": office_user(world, returned.lead_unit).username,
    }


def announce(world, session, deputies):
    """The deputies present vote (for the first two projects), the vote is closed and
    announced."""
    congress = world.users[(CODE, Role.CONGRESS_OFFICE)]
    candidates = list(session.candidates.order_by("order"))
    marks = {c.ballot_id: "yes" if i < 2 else "no" for i, c in enumerate(candidates)}
    for deputy in deputies:
        voting_services.ballot_cast(actor=deputy.user, session=session, marks=marks)
    voting_services.session_close(actor=congress, session=session)
    first, second = world.users[(CODE, Role.TELLER)], world.users[(CODE, "teller3")]
    voting_services.session_count(
        actor=first,
        session=session,
        passphrases={
            first.pk: TELLER_PASSPHRASES[Role.TELLER],
            second.pk: TELLER_PASSPHRASES["teller3"],
        },
    )
    voting_services.session_confirm_count(actor=first, session=session)
    voting_services.session_announce(actor=congress, session=session)


def check_pages(new_page, pages, found) -> int:
    """Open each page as its user and run axe-core; collect violations by page name."""
    checked = 0
    for username, visits in pages.items():
        page = new_page()
        if username:
            login(page, username)
        for name, path in visits:
            response = page.goto(page.base + path)
            assert response.ok, f"{name}: {path} answered {response.status}"
            checked += 1
            if violations := axe_violations(page):
                found[name] = violations
            if name == "ballot page":  # and the confirmation the deputy sees next
                page.locator("fieldset.ballot-item input[data-mark=yes]").first.check()
                page.locator("form[data-ballot] button[type=submit]").click()
                page.wait_for_load_state()
                assert page.locator(".confirm-list").count()
                checked += 1
                if violations := axe_violations(page):
                    found["ballot confirmation"] = violations
        page.context.close()
    return checked


def test_the_main_pages_have_no_serious_accessibility_violation(fresh_world, new_page):
    state = build_state(fresh_world)
    session = state["session"]
    found = {}
    checked = check_pages(
        new_page,
        {
            None: [
                ("user guide", "/help/"),
                ("user guide of a role", "/help/department/"),
                ("front page", "/"),
                ("public board", f"/board/{CODE}/"),
                ("suggestion form", f"/suggest/?j={CODE}"),
                ("receipt", f"/receipt/{state['receipt']}/"),
                ("receipt lookup", "/receipt/"),
                ("login", "/accounts/login/"),
            ],
            state["dept_user"]: [
                ("inbox", "/work/inbox/"),
                (
                    "feasibility step form",
                    step_url(state["studied"], ProjectFlow.study_feasibility),
                ),
            ],
            state["planning_user"]: [
                ("queue", "/work/queue/"),
                ("plan step form", step_url(state["planning"], ProjectFlow.submit_plan)),
            ],
            "qh.dh.government": [
                ("assign-study step form", step_url(state["fresh"], ProjectFlow.assign_study)),
                ("suggestions", "/work/suggestions/"),
                ("case list", "/work/cases/"),
            ],
            "qh.dh.congress": [
                ("case page", f"/work/cases/{state['closed'].pk}/"),
                ("case page with the vote form", f"/work/cases/{state['candidate'].pk}/"),
                ("voting sessions", "/work/sessions/"),
                ("open voting session page", f"/work/sessions/{session.pk}/"),
            ],
            state["deputy"]: [
                ("my ballots", "/work/ballots/"),
                ("ballot page", f"/work/ballots/{session.pk}/"),
            ],
            "qh.supervisor": [
                ("dashboard", "/work/supervision/dashboard/"),
                ("process map", "/work/supervision/map/project/"),
                ("cases at a step", "/work/supervision/map/project/submit_plan/?year=all"),
            ],
        },
        found,
    )
    # the decision forms, each opened by its own user (a monitor may also be the voter)
    for username, visits in (
        (
            "qh.dh.party",
            [("Party review step form", step_url(state["reviewing"], ProjectFlow.review_by_party))],
        ),
        (
            state["monitor"],
            [("report sign-off form", step_url(state["reported"], ProjectFlow.review_report))],
        ),
        (
            state["returned_user"],
            [("answer form", step_url(state["returned"], ProjectFlow.answer_opinions))],
        ),
    ):
        checked += check_pages(new_page, {username: visits}, found)
    # the site's own error page
    page = new_page()
    response = page.goto(page.base + "/no/such/page/")
    assert response.status == 404 and page.locator("h1").inner_text() == "页面不存在"
    if violations := axe_violations(page):
        found["404 page"] = violations
    checked += 1
    # then the vote is held and announced: the result pages
    announce(fresh_world, session, state["deputies"])
    checked += check_pages(
        new_page,
        {
            None: [
                ("public results", "/results/"),
                ("public result", f"/results/{session.pk}/"),
                ("board after the vote", f"/board/{CODE}/"),
            ],
            "qh.dh.congress": [
                ("announced voting session page", f"/work/sessions/{session.pk}/"),
                ("announcement sheet", f"/work/sessions/{session.pk}/sheet/"),
            ],
        },
        found,
    )
    assert checked == 34
    assert found == {}
