"""Bulk writes for imports and repérage, at database speed.

simple_history's bulk helpers build one historical model object per row in Python and
insert them, and each new enterprise needs its first StageChange: for 10 000 rows that
was more than half of an import's time (README, « Performance »). Here the database
derives those rows from the enterprises it has just written, with one INSERT … SELECT
per batch. The history rows are the ones `bulk_history_create` writes (tracked fields,
date, user, type, no reason)."""

from django.conf import settings
from django.db import connections, router
from django.db.models import BigIntegerField, CharField, DateTimeField, Value
from django.utils import timezone

from enterprises.models import Enterprise, StageChange

CHUNK = 5000


def _constant(value, field):
    return Value(value, output_field=field)


def insert_derived(target, source, ids, fields):
    """For each row of `source` (a model) whose pk is in `ids`, insert one `target` row.

    `fields` maps each target field name to a source field name (str) or a constant
    (a Value expression)."""
    database = router.db_for_write(target)
    connection = connections[database]
    quote = connection.ops.quote_name
    columns = [target._meta.get_field(name).column for name in fields]
    constants = {
        f"_c{i}": value for i, value in enumerate(fields.values()) if not isinstance(value, str)
    }
    names = iter(constants)
    selected = [value if isinstance(value, str) else next(names) for value in fields.values()]
    ids = list(ids)
    with connection.cursor() as cursor:
        for start in range(0, len(ids), CHUNK):
            rows = (
                source._base_manager.using(database)
                .filter(pk__in=ids[start : start + CHUNK])
                .annotate(**constants)
                .values_list(*selected)
                .order_by()
            )
            select, params = rows.query.sql_with_params()
            cursor.execute(
                f"INSERT INTO {quote(target._meta.db_table)} "
                f"({', '.join(quote(c) for c in columns)}) {select}",
                params,
            )


def copy_to_history(model, ids, *, created, user=None, when=None):
    """One history row per id of `model` (« + » if `created`, « ~ » otherwise), copied
    from the table as it is now. Call it after the rows are written, in the same
    transaction."""
    if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    history = model.history.model
    fields = {field.attname: field.attname for field in history.tracked_fields}
    fields["history_date"] = _constant(when or timezone.now(), DateTimeField())
    fields["history_type"] = _constant("+" if created else "~", CharField())
    fields["history_user_id"] = _constant(getattr(user, "pk", None), BigIntegerField())
    insert_derived(history, model, ids, fields)


def first_stage_changes(enterprise_ids, *, stage, note, user=None, when=None):
    """The StageChange that puts each new enterprise at its first stage."""
    insert_derived(
        StageChange,
        Enterprise,
        enterprise_ids,
        {
            "enterprise_id": "pk",
            "from_stage": _constant("", CharField()),
            "to_stage": _constant(stage, CharField()),
            "reason": _constant("", CharField()),
            "note": _constant(note, CharField()),
            "by_id": _constant(getattr(user, "pk", None), BigIntegerField()),
            "at": _constant(when or timezone.now(), DateTimeField()),
        },
    )


def created_ids(objects):
    """The primary keys of enterprises just bulk-created. PostgreSQL and SQLite ≥ 3.35
    return them; otherwise they are read back by SIRET."""
    if all(obj.pk is not None for obj in objects):
        return [obj.pk for obj in objects]
    model = type(objects[0])
    return list(
        model._base_manager.filter(siret__in=[obj.siret for obj in objects]).values_list(
            "pk", flat=True
        )
    )
