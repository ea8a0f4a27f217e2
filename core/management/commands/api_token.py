"""Issue, list and revoke the other systems' API tokens (administrators only).

python manage.py api_token issue --name "12345 hotline" --user qh.hotline \\
    --jurisdiction qh --scopes suggest,read [--create-user]
python manage.py api_token list
python manage.py api_token revoke PREFIX

The key is printed once, when issued; only its hash is kept. Each issue and revocation is
on the decision log.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from core.models import Jurisdiction
from core.models.api import ApiToken
from core.services.api_tokens import api_token_issue, api_token_revoke


class Command(BaseCommand):
    help = "Issue, list or revoke API tokens for other systems."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        issue = sub.add_parser("issue")
        issue.add_argument("--name", required=True, help="the system, e.g. 12345 hotline")
        issue.add_argument("--user", required=True, help="the account the token acts as")
        issue.add_argument("--jurisdiction", required=True, help="a jurisdiction code")
        issue.add_argument("--scopes", required=True, help="comma-separated: read,suggest,…")
        issue.add_argument(
            "--create-user",
            action="store_true",
            help="create the account (without password or roles) if missing",
        )
        sub.add_parser("list")
        revoke = sub.add_parser("revoke")
        revoke.add_argument("prefix")

    def handle(self, *args, **options):
        try:
            getattr(self, f"_{options['action']}")(options)
        except (ValidationError, PermissionDenied) as error:
            raise CommandError(" ".join(getattr(error, "messages", [str(error)])))

    def _issue(self, options):
        jurisdiction = Jurisdiction.objects.filter(code=options["jurisdiction"]).first()
        if jurisdiction is None:
            raise CommandError(f"No jurisdiction {options['jurisdiction']}")
        users = get_user_model().objects
        user = users.filter(username=options["user"]).first()
        if user is None:
            if not options["create_user"]:
                raise CommandError(f"No user {options['user']} (see --create-user)")
            user = users.create_user(username=options["user"], password=None)
        scopes = [s.strip() for s in options["scopes"].split(",") if s.strip()]
        token, raw = api_token_issue(
            actor=None, name=options["name"], user=user, jurisdiction=jurisdiction, scopes=scopes
        )
        self.stdout.write(f"{token.name} · {token.prefix} · {', '.join(token.scopes)}")
        self.stdout.write("Key (shown once, keep it in the system's secret store):")
        self.stdout.write(raw)

    def _list(self, options):
        for token in ApiToken.objects.select_related("user", "jurisdiction").order_by("pk"):
            state = "revoked" if token.revoked_at else "active"
            self.stdout.write(
                f"{token.prefix}  {state:7}  {token.jurisdiction.code:8}  "
                f"{','.join(token.scopes):22}  {token.user.username:16}  {token.name}"
            )

    def _revoke(self, options):
        token = ApiToken.objects.filter(prefix=options["prefix"]).first()
        if token is None:
            raise CommandError(f"No token {options['prefix']}")
        api_token_revoke(actor=None, token=token)
        self.stdout.write(f"Revoked {token.prefix} ({token.name})")
