"""Putting a service's ValidationError on the form that was sent, field by field."""

from django.core.exceptions import ValidationError


def apply_errors(form, error: ValidationError) -> None:
    has_fields = hasattr(error, "error_dict")
    items = error.error_dict.items() if has_fields else [(None, error.error_list)]
    for field, errors in items:
        for e in errors:
            form.add_error(field if form is not None and field in form.fields else None, e)


def error_text(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)
