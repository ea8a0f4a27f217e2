"""The unversioned /api/ answers for one more release, every answer marked deprecated
with a pointer to its successor (RFC 9745's Deprecation header, RFC 8288's Link), so that
integrators see it in their logs before it goes."""

import functools

from django.urls import URLResolver

SUCCESSOR = '</api/v1/>; rel="successor-version"'


def _marked(view):
    @functools.wraps(view)  # keeps csrf_exempt, and DRF's cls for the schema generator
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Deprecation"] = "true"
        response["Link"] = SUCCESSOR
        return response

    return wrapped


def deprecated(patterns: list) -> list:
    """Mark every view under `patterns` (included modules too)."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            deprecated(pattern.url_patterns)
        else:
            pattern.callback = _marked(pattern.callback)
    return patterns
