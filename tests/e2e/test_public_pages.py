"""The public pages in a real Chromium: a phone's width and an accessibility check."""

import pytest

from .conftest import assert_fits_width, axe_violations, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_front_page_and_suggestion_form_work_at_phone_width(fresh_world, new_page):
    page = new_page(width=390, height=844)
    page.goto(page.base + "/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert_fits_width(page)
    assert axe_violations(page) == []
    page.goto(page.base + "/suggest/")
    assert_fits_width(page)
    assert axe_violations(page) == []
    screenshot(page, "public_suggest_phone")
