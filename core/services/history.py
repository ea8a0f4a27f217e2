"""How a service puts a change on the record: the actor and a reason on every save."""

from django.db import models


def save_with_reason(obj: models.Model, *, actor, reason: str, **save_kwargs) -> None:
    obj._history_user = actor if actor is not None and actor.is_authenticated else None
    obj._change_reason = str(reason)
    obj.save(**save_kwargs)


def create_with_reason(model: type[models.Model], *, actor, why: str, **fields):
    """Create a row; `why` is its history reason (not `reason`: a project has that field)."""
    obj = model(**fields)
    save_with_reason(obj, actor=actor, reason=why)
    return obj
