import json

from django.core.management.base import BaseCommand

from core.demo import DEMO_PASSWORD, build_demo
from core.demo_voting import CODE, TELLER_PASSPHRASES


class Command(BaseCommand):
    help = "Build the demo county, its townships and street, users and about 30 cases."

    def add_arguments(self, parser):
        parser.add_argument(
            "--json", action="store_true", help="Print only a JSON list of the demo logins."
        )

    def handle(self, *args, json_output=False, **options):
        world = build_demo()
        if options["json"]:
            self.stdout.write(
                json.dumps([login.as_json() for login in world.logins], ensure_ascii=False)
            )
            return
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready. Password for every login: {DEMO_PASSWORD}")
        )
        width = max(len(login.username) for login in world.logins)
        for login in world.logins:
            self.stdout.write(
                f"  {login.username:<{width}}  {login.jurisdiction:<6} "
                f"{login.role:<18} {login.name}"
            )
        prefix = CODE.replace("-", ".")
        self.stdout.write(
            "Counting passphrases of the tellers (any two open a vote's sealed ballots):"
        )
        for key, passphrase in TELLER_PASSPHRASES.items():
            self.stdout.write(f"  {prefix}.{key:<8}  {passphrase}")
