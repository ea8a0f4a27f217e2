"""What one step completion costs, whatever else the machine is doing:
``DATABASE_URL=postgres://... python -m tests.bench.bench_steps``.

Walks cases forward as the throughput benchmark does (core/scale/throughput.py: the
step's form validated, then its service, with the after-commit work), in this one
process, on a copy of the database (``CREATE DATABASE … TEMPLATE``, dropped afterwards;
``--in-place`` walks the database itself). For each walked step it prints the SQL
statements per completion, the process's CPU time (``time.process_time``) and the time
spent waiting for the database. ``--sql`` prints one completion's statements of each step;
``--profile N`` prints cProfile's N costliest functions over the walk.

With ``REDIS_URL`` set the after-commit messages are published to Redis, as in
production; without it Celery runs them eagerly, in the step's process.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import time
from collections import defaultdict
from contextlib import contextmanager


def _setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")  # with its own key
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


class _Recorder:
    """Every statement the connection runs, with the time it took."""

    def __init__(self):
        self.statements: list[tuple[str, float]] = []

    def __call__(self, execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.statements.append((sql, time.perf_counter() - began))


@contextmanager
def _database_copy(in_place: bool):
    from django.db import connection

    if in_place or connection.vendor != "postgresql":
        yield connection.settings_dict["NAME"]
        return
    from core.management.commands.bench import database_copy

    with database_copy("steps_copy") as copy:
        yield copy


def walk(process_ids, *, show_sql: bool, profiler=None) -> dict:
    """Complete the walked steps of these cases; the figures of each step's name."""
    from django.db import connection
    from viewflow.workflow.models import Task

    from core.scale.throughput import _Clerks, complete_one, next_walked_task, walked_nodes

    nodes = walked_nodes()
    clerks = _Clerks()
    figures = defaultdict(lambda: {"statements": [], "cpu_ms": [], "sql_ms": []})
    shown = set()
    for process_id in process_ids:
        while True:
            task = next_walked_task(process_id, nodes)
            if task is None:
                break
            name = task.flow_task.name
            # the clerk is found outside the measure (a signed-in user in the web)
            project = task.process.coerced.project
            from core.scale.throughput import _form_and_actor

            _form_and_actor(task, project, clerks)
            task = Task.objects.select_related("process").get(pk=task.pk)
            recorder = _Recorder()
            cpu = time.process_time()
            with connection.execute_wrapper(recorder):
                if profiler is not None:
                    profiler.enable()
                done = complete_one(task, clerks)
                if profiler is not None:
                    profiler.disable()
            cpu = time.process_time() - cpu
            if not done:
                break
            row = figures[name]
            row["statements"].append(len(recorder.statements))
            row["cpu_ms"].append(cpu * 1000)
            row["sql_ms"].append(sum(t for _sql, t in recorder.statements) * 1000)
            if show_sql and name not in shown:
                shown.add(name)
                print(f"-- {name}: {len(recorder.statements)} statements")
                for sql, took in recorder.statements:
                    print(f"{took * 1000:7.2f} ms  {sql[:300]}")
    return figures


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=150, help="cases to walk")
    parser.add_argument("--sql", action="store_true", help="print each step's statements")
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="cProfile top N")
    parser.add_argument("--in-place", action="store_true", help="walk this database itself")
    args = parser.parse_args(argv)
    _setup_django()
    from core.scale.throughput import open_cases

    with _database_copy(args.in_place) as name:
        ids = open_cases(args.cases)
        profiler = cProfile.Profile() if args.profile else None
        figures = walk(ids, show_sql=args.sql, profiler=profiler)
    print(f"{len(ids)} cases walked on {name}")
    print(f"{'step':<20}{'done':>6}{'statements':>12}{'CPU ms':>9}{'SQL ms':>9}")
    total = {"n": 0, "statements": 0, "cpu": 0.0, "sql": 0.0}
    for step, row in figures.items():
        n = len(row["statements"])
        total["n"] += n
        total["statements"] += sum(row["statements"])
        total["cpu"] += sum(row["cpu_ms"])
        total["sql"] += sum(row["sql_ms"])
        print(
            f"{step:<20}{n:>6}{statistics.median(row['statements']):>12}"
            f"{statistics.median(row['cpu_ms']):>9.2f}{statistics.median(row['sql_ms']):>9.2f}"
        )
    if total["n"]:
        n = total["n"]
        print(
            f"{'mean of all':<20}{n:>6}{total['statements'] / n:>12.1f}"
            f"{total['cpu'] / n:>9.2f}{total['sql'] / n:>9.2f}"
        )
    if profiler is not None:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.profile)


if __name__ == "__main__":
    main()
