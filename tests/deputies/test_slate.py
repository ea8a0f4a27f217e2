"""The weeks before the vote around a session's slate: the government and congress
offices sign it before the Party review (三方会商), the special collection's share, seat
norms, and the materials a week ahead."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from core import deputies_messages as dm
from core.models import AuditEntry
from core.models.calendar import Notification
from core.models.slate import MaterialsDispatch, SigningOffice, SlateSignature
from core.models.voting import SessionStatus
from core.services import organisation
from core.services import slate as slate_services
from core.services import voting as services
from permissions.roles import Role

pytestmark = pytest.mark.django_db

CODE = "qh-dh"


def _draft(world, make_case, n=3, seats=2):
    projects = [make_case(CODE, to="candidate").project for _ in range(n)]
    congress = world.users[(CODE, Role.CONGRESS_OFFICE)]
    session = services.session_create(
        actor=congress,
        jurisdiction=world.jurisdictions[CODE],
        year=projects[0].year,
        kind="selection",
        title="东湖镇民生实事项目票决",
        rules={"seats": seats},
    )
    services.session_build_slate(actor=congress, session=session, projects=projects)
    session.refresh_from_db()
    return session, projects


def _policy(world, **kwargs):
    return slate_services.slate_policy_set(
        actor=world.users[(CODE, Role.CONGRESS_OFFICE)],
        jurisdiction=world.jurisdictions[CODE],
        **({"agreement_required": True, "special_share": 0} | kwargs),
    )


def test_both_offices_sign_before_the_party_approves(world, make_case, user_of, client):
    _policy(world)
    session, _projects = _draft(world, make_case)
    party = user_of(CODE, Role.PARTY_OFFICE)
    with pytest.raises(ValidationError) as refused:
        services.session_approve_slate(actor=party, session=session)
    offices = "、".join(str(o.label) for o in sorted(SigningOffice))
    assert str(dm.SLATE_NOT_AGREED % {"offices": offices}) in refused.value.messages
    session.refresh_from_db()
    assert session.status == SessionStatus.DRAFT

    client.force_login(user_of(CODE, Role.GOVERNMENT_OFFICE))
    page = client.get(reverse("voting:session", args=[session.pk])).content.decode()
    assert 'id="agreement-h"' in page and 'value="government"' in page
    response = client.post(
        reverse("deputies:slate_sign", args=[session.pk]), {"office": "government"}
    )
    assert response.status_code == 302
    client.force_login(user_of(CODE, Role.CONGRESS_OFFICE))
    client.post(reverse("deputies:slate_sign", args=[session.pk]), {"office": "congress"})
    assert SlateSignature.objects.filter(session=session).count() == 2
    assert AuditEntry.objects.filter(action="slate.sign").count() == 2

    services.session_approve_slate(actor=party, session=session)
    session.refresh_from_db()
    assert session.status == SessionStatus.SLATE_APPROVED


def test_a_rebuilt_slate_needs_signing_again(world, make_case, user_of):
    _policy(world)
    session, projects = _draft(world, make_case, n=3)
    for office, role in (
        ("government", Role.GOVERNMENT_OFFICE),
        ("congress", Role.CONGRESS_OFFICE),
    ):
        slate_services.slate_sign(actor=user_of(CODE, role), session=session, office=office)
    assert len(slate_services.valid_signatures(session)) == 2
    extra = make_case(CODE, to="candidate").project
    services.session_build_slate(
        actor=user_of(CODE, Role.CONGRESS_OFFICE),
        session=session,
        projects=[projects[0], projects[1], extra],
    )
    assert slate_services.valid_signatures(session) == {}
    with pytest.raises(ValidationError):
        services.session_approve_slate(actor=user_of(CODE, Role.PARTY_OFFICE), session=session)


def test_signing_refusals(world, make_case, user_of, client):
    _policy(world)
    session, _projects = _draft(world, make_case)
    with pytest.raises(PermissionDenied):
        slate_services.slate_sign(
            actor=user_of(CODE, Role.PARTY_OFFICE), session=session, office="government"
        )
    with pytest.raises(PermissionDenied):  # the congress office cannot sign for the government
        slate_services.slate_sign(
            actor=user_of(CODE, Role.CONGRESS_OFFICE), session=session, office="government"
        )
    # one person holding both offices signs once
    both = User.objects.create_user("qh.dh.both")
    for role in (Role.GOVERNMENT_OFFICE, Role.CONGRESS_OFFICE):
        organisation.role_assign(
            actor=None, user=both, role=role, jurisdiction=world.jurisdictions[CODE]
        )
    slate_services.slate_sign(actor=both, session=session, office="government")
    with pytest.raises(PermissionDenied):
        slate_services.slate_sign(actor=both, session=session, office="congress")
    with pytest.raises(ValidationError):
        slate_services.slate_sign(
            actor=user_of(CODE, Role.GOVERNMENT_OFFICE), session=session, office="government"
        )
    # another township's government office gets 404
    client.force_login(user_of("qh-xs", Role.GOVERNMENT_OFFICE))
    url = reverse("deputies:slate_sign", args=[session.pk])
    assert client.post(url, {"office": "government"}).status_code == 404
    assert SlateSignature.objects.filter(session=session).count() == 1


def test_the_slate_check_can_require_a_share_of_special_collection_projects(
    world, make_case, user_of
):
    _policy(world, agreement_required=False, special_share="0.5")
    session, _projects = _draft(world, make_case)
    with pytest.raises(ValidationError) as refused:
        services.session_approve_slate(actor=user_of(CODE, Role.PARTY_OFFICE), session=session)
    assert str(dm.SPECIAL_SHARE_NOT_MET % {"special": 0, "total": 3, "required": "50"}) in str(
        refused.value
    )
    with pytest.raises(ValidationError):
        _policy(world, special_share="1.5")


def test_seat_norms_warn_on_the_session_page(world, make_case, user_of, client):
    session, _projects = _draft(world, make_case, n=6, seats=5)
    client.force_login(user_of(CODE, Role.CONGRESS_OFFICE))
    page = client.get(reverse("voting:session", args=[session.pk])).content.decode()
    warning = dm.SEATS_OUTSIDE_NORM % {"seats": 5, "level": "乡镇", "low": 1, "high": 3}
    assert escape(str(warning)) in page


def test_materials_go_to_every_deputy_and_a_late_dispatch_is_flagged(
    world, make_case, user_of, client
):
    session, _projects = _draft(world, make_case)
    congress = user_of(CODE, Role.CONGRESS_OFFICE)
    client.force_login(congress)
    today = timezone.localdate()
    url = reverse("deputies:materials", args=[session.pk])
    past = client.post(url, {"meeting_on": (today - datetime.timedelta(days=1)).isoformat()})
    assert (
        past.status_code == 400 and escape(str(dm.MATERIALS_MEETING_PAST)) in past.content.decode()
    )
    assert (
        client.post(
            url, {"meeting_on": (today + datetime.timedelta(days=3)).isoformat()}
        ).status_code
        == 302
    )
    dispatch = MaterialsDispatch.objects.get(session=session)
    assert dispatch.deputies == 8
    assert Notification.objects.filter(kind="materials").count() == 8
    page = client.get(reverse("voting:session", args=[session.pk])).content.decode()
    assert escape(str(dm.MATERIALS_LATE % {"days": 3})) in page
    for role in (Role.GOVERNMENT_OFFICE, Role.PARTY_OFFICE):
        client.force_login(user_of(CODE, role))
        assert client.post(url, {"meeting_on": today.isoformat()}).status_code == 404
    assert MaterialsDispatch.objects.count() == 1
