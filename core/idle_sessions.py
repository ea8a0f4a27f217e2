"""Sessions that end after an idle hour without a database write on every request.

Django's ``SESSION_SAVE_EVERY_REQUEST`` renews a session's expiry by saving it on every
request: an UPDATE and a transaction per page and per ballot. This middleware renews it at
most once a ``SESSION_TOUCH_SECONDS`` (a minute): the session ends between
``SESSION_COOKIE_AGE - SESSION_TOUCH_SECONDS`` and ``SESSION_COOKIE_AGE`` seconds after the
last request. Anonymous visitors' empty sessions are never created by it. A login saves
the session anyway, so it counts as the first renewal.
"""

import time

from django.conf import settings

TOUCHED = "_touched"


class IdleSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and not session.is_empty():
            now = int(time.time())
            if now - session.get(TOUCHED, 0) >= settings.SESSION_TOUCH_SECONDS:
                session[TOUCHED] = now
        return self.get_response(request)


def stamp_login(sender, request, user, **kwargs) -> None:
    """``user_logged_in``: the login has just saved the session."""
    session = getattr(request, "session", None)
    if session is not None:
        session[TOUCHED] = int(time.time())
