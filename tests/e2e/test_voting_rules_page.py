"""The rules page in a real Chromium: "most approvals on one ballot" follows "projects to
elect" as the clerk types (from the page's own static script, under the site's content
security policy), the page says so, and the saved rules are the ones shown. The session
page's checklist fits a phone's screen."""

import pytest

from core.models.voting import SessionKind, VotingSession
from core.services import voting as voting_services
from permissions.roles import Role

from .conftest import assert_fits_width, axe_violations, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CODE = "qh-dh"


def test_most_approvals_follows_the_seats_as_the_clerk_types(fresh_world, new_page):
    session = voting_services.session_create(
        actor=fresh_world.users[(CODE, Role.CONGRESS_OFFICE)],
        jurisdiction=fresh_world.jurisdictions[CODE],
        year=2026,
        kind=SessionKind.SELECTION,
        rules={"seats": 1, "differential": [0.2, 1], "max_approvals": 1},
    )
    # the page shows most approvals filled in when it was set (here: as the old seats)
    VotingSession.objects.filter(pk=session.pk).update(
        rules={**session.rules, "seats": 2, "max_approvals": 2, "differential": [0.2, 0.5]}
    )
    page = new_page()
    login(page, "qh.dh.congress")
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{page.base}/work/sessions/{session.pk}/rules/")
    assert page.input_value("input[name=max_approvals]") == ""  # blank: follows the seats
    page.fill("input[name=max_approvals]", "2")
    page.fill("input[name=seats]", "3")
    page.dispatch_event("input[name=seats]", "input")
    assert page.input_value("input[name=max_approvals]") == "3"
    assert "已随应选项目数调整为3" in page.inner_text("#rules-note")
    assert not errors, errors  # no script refused by the content security policy
    assert not axe_violations(page)
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/work/sessions/{session.pk}/")
    session.refresh_from_db()
    assert session.rules["seats"] == 3 and session.rules["max_approvals"] == 3


def test_the_session_checklist_fits_a_phone(fresh_world, new_page):
    session = voting_services.session_create(
        actor=fresh_world.users[(CODE, Role.CONGRESS_OFFICE)],
        jurisdiction=fresh_world.jurisdictions[CODE],
        year=2026,
        kind=SessionKind.SELECTION,
        rules={"seats": 3},
    )
    page = new_page(width=390, height=844)
    login(page, "qh.dh.congress")
    page.goto(f"{page.base}/work/sessions/{session.pk}/")
    assert page.locator("ol.stage-bar li").count() == 8
    assert page.locator("ol.stage-bar li[aria-current=step]").count() == 1
    assert "候选项目不足" in page.inner_text("p.whose-turn")  # none approved yet
    assert_fits_width(page)
    assert not axe_violations(page)
