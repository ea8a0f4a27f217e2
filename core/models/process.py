"""The viewflow process that carries a project case."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process

from .project import Project


class ProjectProcess(Process):
    """One ProjectFlow case; its artifact is the project record."""

    project = models.OneToOneField(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="process"
    )

    class Meta:
        verbose_name = _("project case")
        verbose_name_plural = _("project cases")
