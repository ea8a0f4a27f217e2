"""Celery tasks of the reporting area."""
