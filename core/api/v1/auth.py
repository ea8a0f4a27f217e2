"""Who is calling API v1: a browser session, or another system's token.

    Authorization: Bearer lv_<prefix>_<secret>

A token acts as its account (whose roles decide what a step allows), never beyond its
scopes (read, suggest, act, vote) and never beyond its jurisdiction and the ones below it.
A session user has every scope: their roles alone decide. HTTP Basic is off.
"""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions

from core.models.api import ApiScope, ApiToken
from core.services.api_tokens import api_token_authenticate

from .errors import SCOPE_MISSING, ApiError

TOKEN_INVALID = _("This API token is not valid (unknown, mistyped or revoked).")
SCOPE_REQUIRED = _("This token lacks the “%(scope)s” scope.")
LAST_USED_EVERY = timedelta(minutes=5)


class TokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(TOKEN_INVALID)
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(TOKEN_INVALID)
        token = api_token_authenticate(raw)
        if token is None:
            raise exceptions.AuthenticationFailed(TOKEN_INVALID)
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return token.user, token

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "core.api.v1.auth.TokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A system's API token (lv_…), issued by an administrator.",
        }


def token_of(request) -> ApiToken | None:
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, ApiToken) else None


def within_token(request, queryset, field: str = "jurisdiction"):
    """Narrow a scoped queryset to the token's jurisdiction subtree (no-op for sessions)."""
    token = token_of(request)
    if token is None:
        return queryset
    prefix = f"{field}__" if field else ""
    return queryset.filter(**{f"{prefix}path__startswith": token.jurisdiction.path})


def token_reaches(request, jurisdiction) -> bool:
    token = token_of(request)
    return token is None or jurisdiction.path.startswith(token.jurisdiction.path)


def require_scope(request, scope: str) -> None:
    token = token_of(request)
    if token is not None and not token.has_scope(scope):
        raise ApiError(SCOPE_MISSING, SCOPE_REQUIRED % {"scope": scope}, status_code=403)


class HasScope(permissions.BasePermission):
    """Authenticated, and a token carries the view's `required_scope` (sessions pass)."""

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        scope = getattr(view, "required_scope", ApiScope.READ)
        if scope is not None:
            require_scope(request, scope)
        return True
