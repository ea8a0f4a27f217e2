"""Check the decision log: every entry's keyed hash and its link to the one before.

Exit status 0 when every chain is intact, 1 when anything was edited, inserted or deleted
(each problem on its own line, naming the chain and entry). `--heads FILE` also checks
against chain heads recorded earlier with `--write-heads FILE`, which tells a chain whose
last entries were cut off together with its head.
"""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from core.services.audit import audit_heads, verify_audit_log


class Command(BaseCommand):
    help = "Verify the hash chains of the decision log."

    def add_arguments(self, parser):
        parser.add_argument("--heads", help="a JSON file of chain heads recorded earlier")
        parser.add_argument("--write-heads", help="write the current chain heads to this file")

    def handle(self, *args, heads=None, write_heads=None, **options):
        known = None
        if heads:
            try:
                with open(heads, encoding="utf-8") as fh:
                    known = {chain: int(v["seq"]) for chain, v in json.load(fh).items()}
            except (OSError, ValueError, KeyError, TypeError) as exc:
                raise CommandError(f"cannot read {heads}: {exc}") from exc
        checked, problems = verify_audit_log(known_heads=known)
        for problem in problems:
            self.stderr.write(str(problem))
        if write_heads and not problems:
            with open(write_heads, "w", encoding="utf-8") as fh:
                json.dump(audit_heads(), fh, indent=1, sort_keys=True)
        if problems:
            self.stderr.write(f"decision log: {len(problems)} problem(s) in {checked} entries")
            sys.exit(1)
        self.stdout.write(f"decision log intact: {checked} entries")
