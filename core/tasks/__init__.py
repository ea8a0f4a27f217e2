"""Celery tasks, one module per area. Each task loads by id and calls one service."""

from . import api, calendar, oversight, reporting, supervision, voting  # noqa: F401
