"""One connection to the message broker per process and thread, kept between publishes.

Opening a connection for every message cost more than the rest of the publish (a TCP
connect and the client's set-up each time). A connection is never shared: a thread has
its own, a forked process opens its own instead of using its parent's socket, and a
broker moved in the settings is reached on a new connection.
"""

import os
import threading
from contextlib import suppress

_local = threading.local()


def _owner(app) -> tuple:
    """Whose connection a kept one is: this process's, to this app's broker as configured
    now (a broker moved in the settings gets a connection of its own)."""
    return (os.getpid(), id(app), app.conf.broker_url)


def _kept(app):
    if getattr(_local, "owner", None) != _owner(app):
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
    connection = _kept(app)
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
    previous = getattr(_local, "connection", None)
    if previous is not None and previous is not connection:
        _forget(previous)  # kept for another broker: given back
    _local.connection, _local.owner = connection, _owner(app)
    return result
