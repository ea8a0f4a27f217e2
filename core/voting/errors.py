"""Malformed input: the one error the counting engine raises.

A malformed document is not a void vote. A void vote is a legitimate outcome
(quorum not met, a teller mismatch ...) and comes back as a result with
``"valid": false``; malformed input means the engine cannot say anything at all,
so it refuses with the dotted path of the offending field and a message.

The messages are constants so that the web app, the ``tally`` command and the
tests all show and assert the same text.
"""

from __future__ import annotations

import json
import re

# Messages a user sees (after "<field>: "). Placeholders are filled with
# ``str.format``; values coming from the input are JSON-quoted first so that a
# message always stays on one line.
MISSING = "required field is missing"
UNKNOWN_FIELD = "unknown field"
MUST_BE_OBJECT = "must be a JSON object"
MUST_BE_LIST = "must be a list"
MUST_BE_STRING = "must be a non-empty string"
MUST_BE_INTEGER = "must be an integer"
MUST_BE_INTEGER_AT_LEAST = "must be an integer >= {minimum}"
MUST_BE_NUMBER_BETWEEN = "must be a number between {low} and {high}"
MUST_BE_ZERO_OR_ONE = "must be 0 or 1"
UNKNOWN_VALUE = "unknown value {value}; expected one of {choices}"
DIFFERENTIAL_SHAPE = "must be a list [min, max] of two numbers with 0 <= min <= max"
ACCOUNT_ABOVE_COMMEND = "must not be greater than commend_at ({commend_at})"
PRESENT_ABOVE_TOTAL = "present ({present}) is greater than deputies_total ({total})"
DUPLICATE_ID = "duplicate candidate id {id}"
DIFFERENTIAL_OUT_OF_BOUNDS = (
    "slate outside the differential: (candidates - seats) / seats = "
    "({candidates} - {seats}) / {seats} = {ratio}, bounds [{low}, {high}]"
)
BALLOTS_OR_PAPER = "give either ballots or paper, not both"
BALLOTS_OR_PAPER_MISSING = "required field is missing (give ballots or paper)"
PAPER_NOT_FOR_SATISFACTION = "paper counting exists for the project vote only"
TWO_TELLER_ENTRIES = "must hold exactly two teller entries"
NOT_ON_SLATE = "candidate {id} is not on the slate"
NOT_JSON = "not valid JSON: {detail}"
CANNOT_READ = "cannot read {path}: {detail}"

# Field names for things that are not a field of the document.
DOCUMENT = "document"
FILE = "file"

_PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]+\Z")


class MalformedInput(Exception):
    """The input document cannot be counted.

    ``field`` is the dotted path of the offending field (``rules.seats``,
    ``candidates[2].id``, ``paper.entries[0].counts.x``); ``message`` says what
    is wrong with it, in English, on one line.
    """

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


def quote(value: object) -> str:
    """Render an input value for a message: JSON text, on one line."""
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return json.dumps(repr(value), ensure_ascii=False)


def key_path(prefix: str, key: str) -> str:
    """Append a mapping key to a dotted path (``counts.water``).

    Keys that would make the path ambiguous (dots, spaces, newlines ...) are
    written as ``prefix[<json string>]`` instead, which also keeps the path on
    one line.
    """
    if _PLAIN_KEY.match(key):
        return f"{prefix}.{key}" if prefix else key
    return f"{prefix}[{quote(key)}]"
