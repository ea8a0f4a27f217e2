"""The real stack for the integration tests: deploy/start-stack.sh's parts (gunicorn, a
Celery worker, beat) started as subprocesses against the test database and Redis, and a
small HTTP client that logs in and posts forms as a browser does (cookies, CSRF token).

Only loopback addresses are used; every wait is bounded.
"""

import http.cookiejar
import os
import socket
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from django.conf import settings

from .conftest import ROOT, TODAY, Process, _wait_for, database_url


def database_on(url: str, name: str) -> str:
    """The URL of another database on the same PostgreSQL server."""
    return urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(path=f"/{name}"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Stack:
    """gunicorn (`workers` processes), one worker and beat, each its own process group,
    started by `deploy/start-stack.sh PART`, as production starts them."""

    def __init__(self, workdir: Path, *, workers: int = 2, **env):
        self.workdir = workdir
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.mail_dir = workdir / "mail"
        self.mail_dir.mkdir(exist_ok=True)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.workers = workers
        self.extra_env = {k: str(v) for k, v in env.items()}
        self.parts: dict[str, Process] = {}
        self.starts = 0

    def env(self) -> dict:
        env = dict(os.environ)
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "core.settings",
                "DEBUG": "0",
                "PY": sys.executable,
                "DATABASE_URL": database_url(),
                "DATABASE_POOL": "1",
                "REDIS_URL": settings.REDIS_URL,
                "CELERY_BROKER_URL": settings.REDIS_URL,
                "CELERY_RESULT_BACKEND": settings.REDIS_URL,
                "CELERY_TASK_ALWAYS_EAGER": "0",
                # a lost worker's messages come back quickly (they are idempotent anyway)
                "CELERY_VISIBILITY_TIMEOUT": "4",
                "CELERY_UNACKED_RESTORE_INTERVAL": "2",  # and are looked for every 2 s, not 100
                "CELERY_UNACKED_RESTORE_THROTTLE": "1",
                "CALENDAR_RETRY_MAX_SECONDS": "2",
                "OUTBOX_GRACE_SECONDS": "1",
                "CALENDAR_TODAY": TODAY,
                "EMAIL_BACKEND": "tests.calendar.mail_backend.RecordingBackend",
                "CALENDAR_TEST_MAIL_DIR": str(self.mail_dir),
                "GUNICORN_BIND": f"127.0.0.1:{self.port}",
                "GUNICORN_WORKERS": str(self.workers),
                "GUNICORN_THREADS": "2",
                "CELERY_CONCURRENCY": "1",
                "RUN_DIR": str(self.workdir / "run"),
                "LOG_LEVEL": "INFO",
                "PYTHONPATH": str(ROOT),
                "PYTHONUNBUFFERED": "1",
            }
        )
        env.update(self.extra_env)
        return env

    def start(self, part: str, timeout: float = 60) -> Process:
        self.starts += 1
        process = Process(
            part,
            ["bash", str(ROOT / "deploy" / "start-stack.sh"), part],
            self.env(),
            self.workdir / f"{part}-{self.starts}.log",
        ).start()
        self.parts[part] = process
        ready = {
            "web": lambda: self.answering() or not process.running,
            "worker": lambda: " ready." in process.log_text() or not process.running,
            "beat": lambda: "beat: Starting" in process.log_text() or not process.running,
        }[part]
        _wait_for(ready, timeout, interval=0.2, what=f"the {part} to start")
        assert process.running, process.log_text()[-3000:]
        return process

    def start_all(self):
        for part in ("web", "worker", "beat"):
            self.start(part)
        return self

    def kill(self, part: str):
        """SIGKILL the part's whole process group: what a crashed machine does."""
        self.parts[part].kill()

    def answering(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.base}/accounts/login/", timeout=2) as response:
                return response.status == 200
        except (OSError, urllib.error.URLError):
            return False

    def stop(self):
        for process in self.parts.values():
            process.stop()

    def logs(self) -> str:
        return "\n".join(
            f"--- {path.name} ---\n{path.read_text(errors='replace')[-3000:]}"
            for path in sorted(self.workdir.glob("*.log"))
        )


class Browser:
    """Cookies, the CSRF token and redirects, as a browser keeps them."""

    def __init__(self, base: str, timeout: float = 30):
        self.base = base
        self.timeout = timeout
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def cookie(self, name: str) -> str:
        return next((c.value for c in self.cookies if c.name == name), "")

    def set_session(self, key: str):
        host = urllib.parse.urlsplit(self.base).hostname
        self.cookies.set_cookie(
            http.cookiejar.Cookie(
                0,
                "sessionid",
                key,
                None,
                False,
                host,
                False,
                False,
                "/",
                True,
                False,
                None,
                False,
                None,
                None,
                {},
            )
        )

    def request(self, path: str, data: dict | None = None) -> tuple[int, str, str]:
        """(status, final URL, body); a form POST carries the CSRF token."""
        body = None
        if data is not None:
            if not self.cookie("csrftoken"):
                self.request("/accounts/login/")
            fields = {"csrfmiddlewaretoken": self.cookie("csrftoken"), **data}
            body = urllib.parse.urlencode(fields, doseq=True).encode()
        request = urllib.request.Request(
            self.base + path, data=body, headers={"Referer": self.base + path}
        )
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                return response.status, response.url, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.url, error.read().decode(errors="replace")

    def get(self, path: str):
        return self.request(path)

    def post(self, path: str, data: dict):
        return self.request(path, data)

    def login(self, username: str, password: str) -> bool:
        self.get("/accounts/login/")
        status, url, body = self.post(
            "/accounts/login/", {"username": username, "password": password, "next": ""}
        )
        return (
            status == 200 and "/accounts/login/" not in url and 'action="/accounts/logout/"' in body
        )


def session_for(user) -> str:
    """A logged-in session written straight into the shared session store (the database),
    as a login would leave it: load tests spend no time hashing passwords."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.set_expiry(3600)
    store.create()
    return store.session_key


def usable_password(user, password: str):
    """Give a user a password hash the stack's own hashers verify (the test run hashes
    with MD5 for speed; production's list does not take it)."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    hasher = PBKDF2PasswordHasher()
    user.password = hasher.encode(password, hasher.salt(), iterations=1000)
    user.save(update_fields=["password"])
