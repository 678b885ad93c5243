"""A changelist page's rows read as values and made into model instances directly
(decision 012).

With `select_related` and `.only()`, Django builds each row's instances through
`Model.from_db`: a list of every concrete field with a marker for those not read, then
`__init__` over all of them, for the row and for each related object — about 10 µs an
instance, four instances a row of the enterprises' changelist. The page reads here the
same columns with `values_list` and sets them on instances made without `__init__`:
what `from_db` leaves behind (the values read, `_state` not adding and bound to the
database, each related object or None in the row's relation cache), so the columns
not read are deferred exactly as with `.only()` and load on access. Models that have
`pre_init`/`post_init` receivers, inherit from another model, or paths deeper than one
relation keep Django's way (None is returned)."""

from django.db.models import ForeignKey, OneToOneField, signals
from django.db.models.base import ModelState


def _plain_model(model):
    return not model._meta.parents and not (
        signals.pre_init.has_listeners(model) or signals.post_init.has_listeners(model)
    )


def _plan(model, only):
    """[(attname, path)] of the row, and [(relation name, model, [(attname, path)])],
    or None when a path is not one this reads."""
    opts = model._meta
    own = {opts.pk.attname: opts.pk.attname}
    relations = {}
    for path in only:
        name, _, rest = path.partition("__")
        field = opts.get_field(name)
        if not rest:
            if not field.concrete or field.many_to_many or field.is_relation:
                return None
            own[field.attname] = field.attname
            continue
        if "__" in rest or not isinstance(field, (ForeignKey, OneToOneField)):
            return None
        related = field.related_model
        if not _plain_model(related):
            return None
        own[field.attname] = field.attname
        if name not in relations:
            keys = {related._meta.pk, field.target_field}
            relations[name] = (related, {f.attname: f"{name}__{f.attname}" for f in keys})
        target = related._meta.get_field(rest)
        if not target.concrete or target.is_relation:
            return None
        relations[name][1][target.attname] = f"{name}__{target.attname}"
    return list(own.items()), [
        (name, related, list(columns.items()), model._meta.get_field(name).attname)
        for name, (related, columns) in relations.items()
    ]


def _instance(model, attrs, db):
    obj = model.__new__(model)
    state = obj._state = ModelState()
    state.adding = False
    state.db = db
    obj.__dict__.update(attrs)
    return obj


def read_rows(queryset, only):
    """The queryset's rows as instances holding the `only` columns (and keys), in the
    queryset's order; None when this cannot read them (Django's rows are then used)."""
    model = queryset.model
    if not only or not _plain_model(model):
        return None
    plan = _plan(model, only)
    if plan is None:
        return None
    own, relations = plan
    paths = [path for _, path in own]
    for _, _, columns, _ in relations:
        paths.extend(path for _, path in columns)
    db = queryset.db
    names = [attname for attname, _ in own]
    count = len(names)
    related_names = [
        (name, related, [attname for attname, _ in columns], key)
        for name, related, columns, key in relations
    ]
    rows = []
    for values in queryset.values_list(*paths):
        obj = _instance(model, zip(names, values[:count], strict=True), db)
        start = count
        cache = obj._state.fields_cache
        for name, related, attnames, key in related_names:
            end = start + len(attnames)
            if obj.__dict__[key] is None:
                cache[name] = None
            else:
                cache[name] = _instance(related, zip(attnames, values[start:end], strict=True), db)
            start = end
        rows.append(obj)
    return rows
