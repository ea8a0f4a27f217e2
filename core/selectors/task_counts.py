"""The header's badge counts (my inbox, the queue), cheap on every page.

Counted by narrow COUNT queries and kept in the cache per user for
`NAV_COUNTS_SECONDS`; a change to one of the user's own tasks (taken, completed, given
back) or to their roles and permissions drops their entry at once, so what a clerk does
shows on their next page, and what colleagues do shows within half a minute. The inbox
counts a deputy's open votes too: a vote opening or closing drops the present deputies'
entries, and a deputy's own ballot drops theirs once it is committed. One cache
read per page; a task change costs one cache delete, and only when the task has an owner.

A request that is not a GET (a form sent, a ballot cast) never counts: it shows the
counts already in the cache, or none.
"""

from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from viewflow.workflow.models import Task

from core.cache_calls import cache_call

from .suggestions import waiting_to_be_routed
from .tasks import _inbox_q, queue_q, scope_q, session_steps_refused_q, works_on_sessions
from .voting import keys_to_set_for, open_votes_for

NAV_COUNTS_SECONDS = 30  # settings.NAV_COUNTS_SECONDS overrides it (0: never cached)


def _key(user_pk) -> str:
    return f"nav-counts:{user_pk}"


def count_tasks(user) -> dict:
    """The two counts, uncached: the inbox's steps, the open votes and the counting
    passphrases the user still owes, and the queue's steps and suggestions waiting to be
    routed; narrow COUNT queries over indexed filters."""
    work = works_on_sessions(user)
    base = Task.objects.filter(scope_q(user, work=work))
    inbox = (
        base.filter(_inbox_q(user)).count()
        + open_votes_for(user).count()
        + keys_to_set_for(user).count()
    )
    allowed = queue_q(user)
    queue = 0
    if allowed is not None:
        queued = base.filter(allowed, status="NEW", flow_task_type="HUMAN")
        if work:
            queued = queued.exclude(session_steps_refused_q(user))
        queue = queued.count()
    queue += waiting_to_be_routed(user, today=timezone.localdate()).count()
    return {"inbox": inbox, "queue": queue}


def nav_counts(user, *, compute: bool = True) -> dict | None:
    """The user's badge counts; with `compute` False only what the cache holds."""
    counts = cache_call(cache.get, _key(user.pk), what="badge counts not cached")
    if counts is not None or not compute:
        return counts
    counts = count_tasks(user)
    cache_call(cache.set, _key(user.pk), counts, _lifetime(), what="badge counts not cached")
    return counts


def _lifetime() -> int:
    return getattr(settings, "NAV_COUNTS_SECONDS", NAV_COUNTS_SECONDS)


def forget(user_pk) -> None:
    cache_call(cache.delete, _key(user_pk), what="badge counts may lag")


def task_changed(sender, instance, **kwargs) -> None:
    """A task with an owner changed: the owner's counts are stale."""
    if instance.owner_id:
        forget(instance.owner_id)


def participation_changed(sender, instance, **kwargs) -> None:
    """A deputy voted: the vote leaves their inbox."""
    user_id = getattr(getattr(instance, "deputy", None), "user_id", None)
    if user_id:
        transaction.on_commit(partial(forget, user_id))


def forget_many(user_ids) -> None:
    """Several users' counts are stale (a vote opened or closed for them)."""
    keys = [_key(pk) for pk in user_ids if pk]
    if not keys:
        return
    cache_call(cache.delete_many, keys, what="badge counts may lag")


def permissions_changed(sender, instance, **kwargs) -> None:
    """A role or an object permission of a user changed: their queue may differ."""
    if getattr(instance, "user_id", None):
        forget(instance.user_id)
