"""The tellers' counting keys: set before voting opens, used together at counting.

Each teller of the session sets a passphrase of their own; only the public half of the key
it derives is stored. At opening, the session's sealing key is made and wrapped so that
any ``tellers_needed`` (k) of the n tellers can unwrap it; n must exceed k, so that one
forgotten passphrase does not lose the vote.
"""

from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import messages as vm
from core.models.voting import KeyShare, SessionStatus, TellerKey, VotingSession
from core.selectors import task_counts
from permissions.checks import can_count_ballots, has_step
from permissions.roles import Step

from ..audit import audit_record
from ..steps import StepRefused
from . import sealing
from .guards import lock_session

MIN_PASSPHRASE = 10


def teller_display(user) -> str:
    return user.get_full_name() or user.username


@transaction.atomic
def teller_key_set(*, actor, session: VotingSession, passphrase: str, confirm: str) -> TellerKey:
    """A teller sets (or, before opening, replaces) their counting key for the session.

    Refused to anyone who runs the session (four eyes) and once voting has opened.
    """
    if not has_step(actor, Step.COUNT_BALLOTS, session.jurisdiction):
        raise PermissionDenied(vm.TASK_NOT_ALLOWED)
    if not can_count_ballots(actor, session):
        raise PermissionDenied(vm.TELLER_RUNS_SESSION)
    session = lock_session(session)
    if session.is_paper:
        raise StepRefused(vm.TELLER_KEY_PAPER)
    if session.status not in (SessionStatus.DRAFT, SessionStatus.SLATE_APPROVED):
        raise StepRefused(vm.TELLER_KEY_NOT_NOW)
    if len(passphrase or "") < MIN_PASSPHRASE:
        raise ValidationError({"passphrase": vm.TELLER_KEY_TOO_SHORT % {"min": MIN_PASSPHRASE}})
    if passphrase != confirm:
        raise ValidationError({"confirm": vm.TELLER_KEY_MISMATCH})
    record = sealing.new_teller_key(passphrase)
    key, _created = TellerKey.objects.update_or_create(
        session=session, teller=actor, defaults=record
    )
    audit_record(
        actor=actor,
        action="session.teller_key",
        jurisdiction=session.jurisdiction,
        target=session,
        summary=_("Counting key set by teller %(name)s") % {"name": teller_display(actor)}
        + f" · {session.title}",
        data={"teller": actor.username, "public_key": record["public_key"]},
    )
    transaction.on_commit(partial(task_counts.forget, actor.pk))  # owed no more
    return key


def session_tellers(session: VotingSession) -> list[TellerKey]:
    return list(session.teller_keys.select_related("teller").order_by("created", "pk"))


def seal_session_open(session: VotingSession) -> list[str]:
    """At opening: make the session's key pair, wrap the private key to every k-subset of
    the tellers who have set keys, keep only the public key. Returns the tellers' logins.
    Runs inside the opening's transaction, on the locked session."""
    keys = [k for k in session_tellers(session) if can_count_ballots(k.teller, session)]
    needed = session.tellers_needed + 1
    if len(keys) < needed:
        raise ValidationError(
            {
                "tellers": vm.TELLERS_TOO_FEW
                % {"needed": needed, "count": len(keys), "k": session.tellers_needed}
            }
        )
    private = sealing.new_session_key()
    shares = sealing.wrap_session_key(
        private, {k.teller_id: k.public_key for k in keys}, session.tellers_needed
    )
    KeyShare.objects.bulk_create(
        [KeyShare(session=session, tellers=subset, sealed_key=blob) for subset, blob in shares]
    )
    session.public_key = bytes(private.public_key).hex()
    del private
    return [k.teller.username for k in keys]


def unlock_session_key(session: VotingSession, passphrases: dict[int, str]):
    """The session's private key from the tellers' passphrases (teller user id → text).

    Refuses, naming them, passphrases that do not open their teller's key, and fewer than
    k that do.
    """
    keys = {k.teller_id: k for k in session_tellers(session)}
    privates, wrong = {}, []
    for teller_id, passphrase in passphrases.items():
        if not passphrase or teller_id not in keys:
            continue
        private = sealing.teller_private_key(keys[teller_id], passphrase)
        if private is None:
            wrong.append(teller_display(keys[teller_id].teller))
        else:
            privates[teller_id] = private
    if len(privates) < session.tellers_needed:
        message = vm.COUNT_TOO_FEW_PASSPHRASES % {
            "k": session.tellers_needed,
            "given": len(privates),
        }
        if wrong:
            message = f"{vm.COUNT_PASSPHRASES_WRONG % {'names': '、'.join(wrong)}} {message}"
        raise ValidationError({"passphrases": message})
    shares = [(s.tellers, bytes(s.sealed_key)) for s in session.key_shares.all()]
    return sealing.unwrap_session_key(shares, privates), sorted(
        teller_display(keys[t].teller) for t in privates
    )
