from django.urls import path

from . import views

app_name = "flows"

urlpatterns = [
    path("cases/<int:process_pk>/tasks/<int:task_pk>/", views.StepView.as_view(), name="step"),
    path("tasks/<int:task_pk>/assign/", views.TaskAssignView.as_view(), name="assign"),
    path("tasks/<int:task_pk>/release/", views.TaskReleaseView.as_view(), name="release"),
]
