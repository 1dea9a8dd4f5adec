"""Querysets compiled to SQL once per process, then run with new values.

Every uncached public page runs the same few queries with different values, and
building and compiling a queryset costs Django's ORM about a millisecond of Python
each time: several times what the indexed query takes in the database. A function
decorated with @compiled_once builds an ordinary values_list() queryset from its
arguments. It is called once per shape (the lengths of its list arguments and its
keyword arguments, which shape the query: a LIMIT, say) with stand-in values;
the SQL Django makes from it is kept, and later calls only put the real values
where the stand-ins were. The queryset, published() and all, stays the
one source of the SQL.

Such a function must use every argument as a value in the query and take no value
from anywhere else: in particular, the current time comes in as an argument
(`published(at=now)`), or the first call's time would be kept for good.
"""

import datetime
import functools
import itertools

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections

# Longer lists are run through the ORM as usual: each length compiles anew.
MAX_LIST_LENGTH = 64
_FIRST_STAND_IN = datetime.datetime(1900, 1, 1, tzinfo=datetime.UTC)


def compiled_once(build):
    """Decorate a function that returns a values_list() queryset.

    Its positional arguments are values (ids, text, times, or lists of them); its
    keyword arguments shape the query. The decorated function takes the same
    arguments and returns the rows, as tuples.
    """
    prepared = {}

    @functools.wraps(build)
    def rows(*values, **shaping):
        if any(_is_list(value) and len(value) > MAX_LIST_LENGTH for value in values):
            return [tuple(row) for row in build(*values, **shaping)]
        lengths = tuple(len(value) if _is_list(value) else None for value in values)
        shape = (lengths, tuple(sorted(shaping.items())))
        if shape not in prepared:
            prepared[shape] = _Prepared(functools.partial(build, **shaping), values)
        return prepared[shape].run(values)

    return rows


class _Prepared:
    """The SQL of one shape of a query, and where each value goes in its parameters."""

    def __init__(self, build, values):
        counter = itertools.count()
        stand_ins = [_stand_in_like(value, counter) for value in values]
        self.compiler, self.sql, params = _compile(build, stand_ins)
        if self.sql is None:
            return
        columns = [column for column, _, _ in self.compiler.select[: self.compiler.col_count]]
        self.converters = self.compiler.get_converters(columns)
        ops = self.compiler.connection.ops
        flat_stand_ins = [_adapt(ops, value) for value in _flatten(stand_ins)]
        # Each parameter: the index of the value that goes there, or None for a constant.
        self.sources = [_index_in(flat_stand_ins, param) for param in params]
        self.constants = [
            None if source is not None else param
            for source, param in zip(self.sources, params, strict=True)
        ]
        name = build.func.__qualname__
        if set(range(len(flat_stand_ins))) - set(self.sources):
            raise ValueError(f"{name} does not use each of its values as a parameter")
        # A value taken from elsewhere, such as the time, would differ on a second build.
        if _compile(build, stand_ins)[1:] != (self.sql, params):
            raise ValueError(f"{name} takes a value from elsewhere than its arguments")

    def run(self, values):
        if self.sql is None:
            return []
        connection = connections[DEFAULT_DB_ALIAS]
        flat = [_adapt(connection.ops, value) for value in _flatten(values)]
        params = [
            flat[source] if source is not None else constant
            for source, constant in zip(self.sources, self.constants, strict=True)
        ]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            found = cursor.fetchall()
        if not self.converters:
            return found
        return [tuple(row) for row in self.compiler.apply_converters(found, self.converters)]


def _compile(build, values):
    compiler = build(*values).query.get_compiler(using=DEFAULT_DB_ALIAS)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:  # as for `pk__in=[]`: Django knows there are no rows
        sql, params = None, ()
    return compiler, sql, tuple(params)


def _stand_in_like(value, counter):
    """A value of the same type that no row holds and no constant equals."""
    if _is_list(value):
        return [_stand_in_like(item, counter) for item in value]
    number = next(counter)
    if isinstance(value, datetime.datetime):
        return _FIRST_STAND_IN + datetime.timedelta(seconds=number)
    if isinstance(value, int) and not isinstance(value, bool):
        return -(10**15) - number
    if isinstance(value, str):
        return f"\x1fstand-in {number}"
    raise TypeError(f"compiled queries take ids, text and times, not {type(value).__name__}")


def _adapt(ops, value):
    """A value as the database driver gets it in a compiled query's parameters."""
    if isinstance(value, datetime.datetime):
        return ops.adapt_datetimefield_value(value)
    return value


def _index_in(stand_ins, param):
    for index, stand_in in enumerate(stand_ins):
        if type(stand_in) is type(param) and stand_in == param:
            return index
    return None


def _flatten(values):
    for value in values:
        if _is_list(value):
            yield from value
        else:
            yield value


def _is_list(value):
    return isinstance(value, (list, tuple))
