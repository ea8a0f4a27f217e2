"""The test run's settings: the project's own (core/settings.py), with a key of its own,
since the project refuses to start without one outside DEBUG. Set in the environment, so
that the workers and servers the integration tests start share it."""

import os

os.environ.setdefault("SECRET_KEY", "test-suite-only-key-4c1f0e3b9a7d2e6f8b5a1c0d9e8f7a6b5c4d3e2f")

from core.settings import *  # noqa: E402, F403

# Parallel workers (pytest-xdist) each build their own database with the same ids, and a
# test may empty the cache: each worker keeps a cache of its own in memory, so that no
# worker's cached counts or boards answer (or are wiped by) another's. The integration
# suite runs in one process, on Redis.
if os.environ.get("PYTEST_XDIST_WORKER"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# The test run keeps one connection per worker, as the production pool keeps its own: the
# statements core/prepared.py names are prepared, as in production.
PREPARED_STATEMENTS = True
