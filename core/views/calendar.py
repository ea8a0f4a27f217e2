"""The notification centre and the calendar page (what the system will do next)."""

from django import forms
from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.models.calendar import CalendarSettings
from core.selectors import calendar as selectors
from core.services import calendar as services
from core.services import notifications
from permissions.checks import can_configure_calendar
from permissions.scope import home_jurisdictions

PAGE_SIZE = 25


# -- notifications -----------------------------------------------------------------------
@login_required
def notification_list(request):
    qs = selectors.notifications_for(request.user)
    if request.GET.get("unread"):
        qs = qs.unread()
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "calendar/notifications.html",
        {"page": page, "unread_only": bool(request.GET.get("unread"))},
    )


@login_required
def notification_open(request, pk):
    """Mark read and follow the link (to the step, or the case)."""
    notification = selectors.notification_for_user(request.user, pk)
    notifications.notification_mark_read(actor=request.user, notification=notification)
    url = notification.url
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return redirect(url)
    return redirect("calendar:notifications")


@login_required
@require_POST
def notification_read(request, pk):
    notification = selectors.notification_for_user(request.user, pk)
    notifications.notification_mark_read(actor=request.user, notification=notification)
    return redirect(_back(request))


@login_required
@require_POST
def notification_read_all(request):
    count = notifications.notifications_mark_all_read(actor=request.user)
    flash.info(request, _("%(count)s notification(s) marked read.") % {"count": count})
    return redirect(_back(request))


def _back(request):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "calendar:notifications"


# -- the calendar ------------------------------------------------------------------------
@login_required
def calendar_home(request):
    jurisdictions = home_jurisdictions(request.user)
    if len(jurisdictions) == 1:
        return redirect("calendar:jurisdiction", code=jurisdictions[0].code)
    return render(
        request,
        "calendar/index.html",
        {"jurisdictions": selectors.calendar_jurisdictions(request.user)},
    )


@login_required
def calendar_jurisdiction(request, code):
    jurisdiction = selectors.calendar_jurisdiction_for_user(request.user, code)
    today = selectors.calendar_today()
    return render(
        request,
        "calendar/jurisdiction.html",
        {
            "jurisdiction": jurisdiction,
            "today": today,
            "settings": selectors.calendar_settings_for(jurisdiction),
            "items": selectors.scheduled_next(jurisdiction, today),
            "collection_open": selectors.collection_window_open(jurisdiction, today),
            "behind": selectors.projects_behind_schedule(jurisdiction, today),
            "can_configure": can_configure_calendar(request.user, jurisdiction),
        },
    )


class CalendarSettingsForm(forms.ModelForm):
    class Meta:
        model = CalendarSettings
        fields = list(services.SETTING_FIELDS)
        widgets = {"mid_year_meeting": forms.DateInput(attrs={"type": "date"})}
        help_texts = {
            "collection_all_year": gettext_lazy(
                "Some places take suggestions all year; the window below is then ignored."
            ),
        }

    def _post_clean(self):
        # The service validates (with the calendar's today); nothing is checked twice.
        pass


@login_required
def calendar_settings(request, code):
    jurisdiction = selectors.calendar_jurisdiction_for_user(request.user, code)
    if not can_configure_calendar(request.user, jurisdiction):
        raise PermissionDenied
    current = selectors.calendar_settings_for(jurisdiction)
    form = CalendarSettingsForm(request.POST or None, instance=current)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            values = {field: form.cleaned_data[field] for field in services.SETTING_FIELDS}
            try:
                services.calendar_settings_update(
                    actor=request.user, jurisdiction=jurisdiction, **values
                )
            except ValidationError as error:
                by_field = error.error_dict if hasattr(error, "error_dict") else {None: error}
                for field, errors in by_field.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                flash.success(
                    request, _("The calendar of %(name)s is saved.") % {"name": jurisdiction.name}
                )
                return redirect("calendar:jurisdiction", code=jurisdiction.code)
        status = 400
    return render(
        request,
        "calendar/settings.html",
        {"jurisdiction": jurisdiction, "form": form},
        status=status,
    )
