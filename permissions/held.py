"""The step permissions a user holds, read in one query per page read.

A page asks the same user's object permissions many times: the header's links (six
steps), each open step of a case, each action a panel offers. While a page is read (a
GET or HEAD request, which grants nothing), the first question loads every object
permission the user holds, their own and their groups', and the rest are answered from
it. Outside a page read (a form sent, a task, a command) nothing is kept: every question
asks the database, so a permission granted or removed during the request is seen at once.
"""

import functools
from contextvars import ContextVar

from django.db import connection

from core.sql_names import column, table

_pages: ContextVar[dict | None] = ContextVar("held_permissions", default=None)

READ_METHODS = ("GET", "HEAD")


class HeldPermissionsMiddleware:
    """Keeps the held permissions for the length of one page read."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in READ_METHODS:
            return self.get_response(request)
        token = _pages.set({})
        try:
            return self.get_response(request)
        finally:
            _pages.reset(token)


def held_permissions(user) -> frozenset | None:
    """(content type id, object key, app label, codename) of every object permission the
    user holds, and (None, None, app label, codename) of every permission held on no
    object in particular (Django's own, the user's or a group's); None outside a page
    read (then ask the database)."""
    kept = _pages.get()
    if kept is None:
        return None
    held = kept.get(user.pk)
    if held is None:
        held = kept[user.pk] = _load(user)
    return held


def holds_anywhere(kept: frozenset, content_type_id: int, permission: str) -> bool:
    """Does the user hold `permission` ("app_label.codename") on some object of this type,
    or on none in particular?"""
    app_label, _dot, codename = permission.partition(".")
    return any(
        held[2:] == (app_label, codename) and held[0] in (content_type_id, None) for held in kept
    )


def _load(user) -> frozenset:
    with connection.cursor() as cursor:
        cursor.execute(_held_sql(), {"user": user.pk})
        return frozenset(tuple(row) for row in cursor.fetchall())


@functools.cache
def _held_sql() -> str:
    """The user's object permissions, their groups', and the permissions on no object in
    particular, their own and their groups' (what guardian's and Django's backends read);
    built once from the models' tables."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType
    from guardian.models import GroupObjectPermission, UserObjectPermission

    user_model = get_user_model()
    member = user_model.groups.through
    in_groups = (
        f"IN (SELECT {column(member, 'group')} FROM {table(member)} "
        f"WHERE {column(member, 'user')} = %(user)s)"
    )
    named = (
        f"JOIN {table(Permission)} p ON p.{column(Permission, 'id')} = x.{{permission}} "
        f"JOIN {table(ContentType)} t "
        f"ON t.{column(ContentType, 'id')} = p.{column(Permission, 'content_type')}"
    )
    name = f"t.{column(ContentType, 'app_label')}, p.{column(Permission, 'codename')}"

    def rows(model, who: str, *, on_objects: bool) -> str:
        held_on = (
            f"x.{column(model, 'content_type')}, x.{column(model, 'object_pk')}"
            if on_objects
            else "NULL, NULL"
        )
        join = named.format(permission=column(model, "permission"))
        whom = f"x.{column(model, who)} " + ("= %(user)s" if who == "user" else in_groups)
        return f"SELECT {held_on}, {name} FROM {table(model)} x {join} WHERE {whom}"

    return " UNION ".join(
        (
            rows(UserObjectPermission, "user", on_objects=True),
            rows(GroupObjectPermission, "group", on_objects=True),
            rows(user_model.user_permissions.through, "user", on_objects=False),
            rows(Group.permissions.through, "group", on_objects=False),
        )
    )
