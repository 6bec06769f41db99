"""One model instance read with plain SQL, for the reads every page makes (the signed-in user, the
draft).

``Model.objects.raw()`` works out on every query which column is which field and which
converters apply: with two such reads a request that was a twentieth of a wizard page's CPU
under the bench (py-spy on the gunicorn workers). For the same columns the answer is always the
same, so ``one`` works it out once a process and builds the instance as ``raw()`` does, with
``Model.from_db`` and the fields' own converters (a JSON field's decoding, for example). Columns
that are not fields become attributes of the instance, as with ``raw()``.
"""

import functools
from typing import TypeVar

from django.db import connections, router
from django.db.models import Model

M = TypeVar("M", bound=Model)


def one(model: type[M], sql: str, params) -> M | None:
    """The first row ``sql`` returns as an instance of ``model``, or None. Read from the database
    the router gives for reading ``model``, as ``model.objects.raw(sql, params)`` would. The
    statement is prepared: keep to statements that find rows by key, whose one plan fits all."""
    using = router.db_for_read(model)
    connection = connections[using]
    with connection.prepared_cursor() as cursor:  # planned once a connection (sharing_wizard.postgresql)
        cursor.execute(sql, params)
        row = cursor.fetchone()
        if row is None:
            return None
        columns = tuple(column.name for column in cursor.description)
    names, positions, converters, extras = _plan(model, columns, using)
    values = list(row)
    for position, column, functions in converters:
        for function in functions:
            values[position] = function(values[position], column, connection)
    instance = model.from_db(using, names, [values[position] for position in positions])
    for name, position in extras:
        setattr(instance, name, values[position])
    return instance


@functools.lru_cache(maxsize=64)
def _plan(model: type[Model], columns: tuple[str, ...], using: str):
    """For these columns: the fields' names and positions (in the model's order, as ``from_db``
    takes them), each field's converters, and the columns that are not fields."""
    connection = connections[using]
    fields = [field for field in model._meta.concrete_fields if field.column in columns]
    converters = []
    for field in fields:
        column = field.get_col(model._meta.db_table)
        functions = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if functions:
            converters.append((columns.index(field.column), column, tuple(functions)))
    known = {field.column for field in fields}
    return (
        [field.attname for field in fields],
        [columns.index(field.column) for field in fields],
        converters,
        [(name, position) for position, name in enumerate(columns) if name not in known],
    )
