"""What the calendar will do next, per jurisdiction.

python manage.py calendar              # every jurisdiction
python manage.py calendar qh-dh        # one
python manage.py calendar qh-dh --today 2026-12-28
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core.models import Jurisdiction
from core.selectors.calendar import (
    as_date,
    calendar_settings_for,
    outbox_pending,
    scheduled_next,
)


class Command(BaseCommand):
    help = "Show what the calendar will do next for a jurisdiction."

    def add_arguments(self, parser):
        parser.add_argument("code", nargs="?", help="jurisdiction code (all when omitted)")
        parser.add_argument("--today", help="look from this day (YYYY-MM-DD)")
        parser.add_argument("--limit", type=int, default=30)

    def handle(self, *args, code=None, today=None, limit=30, **options):
        try:
            today = as_date(today)
        except ValueError:
            raise CommandError(_("Give the day as YYYY-MM-DD."))
        jurisdictions = Jurisdiction.objects.order_by("path")
        if code:
            jurisdictions = jurisdictions.filter(code=code)
            if not jurisdictions.exists():
                raise CommandError(_("No jurisdiction with the code %(code)s.") % {"code": code})
        for jurisdiction in jurisdictions:
            self._show(jurisdiction, today, limit)
        self._beat()

    def _show(self, jurisdiction, today: datetime.date, limit: int):
        cal = calendar_settings_for(jurisdiction)
        self.stdout.write(self.style.MIGRATE_HEADING(f"{jurisdiction.name} ({jurisdiction.code})"))
        self.stdout.write(
            _(
                "  reports due %(report)s days after the quarter · plan %(plan)s days after "
                "the vote · sign-off %(sign)s days · reminders %(lead)s days before"
            )
            % {
                "report": cal.report_due_days,
                "plan": cal.plan_due_days,
                "sign": cal.sign_off_due_days,
                "lead": cal.reminder_lead_days,
            }
        )
        for item in scheduled_next(jurisdiction, today, limit=limit):
            line = f"  {item.on:%Y-%m-%d}  {item.what}"
            if item.detail:
                line += f" — {item.detail}"
            self.stdout.write(line)

    def _beat(self):
        from django_celery_beat.models import PeriodicTask

        from core.services.calendar import BEAT_SCHEDULE, describe_schedule

        rows = {r.name: r for r in PeriodicTask.objects.filter(name__startswith="calendar:")}
        self.stdout.write(self.style.MIGRATE_HEADING(_("Beat schedule")))
        for entry in BEAT_SCHEDULE:
            row = rows.get(entry.name)
            if row is None:
                state = _("missing: run `manage.py setup_schedule`")
            else:
                state = describe_schedule(row) + ("" if row.enabled else " " + _("(disabled)"))
                if row.last_run_at:
                    state += " · " + _("last run %(when)s") % {"when": f"{row.last_run_at:%c}"}
            self.stdout.write(f"  {entry.name}: {state}")
        kept = outbox_pending()
        count = kept.count()
        if count:
            oldest = kept.order_by("created").first().created
            self.stdout.write(
                self.style.WARNING(
                    _("  %(count)s message(s) kept in the outbox since %(when)s (broker down?)")
                    % {"count": count, "when": f"{oldest:%Y-%m-%d %H:%M}"}
                )
            )
        else:
            self.stdout.write(_("  Outbox: nothing waiting."))
