"""One connection to the message broker per process and thread, kept between publishes.

Opening a connection for every message cost more than the rest of the publish (a TCP
connect and the client's set-up each time). A connection is never shared: a thread has
its own, and a forked process opens its own instead of using its parent's socket.
"""

import os
import threading
from contextlib import suppress

_local = threading.local()


def _kept():
    if getattr(_local, "pid", None) != os.getpid():
        return None
    return getattr(_local, "connection", None)


def _forget(connection) -> None:
    _local.connection = None
    with suppress(Exception):  # already broken: nothing to give back
        connection.collect()


def send_with_connection(app, send):
    """Call `send(connection)` on this thread's kept connection to `app`'s broker.

    A kept connection that fails (the broker restarted since) is dropped and `send` is
    tried once more on a new one, as it would have been without keeping any; a new
    connection that fails is dropped and the error raised.
    """
    connection = _kept()
    if connection is not None:
        try:
            return send(connection)
        except Exception:
            _forget(connection)
    connection = app.connection_for_write()
    try:
        result = send(connection)
    except BaseException:
        _forget(connection)
        raise
    _local.connection, _local.pid = connection, os.getpid()
    return result
