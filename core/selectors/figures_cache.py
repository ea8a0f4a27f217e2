"""The supervisors' figures over a large scope, computed once per few minutes.

A province's process map and dashboard aggregate every case (and every task of the last
year) under the chosen jurisdiction: work that grows with the province. Over a scope of
at least ``SUPERVISION_CACHE_MIN_JURISDICTIONS`` jurisdictions, read by someone who reads
all of it (a supervisor of it or above), the figures are the same for every such reader:
they are kept in the cache for ``SUPERVISION_CACHE_SECONDS`` and the page says when they
were computed. Smaller scopes, and readers who see only part of a scope, are computed on
every request, as before.

The beat computes the large scopes' usual figures afresh every ``WARM_EVERY_SECONDS``
(``core.services.figures_warmup``), before they expire: a reader of such a scope gets
figures at most a few minutes old without waiting for them to be computed. Only filters
the warm-up does not keep (a category, an older year) are computed by a request, then kept.
"""

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from core.cache_calls import cache_call
from permissions.scope import reads_whole_subtree

DOWN = object()  # what a cache read answers when the cache cannot be reached
MIN_JURISDICTIONS = 100
SECONDS = 300
# The warm-up's period: a minute within the figures' lifetime, so that they are
# replaced before they expire.
WARM_EVERY_SECONDS = 240
# Part of every key: raise it when what a page keeps changes shape, so that a new release
# never reads what the previous one kept.
VERSION = 2


def _shared_key(kind: str, user, filters) -> str | None:
    root = filters.root
    if root is None or not reads_whole_subtree(user, root):
        return None
    size = sum(1 for j in filters.roots if j.path.startswith(root.path))
    if size < min_jurisdictions():
        return None
    category = filters.category.code if filters.category is not None else "-"
    return f"figures:v{VERSION}:{kind}:{root.pk}:{filters.year or '-'}:{category}"


def cached_figures(kind: str, user, filters, compute):
    """(figures, computed_at): computed_at is None when computed for this request."""
    key = _shared_key(kind, user, filters)
    if key is None:
        return compute(), None
    hit = cache_call(cache.get, key, down=DOWN, what="figures computed afresh")
    if hit is DOWN:
        return compute(), None
    if hit is not None:
        return hit[1], hit[0]
    return _keep(key, compute)


def refresh_figures(kind: str, user, filters, compute) -> bool:
    """Compute the figures now and keep them, whatever the cache holds (the warm-up);
    False, keeping nothing, when the scope is not one whose figures are shared."""
    key = _shared_key(kind, user, filters)
    if key is None:
        return False
    _keep(key, compute)
    return True


def _keep(key: str, compute):
    figures, now = compute(), timezone.now()
    seconds = getattr(settings, "SUPERVISION_CACHE_SECONDS", SECONDS)
    cache_call(cache.set, key, (now, figures), seconds, what="figures not kept")
    return figures, now


def min_jurisdictions() -> int:
    return getattr(settings, "SUPERVISION_CACHE_MIN_JURISDICTIONS", MIN_JURISDICTIONS)
