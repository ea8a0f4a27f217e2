"""The step permissions a user holds, read in one query per page read.

A page asks the same user's object permissions many times: the header's links (six
steps), each open step of a case, each action a panel offers. While a page is read (a
GET or HEAD request, which grants nothing), the first question loads every object
permission the user holds, their own and their groups', and the rest are answered from
it. Outside a page read (a form sent, a task, a command) nothing is kept: every question
asks the database, so a permission granted or removed during the request is seen at once.
"""

from contextvars import ContextVar

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
    from django.contrib.auth.models import Permission
    from django.db.models import CharField, IntegerField, Value
    from guardian.models import GroupObjectPermission, UserObjectPermission

    columns = ("content_type_id", "object_pk", "permission__content_type__app_label")
    columns += ("permission__codename",)
    own = UserObjectPermission.objects.filter(user=user).values_list(*columns)
    through_groups = GroupObjectPermission.objects.filter(group__user=user).values_list(*columns)
    anywhere = Permission.objects.order_by().annotate(
        no_type=Value(None, output_field=IntegerField()),
        no_object=Value(None, output_field=CharField()),
    )
    plain = ("no_type", "no_object", "content_type__app_label", "codename")
    own_plain = anywhere.filter(user=user).values_list(*plain)
    groups_plain = anywhere.filter(group__user=user).values_list(*plain)
    parts = (through_groups, own_plain, groups_plain)
    return frozenset(own.order_by().union(*(part.order_by() for part in parts)))
