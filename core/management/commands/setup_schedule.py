"""Create (or reset) the calendar's beat schedule rows in the database.

python manage.py setup_schedule            # create missing rows, keep changed times
python manage.py setup_schedule --reset    # put every time back to the default
python manage.py setup_schedule --change "calendar: monthly digest" --at 09:00 --day 2
"""

import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.services.calendar import describe_schedule, schedule_change, schedule_setup


class Command(BaseCommand):
    help = "Create the calendar's beat schedule rows (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="restore the default times")
        parser.add_argument("--change", metavar="NAME", help="move one row to another time")
        parser.add_argument("--at", metavar="HH:MM", default="08:00")
        parser.add_argument("--day", metavar="DAY_OF_MONTH", default="*")
        parser.add_argument("--from", dest="starts", metavar="YYYY-MM-DD", default=None)

    def handle(self, *args, **options):
        if options["change"]:
            return self._change(options)
        for row in schedule_setup(reset=options["reset"]):
            self.stdout.write(f"{row.name}: {row.task} · {describe_schedule(row)}")

    def _change(self, options):
        try:
            hour, minute = options["at"].split(":")
            starts = None
            if options["starts"]:
                starts = timezone.make_aware(datetime.datetime.fromisoformat(options["starts"]))
            row = schedule_change(
                actor=None,
                name=options["change"],
                minute=minute,
                hour=hour,
                day_of_month=options["day"],
                starts=starts,
            )
        except ValueError as exc:
            raise CommandError(str(exc))
        except ValidationError as exc:
            raise CommandError(" ".join(str(m) for m in exc.messages))
        self.stdout.write(f"{row.name}: {row.task} · {describe_schedule(row)}")
