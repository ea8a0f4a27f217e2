"""The header's badge counts (my inbox, the queue), cheap on every page.

Counted once per user and kept in the cache until a task of the user's jurisdictions
changes, or for `NAV_COUNTS_SECONDS` at most. Each jurisdiction has a generation number,
bumped when a task of one of its cases (or of a sub-jurisdiction's) changes, at once
and again at the end of the request that changed it (after its commit); a permission
or role change bumps the one global number.
A user's cached counts are valid while the numbers of their jurisdictions and the
global one are those they were counted under: one cache read (`get_many`) per page, and
a clerk's counts outlive every change elsewhere in the province.

A request that is not a GET (a form sent, a ballot cast) never counts: it shows the
counts already in the cache, or none.
"""

import logging
import threading

from django.core.cache import cache
from viewflow.workflow.models import Task

from permissions.scope import home_jurisdictions, jurisdiction_q

from .tasks import CASE, _flow_class, _inbox_q, queue_q

NAV_COUNTS_SECONDS = 300
GLOBAL_KEY = "nav-counts:generation"
logger = logging.getLogger(__name__)


def _user_key(user) -> str:
    return f"nav-counts:user:{user.pk}"


def _path_key(path: str) -> str:
    return f"nav-counts:path:{path}"


def _generation_keys(user) -> list[str]:
    return [GLOBAL_KEY, *sorted(_path_key(j.path) for j in home_jurisdictions(user))]


def _cached(user) -> tuple[tuple | None, dict | None]:
    """(the generations the user's counts depend on now, the counts if still valid)."""
    keys = _generation_keys(user)
    try:
        found = cache.get_many([*keys, _user_key(user)])
    except Exception:  # the cache backend's errors have no common base class
        logger.warning("cache unavailable: badge counts not cached", exc_info=True)
        return None, None
    generations = tuple(found.get(key, 0) for key in keys)
    entry = found.get(_user_key(user))
    if entry and entry[0] == generations:
        return generations, entry[1]
    return generations, None


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
    generations, counts = _cached(user)
    if counts is not None or not compute:
        return counts
    counts = count_tasks(user)
    if generations is not None:
        try:
            cache.set(_user_key(user), (generations, counts), NAV_COUNTS_SECONDS)
        except Exception:
            logger.warning("cache unavailable: badge counts not cached", exc_info=True)
    return counts


def _bump(keys):
    for key in keys:
        try:
            if not cache.add(key, 1, timeout=None):
                cache.incr(key)
        except ValueError:  # evicted between add and incr
            cache.set(key, 1, timeout=None)
        except Exception:
            logger.warning("cache unavailable: badge counts may lag", exc_info=True)
            return


_PATHS: dict[int, str] = {}
_PATHS_MAX = 20000


def _case_path(process_pk: int) -> str | None:
    """The path of a case's jurisdiction (it never changes; remembered per process)."""
    from core.models import Jurisdiction

    path = _PATHS.get(process_pk)
    if path is None:
        path = (
            Jurisdiction.objects.filter(projects__process__pk=process_pk)
            .values_list("path", flat=True)
            .first()
        )
        if path is not None:
            if len(_PATHS) >= _PATHS_MAX:
                _PATHS.clear()
            _PATHS[process_pk] = path
    return path


def _ancestor_keys(path: str) -> list[str]:
    codes = [code for code in path.split("/") if code]
    return [_path_key("/" + "/".join(codes[: n + 1]) + "/") for n in range(len(codes))]


_pending = threading.local()


def _changed(keys: list[str]) -> None:
    """Stale now (for this transaction's own reads), and again when the request ends,
    after its transactions committed (a count taken by another request in between saw
    the old rows)."""
    _bump(keys)
    pending = getattr(_pending, "keys", None)
    if pending is None:
        pending = _pending.keys = set()
    pending.update(keys)


def request_started(**kwargs) -> None:
    _pending.keys = None  # what changed outside a request was bumped as it changed


def request_finished(**kwargs) -> None:
    keys = getattr(_pending, "keys", None)
    if keys:
        _pending.keys = None
        _bump(sorted(keys))


def task_changed(sender, instance, **kwargs) -> None:
    path = _case_path(instance.process_id) if instance.process_id else None
    if path is not None:  # a voting session's tasks count in no inbox of cases
        _changed(_ancestor_keys(path))


def permissions_changed(**kwargs) -> None:
    _changed([GLOBAL_KEY])
