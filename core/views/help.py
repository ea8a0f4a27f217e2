"""The help pages (使用说明): one per role, and an index that points to the user's own."""

from django.http import Http404
from django.shortcuts import render

from core.help_guides import GUIDES, step_names_of
from flows.step_help import STEP_HELP
from permissions.scope import roles_of


def help_index(request):
    mine = set()
    if request.user.is_authenticated:
        mine = {role.value for role in roles_of(request.user)}
    guides = [(guide, guide.key in mine) for guide in GUIDES.values()]
    return render(request, "help/index.html", {"guides": guides})


def help_role(request, role):
    guide = GUIDES.get(role)
    if guide is None:
        raise Http404
    from flows.project_flow import ProjectFlow

    steps = [
        (getattr(ProjectFlow, name).task_title, STEP_HELP[name])
        for name in step_names_of(role)
        if name in STEP_HELP
    ]
    return render(request, "help/role.html", {"guide": guide, "steps": steps})
