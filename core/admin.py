"""The admin shows viewflow's processes and tasks and beat's schedule, but changes none of
them: a case moves only through its flow's steps (with their checks, history and decision
log), and the calendar's schedule only through `manage.py setup_schedule --change`."""

from django.contrib import admin
from django_celery_beat import admin as beat_admin
from django_celery_beat import models as beat_models
from viewflow.workflow import admin as flow_admin
from viewflow.workflow import models as flow_models


class ReadOnlyAdmin:
    actions = None

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


READ_ONLY = (
    (flow_models.Process, flow_admin.ProcessAdmin),
    (flow_models.Task, flow_admin.TaskAdmin),
    (beat_models.PeriodicTask, beat_admin.PeriodicTaskAdmin),
    (beat_models.CrontabSchedule, beat_admin.CrontabScheduleAdmin),
    (beat_models.IntervalSchedule, beat_admin.IntervalScheduleAdmin),
    (beat_models.ClockedSchedule, beat_admin.ClockedScheduleAdmin),
    (beat_models.SolarSchedule, beat_admin.SolarScheduleAdmin),
)

for model, model_admin in READ_ONLY:
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(
        model, type(f"ReadOnly{model_admin.__name__}", (ReadOnlyAdmin, model_admin), {})
    )
