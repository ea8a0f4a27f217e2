"""A live Celery for the integration suites: a worker and beat started as subprocesses
against the test PostgreSQL database and Redis (REDIS_URL), stopped at the end of each
test (killed if they do not stop), and, for the broker-outage test, a private
redis-server on its own port, so that the machine's shared Redis is never stopped.

Fixtures are opt-in: `live_celery` (worker and beat on REDIS_URL) and `private_redis`.
"""

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
# The calendar's tests pin the day in every process (the test's and the worker's).
TODAY = "2026-11-21"


def _wait_for(predicate, timeout: float, interval: float = 0.1, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def wait_for(predicate, timeout: float = 30, interval: float = 0.2, what: str = "condition"):
    """Poll `predicate` (which may query the database) until it is truthy."""
    return _wait_for(predicate, timeout, interval, what)


class Process:
    """One subprocess in its own process group (so a kill takes its children too)."""

    def __init__(self, name: str, argv: list[str], env: dict, log: Path):
        self.name, self.argv, self.env, self.log = name, argv, env, log
        self.proc: subprocess.Popen | None = None

    def start(self):
        handle = open(self.log, "ab")  # noqa: SIM115  (kept open for the child's life)
        self.proc = subprocess.Popen(
            self.argv,
            cwd=ROOT,
            env=self.env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        handle.close()
        return self

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def _signal_group(self, sig):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, sig)

    def kill(self):
        """SIGKILL the whole group: what a crashed machine does to a worker."""
        if self.proc is None:
            return
        self._signal_group(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self, timeout: float = 10):
        if self.proc is None or self.proc.poll() is not None:
            if self.proc is not None:
                self._signal_group(signal.SIGKILL)  # stray children of an exited parent
            return
        self._signal_group(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout)
        self._signal_group(signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(5)

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def database_url() -> str:
    """The URL of the test database this pytest process uses (test_<name>)."""
    s = connection.settings_dict
    user = quote(s.get("USER") or "")
    password = f":{quote(s['PASSWORD'])}" if s.get("PASSWORD") else ""
    host = s.get("HOST") or "127.0.0.1"
    port = f":{s['PORT']}" if s.get("PORT") else ""
    return f"postgres://{user}{password}@{host}{port}/{s['NAME']}"


class LiveCelery:
    """A worker and a beat for one test, on a given Redis URL."""

    def __init__(self, workdir: Path, redis_url: str, **env):
        self.workdir = workdir
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.redis_url = redis_url
        self.mail_dir = workdir / "mail"
        self.mail_dir.mkdir(parents=True, exist_ok=True)
        self.extra_env = {k: str(v) for k, v in env.items()}
        self.workers: list[Process] = []
        self.beat: Process | None = None

    def env(self) -> dict:
        env = dict(os.environ)
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "core.settings",
                "DATABASE_URL": database_url(),
                "REDIS_URL": self.redis_url,
                "CELERY_BROKER_URL": self.redis_url,
                "CELERY_RESULT_BACKEND": self.redis_url,
                "CELERY_TASK_ALWAYS_EAGER": "0",
                # A lost worker's messages come back quickly (they are idempotent anyway).
                "CELERY_VISIBILITY_TIMEOUT": "4",
                "CELERY_UNACKED_RESTORE_INTERVAL": "2",  # and are looked for every 2 s, not 100
                "CELERY_UNACKED_RESTORE_THROTTLE": "1",
                "CALENDAR_RETRY_MAX_SECONDS": "2",
                "OUTBOX_GRACE_SECONDS": "1",
                "CALENDAR_TODAY": TODAY,
                "EMAIL_BACKEND": "tests.calendar.mail_backend.RecordingBackend",
                "CALENDAR_TEST_MAIL_DIR": str(self.mail_dir),
                "PYTHONPATH": str(ROOT),
                "PYTHONUNBUFFERED": "1",
            }
        )
        env.update(self.extra_env)
        return env

    def start_worker(self, timeout: float = 30) -> Process:
        n = len(self.workers) + 1
        worker = Process(
            f"worker{n}",
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "core",
                "worker",
                "--loglevel=INFO",
                "--concurrency=1",
                "--pool=prefork",
                f"--hostname=calendar-test-{os.getpid()}-{n}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            self.env(),
            self.workdir / f"worker{n}.log",
        ).start()
        self.workers.append(worker)
        _wait_for(
            lambda: " ready." in worker.log_text() or not worker.running,
            timeout,
            what="the worker to be ready",
        )
        assert worker.running, worker.log_text()[-3000:]
        return worker

    @property
    def worker(self) -> Process:
        return self.workers[-1]

    def start_beat(self, timeout: float = 30) -> Process:
        self.beat = Process(
            "beat",
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "core",
                "beat",
                "--loglevel=INFO",
                "--max-interval=1",
                f"--pidfile={self.workdir / 'beat.pid'}",
                f"--schedule={self.workdir / 'beat-schedule'}",
            ],
            self.env(),
            self.workdir / "beat.log",
        ).start()
        _wait_for(
            lambda: "beat: Starting" in self.beat.log_text() or not self.beat.running,
            timeout,
            what="beat to start",
        )
        assert self.beat.running, self.beat.log_text()[-3000:]
        return self.beat

    def stop(self):
        for process in [self.beat, *self.workers]:
            if process is not None:
                process.stop()

    def logs(self) -> str:
        parts = []
        for process in [*self.workers, self.beat]:
            if process is not None:
                parts.append(f"--- {process.name} ---\n{process.log_text()[-4000:]}")
        return "\n".join(parts)


