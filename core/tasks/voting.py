"""Celery tasks of the voting area."""
