"""Routing hands a suggestion to a real queue: a community's handler, a township, the
county, or next year's pool; the receipt page says where it went and what was done."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from core import deputies_messages as dm
from core.models import AuditEntry, Channel, Community, Suggestion, SuggestionStatus
from core.models.calendar import Notification
from core.selectors import suggestions as selectors
from core.services import suggestions as services
from permissions.roles import Role

pytestmark = pytest.mark.django_db


def _suggestion(world, code="qh-dh", title="幸福社区路灯不亮"):
    return services.suggestion_submit(
        actor=None,
        jurisdiction=world.jurisdictions[code],
        channel=Channel.ONLINE,
        title=title,
        text="幸福社区3栋门口路灯坏了两个月，晚上出行不安全。",
        proposer_name="王秀英",
        proposer_contact="13900000001",
        location="幸福社区3栋",
    )


def test_a_suggestion_is_collected_for_next_years_projects(world):
    suggestion = _suggestion(world)
    assert suggestion.year == datetime.date.today().year + 1
    assert selectors.collection_year(datetime.date(2025, 10, 8)) == 2026


def test_micro_matter_reaches_the_community_handler_who_says_what_was_done(
    world, user_of, community, handler, client
):
    suggestion = _suggestion(world)
    gov = user_of("qh-dh", Role.GOVERNMENT_OFFICE)
    today = datetime.date.today()
    assert suggestion in selectors.waiting_to_be_routed(gov, today=today)

    client.force_login(gov)
    response = client.post(
        reverse("core:suggestion_route", args=[suggestion.pk]),
        {"level": "community", "community": community.pk, "note": "请社区尽快维修"},
    )
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.ROUTED and suggestion.community == community
    assert suggestion not in selectors.waiting_to_be_routed(gov, today=today)
    assert AuditEntry.objects.filter(action="suggestion.route", target_id=suggestion.pk).exists()
    assert Notification.objects.filter(recipient=handler, kind="routed").count() == 1

    client.force_login(handler)
    queue = client.get(reverse("deputies:community"))
    assert suggestion.receipt_code in queue.content.decode()
    response = client.post(
        reverse("deputies:community_handle", args=[suggestion.pk]),
        {"note": "已更换路灯两盏，恢复照明。"},
    )
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.HANDLED

    receipt = client.get(reverse("public:receipt", args=[suggestion.receipt_code])).content
    text = receipt.decode()
    assert "幸福社区" in text and "已更换路灯两盏" in text
    assert "王秀英" not in text and "13900000001" not in text


def test_township_sends_a_county_matter_up_to_the_countys_queue(world, user_of):
    suggestion = _suggestion(world, title="跨镇道路拓宽")
    township_gov = user_of("qh-dh", Role.GOVERNMENT_OFFICE)
    county_gov = user_of("qh", Role.GOVERNMENT_OFFICE)
    services.suggestion_route(
        actor=township_gov, suggestion=suggestion, level="district", note="涉及两镇，请区里统筹"
    )
    suggestion.refresh_from_db()
    assert suggestion.jurisdiction.code == "qh" and suggestion.origin.code == "qh-dh"
    assert suggestion.status == SuggestionStatus.RECEIVED
    today = datetime.date.today()
    assert suggestion in selectors.waiting_to_be_routed(county_gov, today=today)
    assert suggestion not in selectors.waiting_to_be_routed(township_gov, today=today)
    told = Notification.objects.get(recipient=county_gov, kind="routed")
    assert "跨镇道路拓宽" in told.title and "东湖镇" in told.body
    # the county accepts it for study: routed to its own level
    services.suggestion_route(actor=county_gov, suggestion=suggestion, level="district", note="")
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.ACCEPTED
    assert [t.kind for t in suggestion.trail.all()] == ["routed", "accepted"]


def test_county_hands_a_street_matter_to_a_township_of_its_own(world, user_of):
    suggestion = _suggestion(world, code="qh", title="东湖镇菜市场改造")
    county_gov = user_of("qh", Role.GOVERNMENT_OFFICE)
    with pytest.raises(ValidationError) as missing:
        services.suggestion_route(actor=county_gov, suggestion=suggestion, level="street", note="")
    assert dm.ROUTE_NEEDS_TOWNSHIP in missing.value.messages
    services.suggestion_route(
        actor=county_gov,
        suggestion=suggestion,
        level="street",
        note="",
        township=world.jurisdictions["qh-dh"],
    )
    suggestion.refresh_from_db()
    assert suggestion.jurisdiction.code == "qh-dh"
    assert suggestion in selectors.waiting_to_be_routed(
        user_of("qh-dh", Role.GOVERNMENT_OFFICE), today=datetime.date.today()
    )


def test_next_years_pool_keeps_it_for_the_next_collection(world, user_of):
    suggestion = _suggestion(world, title="建设社区图书室")
    gov = user_of("qh-dh", Role.GOVERNMENT_OFFICE)
    year = suggestion.year
    services.suggestion_route(actor=gov, suggestion=suggestion, level="next_year", note="")
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.POOLED and suggestion.year == year + 1
    today = datetime.date.today()
    assert suggestion not in selectors.waiting_to_be_routed(gov, today=today)
    next_autumn = datetime.date(today.year + 1, 9, 1)
    assert suggestion in selectors.waiting_to_be_routed(gov, today=next_autumn)


def test_routing_refusals_write_nothing(world, user_of, community, deputy_of):
    suggestion = _suggestion(world)
    gov = user_of("qh-dh", Role.GOVERNMENT_OFFICE)
    other = Community.objects.create(jurisdiction=world.jurisdictions["qh-xs"], name="西山村")
    before = (Suggestion.objects.get(pk=suggestion.pk).status, suggestion.trail.count())
    with pytest.raises(ValidationError) as outside:
        services.suggestion_route(
            actor=gov, suggestion=suggestion, level="community", note="", community=other
        )
    assert dm.COMMUNITY_OUTSIDE in outside.value.messages
    with pytest.raises(ValidationError) as no_note:
        services.suggestion_route(actor=gov, suggestion=suggestion, level="legislation", note=" ")
    assert dm.ROUTE_NEEDS_NOTE in no_note.value.messages
    with pytest.raises(PermissionDenied):
        services.suggestion_route(
            actor=user_of("qh-xs", Role.GOVERNMENT_OFFICE),
            suggestion=suggestion,
            level="street",
            note="",
        )
    with pytest.raises(PermissionDenied):
        services.suggestion_route(
            actor=deputy_of("qh-dh").user, suggestion=suggestion, level="street", note=""
        )
    assert (Suggestion.objects.get(pk=suggestion.pk).status, suggestion.trail.count()) == before


def test_handled_matter_needs_a_note_and_only_its_handler(
    world, user_of, community, handler, client
):
    suggestion = _suggestion(world)
    services.suggestion_route(
        actor=user_of("qh-dh", Role.GOVERNMENT_OFFICE),
        suggestion=suggestion,
        level="community",
        note="",
        community=community,
    )
    client.force_login(handler)
    response = client.post(reverse("deputies:community_handle", args=[suggestion.pk]), {"note": ""})
    assert response.status_code == 400
    assert str(dm.HANDLED_NEEDS_NOTE) in response.content.decode()
    # another township's clerk, or the government office, does not see the handler's queue
    client.force_login(user_of("qh-xs", Role.GOVERNMENT_OFFICE))
    url = reverse("deputies:community_handle", args=[suggestion.pk])
    assert client.post(url, {"note": "x"}).status_code == 404
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.ROUTED and suggestion.handled_at is None


def test_suggestion_list_shows_the_government_offices_waiting_section(world, user_of, client):
    suggestion = _suggestion(world)
    client.force_login(user_of("qh-dh", Role.GOVERNMENT_OFFICE))
    page = client.get(reverse("core:suggestions")).content.decode()
    assert 'id="waiting-h"' in page and suggestion.receipt_code in page
    client.force_login(user_of("qh-xs", Role.GOVERNMENT_OFFICE))
    assert suggestion.receipt_code not in client.get(reverse("core:suggestions")).content.decode()


def test_a_replayed_routing_with_a_stale_page_is_refused(world, user_of, community):
    suggestion = _suggestion(world)
    stale = Suggestion.objects.get(pk=suggestion.pk)
    gov = user_of("qh-dh", Role.GOVERNMENT_OFFICE)
    services.suggestion_route(
        actor=gov, suggestion=suggestion, level="community", note="", community=community
    )
    with pytest.raises(ValidationError) as refused:
        services.suggestion_route(actor=gov, suggestion=stale, level="next_year", note="")
    assert str(dm.ROUTE_NOT_ALLOWED_NOW % {"code": suggestion.receipt_code}) in str(refused.value)
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.ROUTED and suggestion.trail.count() == 1


def test_the_government_office_keeps_its_communities_and_their_handlers(
    world, user_of, handler, client
):
    from core.models import AuditEntry

    client.force_login(user_of("qh-dh", Role.GOVERNMENT_OFFICE))
    url = reverse("deputies:communities") + "?j=qh-dh"
    response = client.post(url, {"name": "幸福社区", "handler": handler.pk, "phone": "0571-1"})
    assert response.status_code == 302
    community = Community.objects.get(name="幸福社区")
    assert community.handler == handler
    assert AuditEntry.objects.filter(action="community.save").exists()
    again = client.post(url, {"name": "幸福社区"})
    assert again.status_code == 400
    assert str(dm.COMMUNITY_EXISTS) in again.content.decode()
    # a handler without the role in this township cannot be named
    stranger = user_of("qh-xs", Role.GOVERNMENT_OFFICE)
    assert client.post(url, {"name": "东湖村", "handler": stranger.pk}).status_code == 400
    assert not Community.objects.filter(name="东湖村").exists()
    for role in (Role.CONGRESS_OFFICE, Role.SUPERVISOR):
        client.force_login(user_of("qh-dh", role))
        assert client.post(url, {"name": "东湖村"}).status_code == 404
    assert Community.objects.count() == 1
