"""The deputy's ballot and the public board on a phone (390 px wide), in a real Chromium.

Nothing is cut off: the page does not scroll sideways and no content runs past the right
edge outside a container that scrolls on its own (a wide table). Every control can be
reached: scrolled into view, it is on screen and nothing (such as the ballot's sticky bar)
covers it, so a tap lands on it. The submit controls are then really pressed.
"""

import pytest

from core.demo import CaseDriver
from core.demo_voting import _set_keys as set_teller_keys
from core.models import Deputy, Project
from core.services import voting as voting_services
from permissions.roles import Role

from .conftest import assert_fits_width, login, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CODE = "qh-dh"
PHONE = {"width": 390, "height": 844}

# Content past the right edge whose nearest scrolling container is the page itself.
CUT_OFF = """() => {
  const scrollsSideways = e => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX);
  const out = [];
  for (const e of document.querySelectorAll('main *, header *')) {
    if (e.offsetParent === null || e.closest('.trap, .skip')) continue;
    const r = e.getBoundingClientRect();
    if (r.width === 0 || r.right <= window.innerWidth + 1) continue;
    let p = e.parentElement;
    while (p && p !== document.body && !scrollsSideways(p)) p = p.parentElement;
    if (!p || p === document.body) out.push(e.outerHTML.slice(0, 80));
  }
  return out;
}"""

CONTROLS = ", ".join(
    f"{part} {control}"
    for part in ("header", "main")
    for control in ("a", "button", "summary", "input:not([type=hidden])", "select", "textarea")
)


def build_case(world, index, target) -> Project:
    jurisdiction = world.jurisdictions[CODE]
    before = set(jurisdiction.projects.values_list("pk", flat=True))
    world.build_case(index, CODE, "assign_study")
    project = jurisdiction.projects.exclude(pk__in=before).get()
    CaseDriver(world, CODE, project).run_to(target)
    return Project.objects.get(pk=project.pk)


def assert_nothing_cut_off(page):
    assert_fits_width(page)
    assert page.evaluate(CUT_OFF) == []


def assert_every_control_reachable(page):
    """Each visible control, scrolled into view, is on screen and receives a tap."""
    controls = page.locator(CONTROLS)
    unreachable, checked = [], 0
    for i in range(controls.count()):
        control = controls.nth(i)
        if not control.is_visible() or control.evaluate("e => !!e.closest('.trap')"):
            continue
        checked += 1
        control.scroll_into_view_if_needed()
        box = control.bounding_box()
        on_screen = box and box["x"] >= -1 and box["x"] + box["width"] <= PHONE["width"] + 1
        try:
            control.click(trial=True, timeout=2000)  # visible, stable, not covered
        except Exception:  # noqa: BLE001 - the timeout names what covers it; report all
            on_screen = False
        if not on_screen:
            unreachable.append(control.evaluate("e => e.outerHTML.slice(0, 100)"))
    assert checked and unreachable == []


def test_a_deputy_votes_on_a_phone(fresh_world, new_page):
    world = fresh_world
    jurisdiction = world.jurisdictions[CODE]
    congress = world.users[(CODE, Role.CONGRESS_OFFICE)]
    candidates = [build_case(world, n, "candidate") for n in range(3)]
    session = voting_services.session_create(
        actor=congress,
        jurisdiction=jurisdiction,
        year=candidates[0].year,
        kind="selection",
        title="2026年东湖镇民生实事项目票决",
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

    page = new_page(**PHONE)
    login(page, deputies[0].user.username)
    page.goto(page.base + "/work/ballots/")
    assert_nothing_cut_off(page)
    assert_every_control_reachable(page)
    page.locator(f"main a[href$='/work/ballots/{session.pk}/']").click()
    page.wait_for_url(f"**/work/ballots/{session.pk}/")

    # the ballot: every mark and the review button reachable, and used by tapping
    assert_nothing_cut_off(page)
    assert_every_control_reachable(page)
    items = page.locator("fieldset.ballot-item")
    assert items.count() == 3
    for i, mark in enumerate(["yes", "yes", "no"]):
        items.nth(i).locator(f"label.mark-{mark}").click()
        assert items.nth(i).locator(f"input[data-mark={mark}]").is_checked()
    review = page.locator("form[data-ballot] button[type=submit]")
    review.scroll_into_view_if_needed()
    assert review.is_visible()
    review.click()
    page.wait_for_load_state()

    # the confirmation: both buttons reachable; cast
    assert page.locator(".confirm-list li").count() == 3
    assert_nothing_cut_off(page)
    assert_every_control_reachable(page)
    screenshot(page, "ballot_confirm_phone")
    cast = page.locator("form.ballot-confirm button[value=cast]")
    cast.scroll_into_view_if_needed()
    cast.click()
    page.wait_for_load_state()

    # the receipt code is whole on screen
    code = page.locator("#receipt-code")
    code.scroll_into_view_if_needed()
    box = code.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert code.inner_text().strip()
    assert_nothing_cut_off(page)
    assert_every_control_reachable(page)


def test_the_public_board_works_on_a_phone(fresh_world, new_page):
    world = fresh_world
    for n, target in enumerate(
        ["closed_commend", "implementing", "acceptance", "not_elected", "candidate"]
    ):
        build_case(world, n, target)
    page = new_page(**PHONE)
    page.goto(page.base + f"/board/{CODE}/")
    assert page.locator("article.board-item").count() >= 4
    assert page.locator("table.results").count() == 2  # the vote and the satisfaction results
    assert_nothing_cut_off(page)
    assert_every_control_reachable(page)
    screenshot(page, "board_phone")
    # the results tables scroll inside their frame: every column can be scrolled to
    for wrap in page.locator(".table-wrap").all():
        wrap.evaluate("e => { e.scrollLeft = e.scrollWidth; }")
        last = wrap.locator("tbody tr").first.locator("td").last
        box = last.bounding_box()
        assert box["x"] + box["width"] <= PHONE["width"] + 1
    page.locator(f"main a[href*='/suggest/?j={CODE}']").click()
    page.wait_for_url("**/suggest/**")
    assert_nothing_cut_off(page)
    assert_every_control_reachable(page)
