"""Models of the reporting area (registered with the core app through core/models/__init__.py)."""
