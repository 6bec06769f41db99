"""One model instance read with plain SQL, for the reads every page makes (the signed-in user, the
draft) and the manager's review page (a decision with its author, team and the decision it
continues).

``Model.objects.raw()`` works out on every query which column is which field and which
converters apply: with two such reads a request that was a twentieth of a wizard page's CPU
under the bench (py-spy on the gunicorn workers). For the same columns the answer is always the
same, so ``one`` works it out once a process and builds the instance as ``raw()`` does, with
``Model.from_db`` and the fields' own converters (a JSON field's decoding, for example). Columns
that are not fields become attributes of the instance, as with ``raw()``.

Related instances come in the same row, as ``select_related`` reads them: their columns are
named ``"<field>.<column>"`` (``columns`` writes that select list), and each is cached on its
foreign key, or None where a left join found nothing.
"""

import functools
from typing import TypeVar

from django.db import connections, router
from django.db.models import Model

M = TypeVar("M", bound=Model)


def one(model: type[M], sql: str, params, related: tuple[str, ...] = ()) -> M | None:
    """The first row ``sql`` returns as an instance of ``model``, or None. Read from the database
    the router gives for reading ``model``, as ``model.objects.raw(sql, params)`` would. The
    statement is prepared: keep to statements that find rows by key, whose one plan fits all.

    ``related``: foreign keys of ``model`` whose instances the row carries (``columns``)."""
    found = _read(model, sql, params, related, first=True)
    return found[0] if found else None


def every(model: type[M], sql: str, params, related: tuple[str, ...] = ()) -> list[M]:
    """Every row ``sql`` returns, as instances of ``model``: as ``one``, for a few rows found by
    key (a decision's addenda, say)."""
    return _read(model, sql, params, related, first=False)


def _read(model: type[M], sql: str, params, related: tuple[str, ...], *, first: bool) -> list[M]:
    using = router.db_for_read(model)
    connection = connections[using]
    with connection.prepared_cursor() as cursor:  # planned once a connection (sharing_wizard.postgresql)
        cursor.execute(sql, params)
        found = cursor.fetchmany(1) if first else cursor.fetchall()
        if not found:
            return []
        names = tuple(column.name for column in cursor.description)
    plan, related_plans, extras = _plan(model, names, using, related)
    instances = []
    for row in found:
        values = list(row)
        instance = _build(plan, values, connection, using)
        for field, related_plan in related_plans:
            field.set_cached_value(instance, _build(related_plan, values, connection, using))
        for name, position in extras:
            setattr(instance, name, values[position])
        instances.append(instance)
    return instances


def columns(model: type[Model], alias: str, field: str) -> str:
    """The select list of ``model``'s columns from the table aliased ``alias``, named for ``one``
    as the instance of ``field`` (a foreign key of the model ``one`` builds)."""
    return ", ".join(
        f'{alias}."{column.column}" AS "{field}.{column.column}"' for column in model._meta.concrete_fields
    )


def _build(plan, values: list, connection, using: str) -> Model | None:
    model, names, positions, converters, key = plan
    if values[key] is None:
        return None  # a left join that found nothing
    for position, column, functions in converters:
        for function in functions:
            values[position] = function(values[position], column, connection)
    return model.from_db(using, names, [values[position] for position in positions])


@functools.lru_cache(maxsize=64)
def _plan(model: type[Model], names: tuple[str, ...], using: str, related: tuple[str, ...]):
    """For these columns: the model's plan, each related instance's (its foreign key and plan),
    and the columns that belong to neither (their names and positions)."""
    plan = _model_plan(model, names, using, "")
    related_plans = []
    for name in related:
        field = model._meta.get_field(name)
        related_plans.append((field, _model_plan(field.related_model, names, using, f"{name}.")))
    plans = [plan, *(related_plan for _, related_plan in related_plans)]
    claimed = {position for _, _, positions, _, _ in plans for position in positions}
    extras = [(name, position) for position, name in enumerate(names) if position not in claimed]
    return plan, related_plans, extras


def _model_plan(model: type[Model], names: tuple[str, ...], using: str, prefix: str):
    """The model, its fields' names and positions among the columns named ``<prefix><column>`` (in
    the model's order, as ``from_db`` takes them), each field's converters, and the key's position."""
    connection = connections[using]
    fields = [field for field in model._meta.concrete_fields if prefix + field.column in names]
    converters = []
    for field in fields:
        column = field.get_col(model._meta.db_table)
        functions = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if functions:
            converters.append((names.index(prefix + field.column), column, tuple(functions)))
    return (
        model,
        [field.attname for field in fields],
        [names.index(prefix + field.column) for field in fields],
        converters,
        names.index(prefix + model._meta.pk.column),  # the key: None where a left join found nothing
    )
