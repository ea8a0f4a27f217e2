"""Grant every role assignment the steps its role holds in the table now.

Run after `migrate` when a release adds steps to an existing role (deploy/start-stack.sh
does): the assignments made before hold only the steps of their day."""

from django.core.management.base import BaseCommand

from core.models import RoleAssignment
from permissions.grants import sync_role_grants


class Command(BaseCommand):
    help = "Grant every role assignment the steps its role holds now."

    def handle(self, *args, **options):
        assignments = RoleAssignment.objects.select_related("user", "jurisdiction", "office")
        count = sync_role_grants(assignments.order_by("pk").iterator())
        self.stdout.write(f"{count} role assignments granted their current steps")
