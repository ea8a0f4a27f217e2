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
    user holds, or None outside a page read (then ask the database)."""
    kept = _pages.get()
    if kept is None:
        return None
    held = kept.get(user.pk)
    if held is None:
        held = kept[user.pk] = _load(user)
    return held


def _load(user) -> frozenset:
    from guardian.models import GroupObjectPermission, UserObjectPermission

    columns = ("content_type_id", "object_pk", "permission__content_type__app_label")
    columns += ("permission__codename",)
    own = UserObjectPermission.objects.filter(user=user).values_list(*columns)
    through_groups = GroupObjectPermission.objects.filter(group__user=user).values_list(*columns)
    return frozenset(own.union(through_groups))