def require_live_services():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL) for a worker in another process")
    if not settings.REDIS_URL:
        pytest.skip("needs Redis (REDIS_URL)")


def flush_redis(url: str):
    import redis

    redis.Redis.from_url(url).flushdb()


def point_celery_at(url: str):
    """Point this process's Celery app (the one the services publish with) at a broker."""
    from core.celery import app

    app.conf.broker_url = url
    app.conf.result_backend = url
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def live_celery(transactional_db, tmp_path, request):
    """Start with `live_celery.start_worker()` / `.start_beat()`; all stopped at the end."""
    require_live_services()
    flush_redis(settings.REDIS_URL)
    stack = LiveCelery(tmp_path, settings.REDIS_URL)
    yield stack
    stack.stop()
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        print(stack.logs())


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.rep_call = report
    return report


class PrivateRedis:
    """A redis-server of our own (no persistence), to be stopped and started at will."""

    def __init__(self, port: int, workdir: Path):
        self.port = port
        self.workdir = workdir
        self.process: Process | None = None

    def url(self, db: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self):
        binary = shutil.which("redis-server")
        self.process = Process(
            "redis",
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            dict(os.environ),
            self.workdir / "redis.log",
        ).start()
        _wait_for(self.accepting, 10, what=f"redis-server on port {self.port}")
        return self

    def accepting(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                return True
        except OSError:
            return False

    def stop(self):
        if self.process is not None:
            self.process.kill()
        _wait_for(lambda: not self.accepting(), 10, what="redis-server to stop")


@pytest.fixture
def private_redis(tmp_path):
    """A redis-server on port 6390 (PRIVATE_REDIS_PORT), stopped at the end."""
    if not shutil.which("redis-server"):
        pytest.skip("needs the redis-server binary")
    port = int(os.environ.get("PRIVATE_REDIS_PORT", "6390"))
    workdir = tmp_path / "redis"
    workdir.mkdir()
    server = PrivateRedis(port, workdir)
    if server.accepting():
        pytest.skip(f"port {port} is taken; set PRIVATE_REDIS_PORT")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def private_celery(transactional_db, tmp_path, private_redis):
    """A worker and beat on the private redis-server; this process publishes there too."""
    require_live_services()
    url = private_redis.url(redis_db_of(settings.REDIS_URL))
    from core.celery import app

    previous = (app.conf.broker_url, app.conf.result_backend)
    point_celery_at(url)
    stack = LiveCelery(tmp_path / "celery", url)
    yield stack
    stack.stop()
    point_celery_at(previous[0])
    app.conf.result_backend = previous[1]


def redis_db_of(url: str) -> int:
    path = urlsplit(url).path.strip("/")
    return int(path) if path.isdigit() else 0


def with_db(url: str, db: int) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{db}"))


def set_beat(today: str | None, every: int = 1, sweeps: bool = True):
    """Run the calendar's beat rows every `every` seconds, with `today` as their clock
    (`sweeps=False`: only the outbox drain runs)."""
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    from core.services.calendar import BEAT_SCHEDULE

    interval, _ = IntervalSchedule.objects.get_or_create(
        every=every, period=IntervalSchedule.SECONDS
    )
    for entry in BEAT_SCHEDULE:
        row = PeriodicTask.objects.get(name=entry.name)
        row.interval, row.crontab = interval, None
        if entry.task != "calendar.drain_outbox":
            if entry.task.startswith("calendar."):  # the sweeps that take a clock
                row.kwargs = json.dumps({"today": today} if today else {})
            row.enabled = sweeps
        row.save()
