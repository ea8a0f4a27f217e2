"""What every page's header needs: the user's roles, jurisdictions and task counts."""

from permissions.scope import home_jurisdictions, roles_of


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def counts():
        from core.selectors.task_counts import nav_counts

        # Only a page read counts; a form sent (a ballot cast) shows what is cached.
        return nav_counts(user, compute=request.method in ("GET", "HEAD")) or {}

    return {
        "nav_roles": sorted(role.label for role in roles_of(user)),
        "nav_jurisdictions": home_jurisdictions(user),
        "nav_counts": counts,
    }
