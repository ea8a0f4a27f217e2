"""Reading typed fields out of decoded JSON, with dotted paths in the errors.

JSON has one number type, but a count of deputies is an integer: ``79.0`` and
``true`` are rejected where an integer is expected (``bool`` is a subclass of
``int`` in Python, hence the ``type(...) is int`` tests).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from .errors import (
    MISSING,
    MUST_BE_INTEGER,
    MUST_BE_INTEGER_AT_LEAST,
    MUST_BE_LIST,
    MUST_BE_OBJECT,
    MUST_BE_STRING,
    UNKNOWN_FIELD,
    UNKNOWN_VALUE,
    MalformedInput,
    key_path,
    quote,
)

ABSENT: Any = object()


def is_integer(value: object) -> bool:
    """True for a JSON integer (not a boolean, not ``79.0``)."""
    return type(value) is int


def is_number(value: object) -> bool:
    """True for a finite JSON number (not a boolean)."""
    return (type(value) is int) or (type(value) is float and math.isfinite(value))


def require_object(value: object, field: str) -> Mapping[str, Any]:
    """Return ``value`` if it is a JSON object, else raise for ``field``."""
    if not isinstance(value, Mapping):
        raise MalformedInput(field, MUST_BE_OBJECT)
    return value


def require_list(value: object, field: str) -> list[Any] | tuple[Any, ...]:
    """Return ``value`` if it is a JSON array (list or tuple), else raise."""
    if not isinstance(value, list | tuple):
        raise MalformedInput(field, MUST_BE_LIST)
    return value


def reject_unknown_keys(obj: Mapping[str, Any], known: Iterable[str], prefix: str) -> None:
    """Raise for the first key of ``obj`` that is not in ``known``.

    A typo such as ``ballot_issued`` would otherwise be ignored silently and
    change the result, so unknown keys are malformed input.
    """
    allowed = set(known)
    for key in obj:
        if key not in allowed:
            name = key if isinstance(key, str) else str(key)
            raise MalformedInput(key_path(prefix, name), UNKNOWN_FIELD)


def get_field(obj: Mapping[str, Any], key: str, prefix: str, default: Any = ABSENT) -> Any:
    """Return ``obj[key]``; a missing (or null) optional field gives ``default``."""
    value = obj.get(key)
    if value is None:
        if default is ABSENT:
            raise MalformedInput(key_path(prefix, key), MISSING)
        return default
    return value


def check_integer(value: object, field: str, minimum: int | None = None) -> int:
    """Return ``value`` if it is an integer (at least ``minimum``), else raise."""
    if not is_integer(value):
        if minimum is None:
            raise MalformedInput(field, MUST_BE_INTEGER)
        raise MalformedInput(field, MUST_BE_INTEGER_AT_LEAST.format(minimum=minimum))
    if minimum is not None and value < minimum:  # type: ignore[operator]
        raise MalformedInput(field, MUST_BE_INTEGER_AT_LEAST.format(minimum=minimum))
    return value  # type: ignore[return-value]


def check_string(value: object, field: str) -> str:
    """Return ``value`` if it is a non-empty string, else raise."""
    if not isinstance(value, str) or not value:
        raise MalformedInput(field, MUST_BE_STRING)
    return value


def check_choice(value: object, field: str, choices: tuple[str, ...]) -> str:
    """Return ``value`` if it is one of ``choices``, else raise naming them."""
    if not isinstance(value, str) or value not in choices:
        raise MalformedInput(
            field, UNKNOWN_VALUE.format(value=quote(value), choices=", ".join(choices))
        )
    return value
