"""An e-mail backend for the live-worker tests: records each message as a file in
CALENDAR_TEST_MAIL_DIR (one file per message, written atomically), after an optional
delay (CALENDAR_TEST_MAIL_DELAY seconds) during which an `inflight` marker exists, so a
test can kill the worker in the middle of a send."""

import os
import time
import uuid
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class RecordingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        directory = Path(os.environ["CALENDAR_TEST_MAIL_DIR"])
        delay = float(os.environ.get("CALENDAR_TEST_MAIL_DELAY", "0"))
        for message in email_messages:
            message_id = message.extra_headers.get("Message-ID", "")
            marker = directory / f"inflight-{os.getpid()}"
            marker.write_text(message_id)
            time.sleep(delay)
            name = uuid.uuid4().hex
            temporary = directory / f".{name}.tmp"
            temporary.write_text(f"{message_id}\n{','.join(message.to)}\n{message.subject}\n")
            temporary.rename(directory / f"sent-{name}.eml")
            marker.unlink(missing_ok=True)
        return len(email_messages)


def sent_message_ids(directory: Path) -> list[str]:
    """Message-IDs of every recorded e-mail (one entry per delivery, repeats kept)."""
    return [
        path.read_text().split("\n", 1)[0] for path in sorted(Path(directory).glob("sent-*.eml"))
    ]
