"""Writes of the weeks before the vote around a session's slate: the congress office's
slate policy, the three-party agreement (三方会商: the government and congress offices
sign the slate, then the Party committee reviews it), and the materials sent to every
deputy ahead of the session.

`check_slate_policy` is what the voting services ask before the Party committee may
approve a slate (and before a revised slate is sent back to it)."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import deputies_messages as dm
from core import messages
from core.models import RoleAssignment
from core.models.calendar import NotificationKind
from core.models.slate import MaterialsDispatch, SigningOffice, SlatePolicy, SlateSignature
from core.models.voting import SessionStatus, VotingSession
from core.selectors.slate_norms import special_share
from core.services.audit import audit_record
from core.services.notifications import notify
from permissions.checks import can_manage_sessions, has_step
from permissions.roles import Role, Step

from .history import create_with_reason, save_with_reason

OFFICE_ROLES = {
    SigningOffice.GOVERNMENT: Role.GOVERNMENT_OFFICE,
    SigningOffice.CONGRESS: Role.CONGRESS_OFFICE,
}
MATERIALS_DAYS_AHEAD = 7


def slate_projects(session: VotingSession) -> list[int]:
    return sorted(session.candidates.values_list("project_id", flat=True))


def valid_signatures(session: VotingSession) -> dict[str, SlateSignature]:
    """The signatures that still hold: given on the slate as it stands now."""
    current = slate_projects(session)
    signed = {}
    for signature in session.slate_signatures.select_related("signed_by"):
        if sorted(signature.projects) == current:
            signed[signature.office] = signature
    return signed


def policy_of(jurisdiction) -> SlatePolicy | None:
    return SlatePolicy.objects.filter(jurisdiction=jurisdiction).first()


def check_slate_policy(session: VotingSession) -> None:
    """Refuse a slate the jurisdiction's policy does not allow to go to the Party review:
    unsigned by the government or congress office, or short of special-collection projects.
    Without a policy, nothing is required."""
    policy = policy_of(session.jurisdiction)
    if policy is None:
        return
    if policy.agreement_required:
        missing = set(SigningOffice) - set(valid_signatures(session))
        if missing:
            names = "、".join(str(SigningOffice(o).label) for o in sorted(missing))
            raise ValidationError({"candidates": dm.SLATE_NOT_AGREED % {"offices": names}})
    if session.is_selection and policy.special_share:
        share = special_share(slate_projects(session), policy.special_share)
        if not share.met:
            raise ValidationError({"candidates": share.problem()})


@transaction.atomic
def slate_policy_set(
    *, actor, jurisdiction, agreement_required: bool, special_share: Decimal
) -> SlatePolicy:
    if not can_manage_sessions(actor, jurisdiction):
        raise PermissionDenied(messages.TASK_NOT_ALLOWED)
    share = Decimal(str(special_share))
    if not Decimal(0) <= share <= Decimal(1):
        raise ValidationError({"special_share": dm.SPECIAL_SHARE_OUT_OF_RANGE})
    policy = policy_of(jurisdiction) or SlatePolicy(jurisdiction=jurisdiction)
    policy.agreement_required = bool(agreement_required)
    policy.special_share = share
    policy.updated_by = actor
    save_with_reason(policy, actor=actor, reason=_("Slate policy set"))
    audit_record(
        actor=actor,
        action="slate.policy",
        jurisdiction=jurisdiction,
        target=policy,
        summary=_("Slate policy of %(place)s set") % {"place": jurisdiction.name},
        data={"agreement_required": policy.agreement_required, "special_share": str(share)},
    )
    return policy


@transaction.atomic
def slate_sign(*, actor, session: VotingSession, office: str) -> SlateSignature:
    """One office signs the slate as it stands (三方会商), before the Party review.

    The government office signs for the government, the congress office for the congress;
    one person cannot sign for both; a slate rebuilt after signing needs signing again.
    """
    office = SigningOffice(office)
    session = (
        VotingSession.objects.select_for_update(of=("self",))
        .select_related("jurisdiction")
        .get(pk=session.pk)
    )
    jurisdiction = session.jurisdiction
    holds_role = RoleAssignment.objects.filter(
        user=actor, role=OFFICE_ROLES[office], jurisdiction=jurisdiction
    ).exists()
    if not holds_role or not has_step(actor, Step.AGREE_SLATE, jurisdiction):
        raise PermissionDenied(messages.TASK_NOT_ALLOWED)
    if session.status != SessionStatus.DRAFT:
        raise ValidationError(dm.SLATE_NOT_DRAFT)
    projects = slate_projects(session)
    if not projects:
        raise ValidationError(dm.SLATE_NOTHING_TO_SIGN)
    signed = valid_signatures(session)
    if office in signed:
        raise ValidationError(dm.SLATE_ALREADY_SIGNED)
    if any(s.signed_by_id == actor.pk for s in signed.values()):
        raise PermissionDenied(dm.SLATE_ONE_SIGNATURE_EACH)
    signature = create_with_reason(
        SlateSignature,
        actor=actor,
        why=_("Slate signed"),
        session=session,
        office=office,
        projects=projects,
        signed_by=actor,
    )
    audit_record(
        actor=actor,
        action="slate.sign",
        jurisdiction=jurisdiction,
        target=session,
        summary=_("%(office)s signed the slate of %(session)s")
        % {"office": office.label, "session": session.title},
        data={"office": office.value, "projects": projects},
    )
    return signature


@transaction.atomic
def session_send_materials(
    *, actor, session: VotingSession, meeting_on: datetime.date
) -> MaterialsDispatch:
    """Send the candidates' materials to every deputy (a week ahead of the session)."""
    if not can_manage_sessions(actor, session.jurisdiction):
        raise PermissionDenied(messages.TASK_NOT_ALLOWED)
    today = timezone.localdate()
    if meeting_on < today:
        raise ValidationError({"meeting_on": dm.MATERIALS_MEETING_PAST})
    if not session.candidates.exists():
        raise ValidationError({"meeting_on": dm.SLATE_NOTHING_TO_SIGN})
    deputies = [
        d.user
        for d in session.jurisdiction.deputies.filter(active=True, user__isnull=False)
        .select_related("user")
        .order_by("pk")
    ]
    dispatch = MaterialsDispatch.objects.create(
        session=session, meeting_on=meeting_on, deputies=len(deputies), sent_by=actor
    )
    notify(
        event_key=f"session-materials:{session.pk}:{dispatch.pk}",
        recipients=deputies,
        kind=NotificationKind.MATERIALS,
        params={"session": session.title, "date": meeting_on.isoformat()},
        url=reverse("deputies:candidates"),
    )
    audit_record(
        actor=actor,
        action="session.materials",
        jurisdiction=session.jurisdiction,
        target=session,
        summary=_("Materials of %(session)s sent to %(n)d deputies, %(days)d days ahead")
        % {"session": session.title, "n": len(deputies), "days": (meeting_on - today).days},
        data={"meeting_on": meeting_on, "deputies": len(deputies)},
    )
    return dispatch
