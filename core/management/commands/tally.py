"""``manage.py tally FILE``: count one vote document with the voting engine.

Reads one JSON document (voting-rules.md §3) from FILE, or from stdin when
FILE is ``-``, and prints the result document on stdout. It touches no model
and writes nothing to the database: it is the same engine the voting session
calls, offered to tellers and auditors who want to recount from a file.

Malformed input (not JSON, an unreadable file, a missing or wrong-typed
field ...) prints one line ``<field>: <message>`` on stderr and exits with
status 2.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand

from core.voting import MalformedInput, tally
from core.voting.errors import CANNOT_READ, DOCUMENT, FILE, NOT_JSON

EXIT_MALFORMED = 2


def _reject_constant(name: str) -> Any:
    # NaN and Infinity are not JSON, though Python's json module accepts them.
    raise ValueError(f"{name} is not a JSON value")


class Command(BaseCommand):
    help = "Count one vote document (JSON, FILE or - for stdin) and print the result as JSON."

    # Counting needs no database, no migrations and no system checks.
    requires_system_checks: list[str] = []
    requires_migrations_checks = False
    # Tests pass a text stream here instead of replacing sys.stdin.
    stealth_options = ("stdin",)

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", metavar="FILE", help="the input document, or - for stdin")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            text = self._read(options["file"], options.get("stdin"))
            try:
                document = json.loads(text, parse_constant=_reject_constant)
            except ValueError as error:
                raise MalformedInput(DOCUMENT, NOT_JSON.format(detail=error)) from None
            result = tally(document)
        except MalformedInput as error:
            # One line, whatever the message holds, so scripts can read it.
            self.stderr.write(" ".join(str(error).split()))
            raise SystemExit(EXIT_MALFORMED) from None
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))

    def _read(self, path: str, stdin: Any) -> str:
        try:
            if path == "-":
                # Bytes when possible, so decoding does not hang on the locale.
                stream = stdin if stdin is not None else getattr(sys.stdin, "buffer", sys.stdin)
                data = stream.read()
            else:
                with open(path, "rb") as handle:
                    data = handle.read()
            if isinstance(data, bytes):
                data = data.decode("utf-8")
            # Files saved by some Windows editors start with a byte-order mark.
            return data.removeprefix("\ufeff")
        except OSError as error:
            detail = error.strerror or str(error)
            raise MalformedInput(FILE, CANNOT_READ.format(path=json.dumps(path), detail=detail))
        except UnicodeDecodeError as error:
            raise MalformedInput(DOCUMENT, NOT_JSON.format(detail=error))
