"""Office users working their inbox, queue and case pages, for locust.

Each simulated user takes the next entry of the plan (LOAD_PLAN, a JSON file written by
tests/bench/load_stack.py or the kill test): a logged-in session and the cases that
user may read. Requests go only to the --host given (loopback).
"""

import itertools
import json
import os
import random

from locust import FastHttpUser, between, task

PLAN = json.loads(open(os.environ["LOAD_PLAN"]).read())  # noqa: SIM115
_next = itertools.count()


class OfficeUser(FastHttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self):
        entry = PLAN[next(_next) % len(PLAN)]
        self.headers = {"Cookie": f"sessionid={entry['session']}"}
        self.cases = entry["cases"] or [None]

    def page(self, path: str, name: str):
        with self.client.get(path, headers=self.headers, name=name, catch_response=True) as r:
            if r.status_code != 200 or "/accounts/login/" in (r.url or ""):
                r.failure(f"{r.status_code} {r.url}")

    @task(3)
    def inbox(self):
        self.page("/work/inbox/", "inbox")

    @task(3)
    def queue(self):
        self.page("/work/queue/", "queue")

    @task(1)
    def case_list(self):
        self.page("/work/cases/", "cases")

    @task(4)
    def case(self):
        pk = random.choice(self.cases)
        if pk is not None:
            self.page(f"/work/cases/{pk}/", "case")
