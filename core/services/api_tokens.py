"""Issuing and revoking the other systems' API tokens (administrators only).

A token is shown once, when issued: only the SHA-256 of the secret is stored (the secret
has 256 bits of chance, so a plain hash is enough; no slow hash is needed to stop guessing).
The key reads ``lv_<prefix>_<secret>``: the prefix finds the row, the hash proves the rest.
Every issue and revocation is on the decision log.
"""

import hashlib
import hmac
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.models import Jurisdiction
from core.models.api import ApiScope, ApiToken
from core.services.audit import audit_record
from permissions.scope import can_read_jurisdiction

from .history import create_with_reason, save_with_reason

KEY_START = "lv_"

TOKEN_NOT_ADMIN = gettext_lazy("Only an administrator may issue or revoke API tokens.")
TOKEN_FOR_ONESELF = gettext_lazy("Nobody issues a token that acts as themselves.")
TOKEN_SCOPES_REQUIRED = gettext_lazy("Choose at least one scope: %(scopes)s.")
TOKEN_SCOPE_UNKNOWN = gettext_lazy("Unknown scope “%(scope)s”; the scopes are %(scopes)s.")
TOKEN_NAME_REQUIRED = gettext_lazy("Name the system that will use the token.")
TOKEN_USER_CANNOT_READ = gettext_lazy(
    "The account %(user)s does not work in %(jurisdiction)s; a token that reads or acts must "
    "act as an account of that jurisdiction."
)
TOKEN_ALREADY_REVOKED = gettext_lazy("This token is already revoked.")


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _check_admin(actor) -> None:
    # None: a server administrator at the command line (manage.py api_token).
    if actor is not None and not (actor.is_active and actor.is_staff):
        raise PermissionDenied(TOKEN_NOT_ADMIN)


def _clean_scopes(scopes) -> list[str]:
    names = ", ".join(ApiScope.values)
    cleaned = []
    for scope in scopes or []:
        if scope not in ApiScope.values:
            raise ValidationError(
                {"scopes": TOKEN_SCOPE_UNKNOWN % {"scope": scope, "scopes": names}}
            )
        if scope not in cleaned:
            cleaned.append(scope)
    if not cleaned:
        raise ValidationError({"scopes": TOKEN_SCOPES_REQUIRED % {"scopes": names}})
    return [s for s in ApiScope.values if s in cleaned]


@transaction.atomic
def api_token_issue(
    *, actor, name: str, user, jurisdiction: Jurisdiction, scopes
) -> tuple[ApiToken, str]:
    """Issue a token for a system; returns the row and the key, which is never shown again.

    The token acts as `user` (its roles decide what a step allows) and never beyond
    `jurisdiction` (and the jurisdictions below it). A token that only suggests may act as
    an account without roles (the hotline's service account).
    """
    _check_admin(actor)
    if actor is not None and user.pk == actor.pk:
        raise PermissionDenied(TOKEN_FOR_ONESELF)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": TOKEN_NAME_REQUIRED})
    scopes = _clean_scopes(scopes)
    if set(scopes) - {ApiScope.SUGGEST} and not can_read_jurisdiction(user, jurisdiction):
        raise ValidationError(
            {
                "user": TOKEN_USER_CANNOT_READ
                % {"user": user.get_username(), "jurisdiction": jurisdiction.name}
            }
        )
    prefix = secrets.token_hex(4)
    raw = f"{KEY_START}{prefix}_{secrets.token_urlsafe(32)}"
    token = create_with_reason(
        ApiToken,
        actor=actor,
        why=_("API token issued to %(name)s") % {"name": name},
        name=name[:100],
        user=user,
        jurisdiction=jurisdiction,
        scopes=scopes,
        prefix=prefix,
        key_hash=hash_key(raw),
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="api_token.issue",
        jurisdiction=jurisdiction,
        target=token,
        summary=_("API token %(prefix)s issued to %(name)s, acting as %(user)s, scopes %(scopes)s")
        % {
            "prefix": prefix,
            "name": name,
            "user": user.get_username(),
            "scopes": ", ".join(scopes),
        },
        data={"prefix": prefix, "name": name, "user": user.pk, "scopes": scopes},
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor, token: ApiToken) -> ApiToken:
    """Revoke a token: every request carrying it is refused from now on; its webhook
    subscriptions stop."""
    _check_admin(actor)
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        raise ValidationError(TOKEN_ALREADY_REVOKED)
    token.revoked_at = timezone.now()
    token.revoked_by = actor
    save_with_reason(token, actor=actor, reason=_("API token revoked"))
    token.webhooks.filter(active=True).update(active=False)
    audit_record(
        actor=actor,
        action="api_token.revoke",
        jurisdiction=token.jurisdiction,
        target=token,
        summary=_("API token %(prefix)s of %(name)s revoked")
        % {"prefix": token.prefix, "name": token.name},
        data={"prefix": token.prefix},
    )
    return token


def api_token_authenticate(raw: str) -> ApiToken | None:
    """The active token of a key, or None (the same None for unknown, wrong or revoked)."""
    raw = (raw or "").strip()
    if not raw.startswith(KEY_START) or len(raw) > 200:
        return None
    prefix = raw[len(KEY_START) :].split("_", 1)[0]
    token = ApiToken.objects.select_related("user", "jurisdiction").filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.key_hash, hash_key(raw)):
        return None
    if token.revoked_at is not None or not token.user.is_active:
        return None
    return token
