"""The pages work under their content security policy: the browser reports no violation,
and what used to be inline handlers (the language switch, the filters) still works from
the static script."""

import pytest

from .conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_pages_run_without_a_policy_violation_and_the_language_switch_works(fresh_world, new_page):
    page = new_page()
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    login(page, "qh.dh.congress")
    for path in ("/work/inbox/", "/work/cases/", "/work/suggestions/", "/suggest/"):
        page.goto(page.base + path)
    page.goto(page.base + "/work/inbox/")
    with page.expect_navigation():
        page.select_option("#lang-select", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert violations == []
