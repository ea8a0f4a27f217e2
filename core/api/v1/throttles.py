"""Throttling of API v1, in the cache (Redis in production), so that the limits hold
across every worker process: per token, per session user, and per client address for
anonymous callers (behind `TRUSTED_PROXY_COUNT` proxies, the forwarded address)."""

import logging

from rest_framework.throttling import SimpleRateThrottle

from core.views.public import client_address

from .auth import token_of

logger = logging.getLogger(__name__)


class CacheThrottle(SimpleRateThrottle):
    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception:  # the cache (Redis) is down: serve rather than refuse everyone
            logger.warning("cache unavailable: API throttles not applied", exc_info=True)
            return True


class TokenRateThrottle(CacheThrottle):
    scope = "api-token"

    def get_cache_key(self, request, view):
        token = token_of(request)
        return self.cache_format % {"scope": self.scope, "ident": token.pk} if token else None


class UserRateThrottle(CacheThrottle):
    scope = "api-user"

    def get_cache_key(self, request, view):
        if token_of(request) is not None or not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class AddressRateThrottle(CacheThrottle):
    """Every caller's address, signed in or not: one address cannot flood the API by
    cycling tokens or sessions."""

    scope = "api-address"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": client_address(request)}


class HallAddressRateThrottle(AddressRateThrottle):
    """The ballot's limit per address: a congress hall votes through one network, often
    one address, so it is sized to a hall of deputies, not to one caller."""

    scope = "api-ballot-address"


THROTTLES = [TokenRateThrottle, UserRateThrottle, AddressRateThrottle]
BALLOT_THROTTLES = [TokenRateThrottle, UserRateThrottle, HallAddressRateThrottle]
