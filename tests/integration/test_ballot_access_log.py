"""What the web server's access log and the traffic's sizes say of a ballot: nothing.

Deputies vote with different marks through a real gunicorn; its access log records each
request's length and each response's length: they are the same whatever the marks.
"""

import re
import socket
import sys
import time
import urllib.request
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import Client

from core.models.voting import SessionKind
from core.views.ballots import mark_code
from tests.voting.session_setup import CODE, deputies, open_session

from .conftest import Process, database_url

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

LOG_FORMAT = "%(r)s|%(s)s|%(B)s|%({content-length}i)s"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(tmp_path, port: int) -> tuple[Process, object]:
    access = tmp_path / "access.log"
    env = {
        **__import__("os").environ,
        "DJANGO_SETTINGS_MODULE": "core.settings",
        "DATABASE_URL": database_url(),
        "ALLOWED_HOSTS": "127.0.0.1",
        "PYTHONUNBUFFERED": "1",
    }
    process = Process(
        "gunicorn",
        [
            sys.executable,
            "-m",
            "gunicorn",
            "core.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--access-logfile",
            str(access),
            "--access-logformat",
            LOG_FORMAT,
        ],
        env,
        tmp_path / "gunicorn.log",
    ).start()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process, access
        except OSError:
            time.sleep(0.2)
    process.stop()
    raise AssertionError("gunicorn did not start:\n" + process.log_text())


def http(base, path, session_cookie, data=None, csrf=None):
    headers = {"Cookie": f"sessionid={session_cookie}" + (f"; csrftoken={csrf}" if csrf else "")}
    body = None
    if data is not None:
        body = urlencode(data).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Referer"] = base + path
    request = urllib.request.Request(base + path, data=body, headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback)
        cookies = response.headers.get_all("Set-Cookie") or []
        return response.read().decode(), cookies


@pytest.mark.parametrize("kind", ["selection", "three_level"])
def test_the_access_log_shows_the_same_sizes_whatever_the_marks(fresh_world, tmp_path, kind):
    if connection.vendor != "postgresql":
        pytest.skip("the live server reads the PostgreSQL test database")
    world = fresh_world
    target = "candidate" if kind == "selection" else "evaluation"
    projects = [world.build_case(300 + i, CODE, target) for i in range(3)]
    if kind == "selection":
        session = open_session(world, projects, rules={"seats": 2})
        rows = [("yes", "no", "abstain"), ("no", "yes", "yes"), ("abstain",) * 3]
    else:
        session = open_session(
            world, projects, kind=SessionKind.SATISFACTION, rules={"scale": "three_level"}
        )
        rows = [("satisfied",) * 3, ("basic", "unsatisfied", None), (None, None, "basic")]
    port = free_port()
    server, access = start_gunicorn(tmp_path, port)
    base = f"http://127.0.0.1:{port}"
    path = f"/work/ballots/{session.pk}/"
    try:
        for deputy, row in zip(deputies(CODE), rows, strict=False):
            client = Client()
            client.force_login(deputy.user)
            cookie = client.cookies["sessionid"].value
            page, set_cookies = http(base, path, cookie)
            csrf = re.search(r"csrftoken=([^;]+)", " ".join(set_cookies)).group(1)
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
            marks = dict(zip([str(p.pk) for p in projects], row, strict=True))
            fields = {f"c_{cid}": mark_code(m) for cid, m in marks.items()}
            for action in ("review", "cast"):
                http(
                    base,
                    path,
                    cookie,
                    {"csrfmiddlewaretoken": token, **fields, "action": action},
                    csrf=csrf,
                )
    finally:
        server.stop()
    lines = [line.split("|") for line in access.read_text().splitlines() if path in line]
    posts = [line for line in lines if line[0].startswith("POST")]
    assert len(posts) == 2 * len(rows) and {line[1] for line in posts} == {"200"}
    reviews, casts = posts[0::2], posts[1::2]
    for group in (reviews, casts):
        assert len({line[2] for line in group}) == 1, group  # response sizes
        assert len({line[3] for line in group}) == 1, group  # request sizes
