"""One connection to the message broker per process and thread, kept between publishes.

Opening a connection for every message cost more than the rest of the publish (a TCP
connect and the client's set-up each time). A connection is never shared: a thread has
its own, a forked process opens its own instead of using its parent's socket, and a
broker moved in the settings is reached on a new connection.
"""

import os
import threading
from contextlib import suppress

from celery.exceptions import SoftTimeLimitExceeded
from kombu.exceptions import OperationalError

_local = threading.local()

# A kept connection's socket must not wait for ever on a broker that went silent (a host
# down, a failover): every read and write of a publish gives up after this long, and the
# message stays in the outbox (a new connection's connect has its own, shorter timeout).
PUBLISH_SOCKET_TIMEOUT = 3.0
PUBLISH_OPTIONS = {"socket_timeout": PUBLISH_SOCKET_TIMEOUT, "socket_keepalive": True}


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

    A kept connection that fails to reach the broker (it restarted since) is dropped and
    `send` is tried once more on a new one, as it would have been without keeping any;
    any other error is raised, and a new connection that fails is dropped. A message
    whose answer was lost may so be sent twice: its task claims its work once
    (at-least-once delivery, as Celery's own retries give)."""
    connection = _kept(app)
    if connection is not None:
        try:
            return send(connection)
        except SoftTimeLimitExceeded:
            _forget(connection)
            raise  # a task's time is up: not a broken connection to retry
        except (OperationalError, *connection.recoverable_connection_errors):
            _forget(connection)  # the broker restarted since: once more on a new one
    connection = app.connection_for_write(transport_options=PUBLISH_OPTIONS)
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
