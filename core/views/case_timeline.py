"""The case page's timeline, rendered once per change of the case and kept in the cache.

A case with a long history (a hundred events and more) spends most of its page in
building and rendering its timeline. The rendered fragment is kept per case and language
under a fingerprint of everything the timeline reads: the newest history row of each of
the case's history tables (rows are never changed or deleted: the tables are
append-only) and the number and latest end of its done steps. One query computes the
fingerprint; any new history row or finished step gives a new one, whatever code wrote
it, so a cached timeline is never stale in what it records. Names of people and offices
are as they were when it was rendered, for at most a day.
"""

import functools
import hashlib

from django.core.cache import cache
from django.db import connection
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from core.cache_calls import cache_call
from core.models import Project
from core.selectors.timeline import case_timeline
from core.selectors.timeline_text import history_sources

TIMELINE_SECONDS = 24 * 3600


@functools.cache
def _fingerprint_sql() -> str:
    parts = []
    for model in history_sources():
        history = model.history.model
        column = "id" if model is Project else history._meta.get_field("project").column
        parts.append(
            f'(SELECT MAX("{history._meta.pk.column}") FROM "{history._meta.db_table}" '
            f'WHERE "{column}" = %(project)s)'
        )
    task = Task._meta.db_table
    done = f"FROM \"{task}\" WHERE process_id = %(process)s AND status = '{STATUS.DONE}'"
    parts.append(f"(SELECT COUNT(*) {done})")
    parts.append(f"(SELECT MAX(finished) {done})")
    return "SELECT " + ", ".join(parts)


def timeline_fingerprint(project) -> str:
    with connection.cursor() as cursor:
        cursor.execute(_fingerprint_sql(), {"project": project.pk, "process": project.process.pk})
        row = cursor.fetchone()
    return hashlib.blake2b(repr(row).encode(), digest_size=12).hexdigest()


def timeline_html(project) -> str:
    """The rendered timeline of the case, from the cache when nothing has happened since."""
    key = f"case-timeline:{project.pk}:{get_language()}:{timeline_fingerprint(project)}"
    html = cache_call(cache.get, key, what="timeline not cached")
    if html is None:
        html = render_to_string("core/_timeline.html", {"timeline": case_timeline(project)})
        cache_call(cache.set, key, html, TIMELINE_SECONDS, what="timeline not cached")
    return mark_safe(html)  # noqa: S308  (rendered by our own template, escaped there)
