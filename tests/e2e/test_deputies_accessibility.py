"""The deputies' pages have no serious accessibility violation (axe-core in Chromium):
the QR form, the poster, a deputy's own page, the ranking, the similar-suggestion groups,
a candidate with its comments, and the board with its comment forms."""

import pytest

from core.models import Deputy
from core.services import candidates, slate, stations, voting
from core.services import suggestions as suggestion_services
from permissions.roles import Role

from .test_accessibility import build_case, check_pages

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CODE = "qh-dh"


def test_the_deputies_pages_have_no_serious_accessibility_violation(fresh_world, new_page):
    world = fresh_world
    jurisdiction = world.jurisdictions[CODE]
    congress = world.users[(CODE, Role.CONGRESS_OFFICE)]
    deputies = list(Deputy.objects.filter(jurisdiction=jurisdiction).order_by("pk"))
    station = stations.station_save(
        actor=congress,
        jurisdiction=jurisdiction,
        code="qh-dh-zx",
        name="东湖镇代表联络站",
        deputies=deputies[:2],
    )
    for n, title in enumerate(["幸福路路灯不亮", "幸福路路灯维修", "老年食堂"]):
        suggestion_services.deputy_suggestion_submit(
            actor=deputies[n].user, deputy=deputies[n], title=title, text=title + "，请解决。"
        )
    candidate = build_case(world, 0, "candidate")
    others = [build_case(world, n, "candidate") for n in (1, 2)]
    session = voting.session_create(
        actor=congress,
        jurisdiction=jurisdiction,
        year=candidate.year,
        kind="selection",
        title="东湖镇民生实事项目票决",
        rules={"seats": 2},
    )
    voting.session_build_slate(actor=congress, session=session, projects=[candidate, *others])
    slate.slate_policy_set(
        actor=congress, jurisdiction=jurisdiction, agreement_required=True, special_share=0
    )
    comment = candidates.candidate_comment_submit(
        actor=None, project=candidate, author_name="赵德明", text="支持这个项目。"
    )
    candidates.candidate_comment_moderate(actor=congress, comment=comment, publish=True)

    pages = {
        None: [
            ("station QR form", f"/s/{station.code}/"),
            ("deputy QR form", f"/d/{deputies[0].pk}/"),
            ("board with comments", f"/board/{CODE}/"),
        ],
        deputies[0].user.username: [("my duty", "/work/duty/mine/")],
        congress.username: [
            ("ranking", "/work/duty/ranking/"),
            ("point table", "/work/duty/points/"),
            ("station", f"/work/stations/{station.pk}/"),
            ("poster", f"/work/stations/{station.pk}/poster/"),
            ("candidate", f"/work/candidates/{candidate.pk}/"),
        ],
        world.users[(CODE, Role.GOVERNMENT_OFFICE)].username: [
            ("groups", "/work/collection/groups/"),
            ("session with the slate agreement", f"/work/sessions/{session.pk}/"),
            ("special collection", "/work/collection/special/"),
            ("suggestions with the waiting section", "/work/suggestions/"),
        ],
    }
    found = {}
    assert check_pages(new_page, pages, found) == 13
    assert found == {}, found
