"""Querysets compiled to SQL once per process (decision 012)."""

from django.db import DEFAULT_DB_ALIAS, connections


class CompiledQuery:
    """A values_list() queryset compiled to SQL once per process and database, then run
    with other values of its parameters.

    Building and compiling a queryset with a few joins costs the ORM more than
    PostgreSQL takes to run it; a page that runs the same query on every visit with
    another id (an enterprise's history) pays that once. `build(**values)` returns the
    queryset; it is called once with the `samples` (values that no other parameter of
    the query can take), whose places among the compiled parameters are then given each
    call's values. Only values compared with `=` qualify (a list's length changes the
    SQL), given as the database takes them (ids, not instances). The rows are those of
    values_list(): the same columns in the same order, with the same conversions."""

    def __init__(self, build, **samples):
        self.build, self.samples = build, samples
        self.compiled = {}

    def _compile(self, alias):
        compiler = self.build(**self.samples).query.get_compiler(alias)
        sql, params = compiler.as_sql()
        slots = {}
        for name, sample in self.samples.items():
            slots[name] = [
                index
                for index, param in enumerate(params)
                if type(param) is type(sample) and param == sample
            ]
            if not slots[name]:
                raise ValueError(f"{name} is not a parameter of the query")
        fields = [select[0] for select in compiler.select[: compiler.col_count]]
        return sql, list(params), slots, list(compiler.get_converters(fields).items())

    def statement(self, using, values):
        """The SQL and the parameters of the query for these `values`."""
        if using not in self.compiled:
            self.compiled[using] = self._compile(using)
        sql, params, slots, _ = self.compiled[using]
        params = params.copy()
        for name, indexes in slots.items():
            for index in indexes:
                params[index] = values[name]
        return sql, params

    def convert(self, rows, using):
        """The rows as values_list() gives them (its converters applied)."""
        converters = self.compiled[using][3]
        if not converters:
            return rows
        connection = connections[using]
        converted = []
        for row in map(list, rows):
            for position, (functions, expression) in converters:
                for function in functions:
                    row[position] = function(row[position], expression, connection)
            converted.append(tuple(row))
        return converted

    def __call__(self, using=DEFAULT_DB_ALIAS, **values):
        sql, params = self.statement(using, values)
        with connections[using].cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return self.convert(rows, using)


def in_one_round_trip(connection):
    """Whether `connection` runs several statements sent together: PostgreSQL through
    psycopg's client-side binding (Django's default), which sends a query in the simple
    protocol; not with server-side binding, nor SQLite."""
    return (
        connection.vendor == "postgresql"
        and connection.settings_dict["OPTIONS"].get("server_side_binding") is not True
    )


def run_together(calls, using=DEFAULT_DB_ALIAS):
    """The rows of several compiled queries, `calls` being (query, values) pairs, in
    their order. On PostgreSQL their statements go in one message, separated by `;`,
    and their results come back together (cursor.nextset()): one round trip to the
    database instead of one per query, each statement planned and run as if sent alone.
    Elsewhere one query after the other. Django's query log shows the message as one
    query (its SQL holds the statements)."""
    connection = connections[using]
    if not in_one_round_trip(connection):
        return [query(using, **values) for query, values in calls]
    statements = [query.statement(using, values) for query, values in calls]
    results = []
    with connection.cursor() as cursor:
        cursor.execute(
            ";\n".join(sql for sql, _ in statements),
            [param for _, params in statements for param in params],
        )
        for index, (query, _) in enumerate(calls):
            if index:
                cursor.nextset()
            results.append(query.convert(cursor.fetchall(), using))
    return results
