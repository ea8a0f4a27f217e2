"""Throttling of API v1, in the cache (Redis in production), so that the limits hold
across every worker process: per token, per session user, and per client address for
anonymous callers (behind `TRUSTED_PROXY_COUNT` proxies, the forwarded address).

Every limit of a request is counted in one round trip to Redis, and counted exactly:
each limit is a counter per window (a minute, at the default rates) that Redis
increments atomically, so requests racing from many processes are all counted, where a
read-then-write of a list of times would lose some. A request is refused when its
counter and the previous window's, weighted by how much of that window still lies within
the last minute, exceed the limit: a sliding window of the last minute, estimated in
constant space. Refused requests count too, so a caller who keeps trying stays refused.
Without Redis (the embedded default) the counters live in the process's own cache.
"""

import logging
import time

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from rest_framework.throttling import SimpleRateThrottle

from core.views.public import client_address

from .auth import token_of

logger = logging.getLogger(__name__)


class CacheThrottle(SimpleRateThrottle):
    """One limit (``scope``'s rate) on what ``get_cache_key`` names; see ``wait_for``."""

    @property
    def cache(self):
        return caches["default"]  # the backend itself (Redis's pipeline), not a proxy

    def allow_request(self, request, view):
        """On a view of its own (API v1's views count all their limits at once)."""
        self._wait = wait_for(request, view, [self])
        return self._wait is None

    def wait(self):
        return getattr(self, "_wait", None)


def _counters(cache, keys: list[tuple[str, str, int]]) -> list[tuple[int, int]]:
    """(this window's count, after this request; the previous window's) for each
    (current key, previous key, seconds to keep), in one round trip to Redis."""
    if isinstance(cache, RedisCache):
        names = [(cache.make_key(now), cache.make_key(before), keep) for now, before, keep in keys]
        pipe = cache._cache.get_client(write=True).pipeline(transaction=False)
        for now, before, keep in names:
            pipe.incr(now)
            pipe.expire(now, keep)
            pipe.get(before)
        answers = pipe.execute()
        return [(int(answers[i]), int(answers[i + 2] or 0)) for i in range(0, len(answers), 3)]
    counts = []
    for now, before, keep in keys:
        cache.add(now, 0, keep)
        counts.append((cache.incr(now), int(cache.get(before) or 0)))
    return counts


def wait_for(request, view, throttles) -> float | None:
    """Count the request against every limit that applies to it; None when all allow
    it, else the seconds until the tightest refusing one may allow it. When the cache
    cannot be reached the request is served: refusing everyone would be worse."""
    now = time.time()
    limits, keys = [], []
    for throttle in throttles:
        ident = throttle.get_cache_key(request, view)
        if ident is None or throttle.rate is None:
            continue
        allowed, duration = throttle.num_requests, throttle.duration
        window = int(now // duration)
        keys.append((f"{ident}:{window}", f"{ident}:{window - 1}", 2 * duration))
        limits.append((allowed, duration, (now % duration) / duration))
    if not keys:
        return None
    try:
        counts = _counters(throttles[0].cache, keys)
    except Exception:  # noqa: BLE001 - the cache (Redis) is down: serve, and say so
        logger.warning("cache unavailable: API throttles not applied", exc_info=True)
        return None
    waits = [
        duration * (1 - elapsed)
        for (allowed, duration, elapsed), (current, previous) in zip(limits, counts, strict=True)
        if current + previous * (1 - elapsed) > allowed
    ]
    return max(waits) if waits else None


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
