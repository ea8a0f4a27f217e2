"""The supervision year in a real Chromium: the county congress office plans and holds the
mid-year meeting, records its rating of a project under way and issues a review opinion;
the case page and the public board show the mid-year rating while the case keeps no
year-end band; the office records an inspection with a photo, which the inspection page
shows; the lead unit answers the opinion and the congress office checks the answer.

Outside the browser only what no person does on these pages: two cases walked to
implementation through the services (the same calls the offices' pages make).
"""

import re

import pytest
from django.utils import translation

from core import oversight_messages as om
from core.demo import CaseDriver
from core.demo_oversight import site_photo
from core.models import Deputy, Opinion, OpinionCheck, Project
from core.models.meetings import ProjectRating

from .conftest import axe_violations, login, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CODE = "qh"


def zh(message) -> str:
    with translation.override("zh-hans"):
        return str(message)


def as_user(new_page, username):
    page = new_page()
    login(page, username)
    assert "/accounts/login/" not in page.url, f"{username} could not log in"
    return page


def press(page, form_selector, expect_path):
    page.locator(f"{form_selector} button[type=submit]").first.click()
    page.wait_for_load_state()
    if not re.search(expect_path, page.url) or page.locator(".error").count():
        errors = page.locator(".error, .errors, .msg-error").all_inner_texts()
        raise AssertionError(f"on {page.url}: {errors}")


def cases_under_way(world, n=2):
    made = []
    for index in range(n):
        before = set(world.jurisdictions[CODE].projects.values_list("pk", flat=True))
        world.build_case(50 + index, CODE, "assign_study")
        project = world.jurisdictions[CODE].projects.exclude(pk__in=before).get()
        driver = CaseDriver(world, CODE, project)
        driver.run_to("report_review" if index == 0 else "implementing")
        driver.refresh()
        made.append(driver)
    return made


def test_a_mid_year_meeting_with_its_rating_and_an_inspection_with_a_photo(
    fresh_world, new_page, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    world = fresh_world
    cases = cases_under_way(world)
    project = cases[0].project
    office = as_user(new_page, "qh.congress")

    # -- plan the mid-year meeting: its agenda is built from the projects' reports -------
    office.goto(office.base + "/work/meetings/")
    office.locator("a[href$='/work/meetings/new/']").click()
    office.select_option("select[name=kind]", "mid_year")
    office.fill("input[name=title]", "清河区人大常委会2026年年中推进会")
    office.fill("input[name=scheduled_on]", "2026-07-22")
    press(office, "main form", r"/work/meetings/\d+/$")
    meeting_url = office.url
    assert project.title in office.locator("#agenda-h + div").inner_text()

    # -- without a quorum it is refused; with six of eight it is held --------------------
    deputies = list(Deputy.objects.filter(jurisdiction__code=CODE).order_by("pk"))
    office.fill("input[name=held_on]", "2026-07-22")
    for deputy in deputies[:3]:
        office.check(f"input[name=present][value='{deputy.pk}']")
    office.fill("textarea[name=minutes]", "听取各项目上半年实施情况报告。")
    office.locator("form[action$='/held/'] button[type=submit]").click()
    office.wait_for_load_state()
    assert zh(om.MEETING_NO_QUORUM % {"present": 3, "total": 8}) in office.content()
    for deputy in deputies[3:6]:
        office.check(f"input[name=present][value='{deputy.pk}']")
    office.fill("textarea[name=minutes]", "听取各项目上半年实施情况报告，代表无记名投票测评。")
    press(office, "form[action$='/held/']", re.escape(meeting_url) + "$")

    # -- the deputies' secret-ballot count, and a review opinion to the lead unit ---------
    office.select_option("select[name=rating-project]", str(project.pk))
    office.fill("input[name=rating-mean_score]", "88.5")
    press(office, "form[action$='/rate/']", re.escape(meeting_url) + "$")
    office.select_option("select[name=opinion-project]", str(project.pk))
    office.fill("textarea[name=opinion-text]", "请倒排工期，确保9月底前完成主体工程。")
    office.fill("input[name=opinion-due]", "2026-08-31")
    press(office, "form[action$='/opinion/']", re.escape(meeting_url) + "$")
    assert "请倒排工期" in office.locator("#opinions-h").locator("..").inner_text()
    screenshot(office, "mid_year_meeting")
    assert not axe_violations(office), axe_violations(office)

    rating = ProjectRating.objects.get(project=project)
    assert rating.purpose == "mid_year" and str(rating.mean_score) == "88.5"
    office.goto(f"{office.base}/work/cases/{project.pk}/")
    assert "88.5" in office.locator("#oversight-h").locator("..").inner_text()
    project.refresh_from_db()
    assert project.band == "" and project.stage == "implementing"
    public = new_page()
    public.goto(f"{public.base}/board/{CODE}/")
    card = public.locator("article.board-item", has_text=project.title)
    assert "88.5" in card.inner_text()

    # -- an inspection with a photo ------------------------------------------------------
    photo = tmp_path / "site.png"
    photo.write_bytes(site_photo("site.png", (150, 120, 90)).read())
    office.goto(office.base + "/work/inspections/new/")
    office.select_option("select[name=kind]", "inspection")
    office.select_option("select[name=body]", "committee")
    office.fill("input[name=held_on]", "2026-06-12")
    office.check(f"input[name=projects][value='{project.pk}']")
    office.check(f"input[name=deputies][value='{deputies[0].pk}']")
    office.fill("textarea[name=findings]", "现场安全围挡不连续。")
    office.set_input_files("input[name=photos]", str(photo))
    office.fill("input[name=caption]", "施工现场")
    press(office, "main form", r"/work/inspections/\d+/$")
    image = office.locator("div.photos img").first
    image.wait_for()
    assert office.evaluate(
        "(img) => img.complete && img.naturalWidth === 320", image.element_handle()
    )
    screenshot(office, "inspection")
    assert not axe_violations(office), axe_violations(office)

    # -- the lead unit answers the meeting's opinion; the congress office checks it ------
    clerk = as_user(new_page, f"qh.{cases[0].dept}")
    clerk.goto(clerk.base + "/work/opinions/")
    assert not axe_violations(clerk), axe_violations(clerk)
    clerk.locator("tbody tr", has_text=project.title).locator("a.btn.primary").click()
    clerk.fill("textarea[name=answer]", "已增加两个施工班组，8月底主体工程完成70%。")
    press(clerk, "main form", rf"/work/cases/{project.pk}/$")
    office.goto(office.base + "/work/opinions/?state=to_check")
    office.locator("tbody tr", has_text=project.title).locator("a.btn").click()
    office.check("input[name=decision][value=accept]")
    press(office, "main form", r"/work/opinions/")
    opinion = Opinion.objects.get(project=project, meeting__isnull=False)
    assert opinion.check_result == OpinionCheck.ACCEPTED
    timeline = (
        office.goto(f"{office.base}/work/cases/{project.pk}/")
        and office.locator("ol.timeline").inner_text()
    )
    assert "已增加两个施工班组" in timeline and "清河区人大常委会2026年年中推进会" in timeline
    assert Project.objects.get(pk=project.pk).band == ""
