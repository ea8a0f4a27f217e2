"""Models of the calendar area (registered with the core app through core/models/__init__.py)."""
