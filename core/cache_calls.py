"""A call to the cache that never fails the request it serves.

The cache (Redis) keeps what is only worth keeping: rendered fragments, figures, badge
counts. When it cannot be reached, the page is served uncached: the call is logged and
answers `down` instead.
"""

import logging

logger = logging.getLogger(__name__)


def cache_call(operation, *args, down=None, what: str = "served uncached", **kwargs):
    """`operation(*args, **kwargs)`, a method of the cache; `down` when the cache fails."""
    try:
        return operation(*args, **kwargs)
    except Exception:  # the backend's connection errors have no common base class
        logger.warning("cache unavailable: %s", what, exc_info=True)
        return down
