"""The quoted names of the models' tables and columns, for the few statements the
project writes in SQL itself (read from the models, so that they follow a renamed table
or column)."""

from django.db import connection


def table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def column(model, field: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(field).column)
