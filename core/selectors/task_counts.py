"""The header's badge counts (my inbox, the queue), cheap on every page.

Counted by two narrow COUNT queries and kept in the cache per user for
`NAV_COUNTS_SECONDS`; a change to one of the user's own tasks (taken, completed, given
back) or to their roles and permissions drops their entry at once, so what a clerk does
shows on their next page, and what colleagues do shows within half a minute. One cache
read per page; a task change costs one cache delete, and only when the task has an owner.

A request that is not a GET (a form sent, a ballot cast) never counts: it shows the
counts already in the cache, or none.
"""

import logging

from django.conf import settings
from django.core.cache import cache
from viewflow.workflow.models import Task

from permissions.scope import jurisdiction_q

from .tasks import CASE, _flow_class, _inbox_q, queue_q

NAV_COUNTS_SECONDS = 30  # settings.NAV_COUNTS_SECONDS overrides it (0: never cached)
logger = logging.getLogger(__name__)


def _key(user_pk) -> str:
    return f"nav-counts:{user_pk}"


def count_tasks(user) -> dict:
    """The two counts, uncached: two COUNT queries over indexed filters."""
    base = Task.objects.filter(
        jurisdiction_q(user, field=f"{CASE}__jurisdiction"), process__flow_class=_flow_class()
    )
    inbox = base.filter(_inbox_q(user)).count()
    allowed = queue_q(user)
    queue = (
        base.filter(allowed, status="NEW", flow_task_type="HUMAN").count()
        if allowed is not None
        else 0
    )
    return {"inbox": inbox, "queue": queue}


def nav_counts(user, *, compute: bool = True) -> dict | None:
    """The user's badge counts; with `compute` False only what the cache holds."""
    try:
        counts = cache.get(_key(user.pk))
    except Exception:  # the cache backend's errors have no common base class
        logger.warning("cache unavailable: badge counts not cached", exc_info=True)
        counts = None
    if counts is not None or not compute:
        return counts
    counts = count_tasks(user)
    try:
        cache.set(_key(user.pk), counts, _lifetime())
    except Exception:
        logger.warning("cache unavailable: badge counts not cached", exc_info=True)
    return counts


def _lifetime() -> int:
    return getattr(settings, "NAV_COUNTS_SECONDS", NAV_COUNTS_SECONDS)


def forget(user_pk) -> None:
    try:
        cache.delete(_key(user_pk))
    except Exception:
        logger.warning("cache unavailable: badge counts may lag", exc_info=True)


def task_changed(sender, instance, **kwargs) -> None:
    """A task with an owner changed: the owner's counts are stale."""
    if instance.owner_id:
        forget(instance.owner_id)


def permissions_changed(sender, instance, **kwargs) -> None:
    """A role or an object permission of a user changed: their queue may differ."""
    if getattr(instance, "user_id", None):
        forget(instance.user_id)
