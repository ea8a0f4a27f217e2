"""Celery tasks of the calendar area."""
