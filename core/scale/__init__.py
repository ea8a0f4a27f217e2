"""A generated province for load and benchmarks (`manage.py seed_scale`)."""
