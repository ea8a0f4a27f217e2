"""The broker connection kept per thread: reused while the broker stays the same, never
reused for another broker or after a failure."""

from types import SimpleNamespace

import pytest

from core.services import broker


class FakeConnection:
    recoverable_connection_errors = (ConnectionError,)

    def __init__(self, url, fail=False):
        self.url, self.fail, self.sent, self.collected = url, fail, 0, False

    def collect(self):
        self.collected = True


class FakeApp:
    def __init__(self, url):
        self.conf = SimpleNamespace(broker_url=url)
        self.opened = []
        self.fail_next = False

    def connection_for_write(self, transport_options=None):
        assert transport_options["socket_timeout"] > 0  # a silent broker is given up on
        connection = FakeConnection(self.conf.broker_url, fail=self.fail_next)
        self.opened.append(connection)
        return connection


def send(connection):
    if connection.fail:
        raise ConnectionError("broker down")
    connection.sent += 1
    return connection.url


@pytest.fixture(autouse=True)
def nothing_kept():
    broker._local.__dict__.clear()
    yield
    broker._local.__dict__.clear()


def test_a_thread_publishes_on_one_kept_connection():
    app = FakeApp("redis://a/0")
    for _ in range(3):
        assert broker.send_with_connection(app, send) == "redis://a/0"
    assert len(app.opened) == 1 and app.opened[0].sent == 3


def test_a_broker_moved_in_the_settings_gets_a_connection_of_its_own():
    app = FakeApp("redis://a/0")
    broker.send_with_connection(app, send)
    app.conf.broker_url = "redis://b/0"
    assert broker.send_with_connection(app, send) == "redis://b/0"
    first, second = app.opened
    assert first.collected and second.url == "redis://b/0"


def test_a_failed_kept_connection_is_dropped_and_the_message_tried_once_more():
    app = FakeApp("redis://a/0")
    broker.send_with_connection(app, send)
    app.opened[0].fail = True  # the broker restarted
    assert broker.send_with_connection(app, send) == "redis://a/0"
    assert len(app.opened) == 2 and app.opened[0].collected


def test_when_the_broker_is_down_the_error_is_raised_and_nothing_kept():
    app = FakeApp("redis://a/0")
    app.fail_next = True
    with pytest.raises(ConnectionError):
        broker.send_with_connection(app, send)
    assert broker._kept(app) is None
    app.fail_next = False
    assert broker.send_with_connection(app, send) == "redis://a/0"


def test_a_task_whose_time_is_up_is_not_retried_on_a_new_connection():
    from celery.exceptions import SoftTimeLimitExceeded

    app = FakeApp("redis://a/0")
    broker.send_with_connection(app, send)

    def out_of_time(connection):
        raise SoftTimeLimitExceeded()

    with pytest.raises(SoftTimeLimitExceeded):
        broker.send_with_connection(app, out_of_time)
    assert len(app.opened) == 1 and broker._kept(app) is None


def test_an_error_that_is_not_the_broker_s_is_raised_without_a_second_send():
    app = FakeApp("redis://a/0")
    broker.send_with_connection(app, send)

    def broken(connection):
        raise ValueError("not the broker")

    with pytest.raises(ValueError):
        broker.send_with_connection(app, broken)
    assert len(app.opened) == 1
