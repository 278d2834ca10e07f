"""The base model every table shares: one database proxy, snake_case table names."""
from datetime import date, datetime, timezone

from peewee import (
    AutoField, BigIntegerField, CharField, DateField, DateTimeField, Field, FieldAlias, ForeignKeyField, IntegerField,
    Model, ModelAlias, TextField,
)

from portal.db import db


def utcnow() -> datetime:
    """Naive UTC, the same on SQLite and PostgreSQL; pages convert to Moscow time."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False


class ConstantSql:
    """One statement whose text never changes, written once per database instead of rebuilt by the query
    builder on every call: for the few queries every request runs (the session's account, the header's
    unread count), where building the string costs more than running it.

    `build(database)` returns the text with `database.param` as the placeholder (SQLite «?», PostgreSQL
    «%s»); it is called once per database object and kept. The statement still goes through
    `db.execute_sql`, the one door every query takes (the query-count tests see it)."""

    def __init__(self, build):
        self._build = build
        self._kept: tuple[object, str] | None = None  # (database, text)

    def execute(self, params: tuple):
        database = db.obj
        kept = self._kept
        if kept is None or kept[0] is not database:
            kept = self._kept = (database, self._build(database))
        return db.execute_sql(kept[1], params)


def column_list(model, alias: str) -> str:
    """Every column of a model in its field order, qualified by the alias: the select list for `from_row`."""
    return ", ".join(f'{alias}."{field.column_name}"' for field in model._meta.sorted_fields)


def from_row(model, values):
    """A model instance from the values of `column_list(model, …)`, each converted as a select converts it
    (`python_value`: dates parsed, booleans made bool)."""
    fields = model._meta.sorted_fields
    return model(**{field.name: field.python_value(value) for field, value in zip(fields, values)})


class KeptSelect:
    """A select whose shape never changes, only its values: peewee writes its text once per database (and per
    length of each list value), and later calls run the kept text with their own values — for the few
    queries of the busiest pages, where building a multi-model join's text costs ten times running it.

    `build(*values)` returns the peewee select. It is called once per shape with stand-in values (distinct
    numbers or strings of the same types), `.sql()` — peewee's own text and parameters — is kept, and the
    positions of the stand-ins among the parameters are noted; a call puts its values there and runs the
    text through `db.execute_sql` (the door the query-count tests watch). Values are ids (int), strings or
    lists of them (a row stands for its id), which the database takes as they are; anything else the query needs is a constant of
    `build`. Rows are read through the select's own columns (`selected_columns`) and their `python_value`."""

    SHAPES = 64

    def __init__(self, build):
        self._build = build
        self._kept: tuple[object, dict] = (None, {})  # (database, {shape: (text, parameters, slots, columns)})
        self._kept_plans: dict = {}  # id(columns) → (columns, how their rows become instances)

    @staticmethod
    def _stand_in(value, n: int):
        if isinstance(value, str):
            return f"\x00kept-{n}\x00"
        if isinstance(value, int) and not isinstance(value, bool):
            return -7_300_000_000 - n
        raise TypeError(f"KeptSelect: an id or a string, not {type(value).__name__}")

    def _prepare(self, values):
        database, shapes = self._kept
        if database is not db.obj:  # another database (a test's, or after init_app): another text
            database, shapes = self._kept = (db.obj, {})
        shape = tuple((type(v), len(v)) if isinstance(v, (list, tuple)) else type(v) for v in values)
        kept = shapes.get(shape)
        if kept is None:
            stand_ins, where, n = [], {}, 0
            for i, value in enumerate(values):
                if isinstance(value, (list, tuple)):
                    stand_ins.append([self._stand_in(v, n + j) for j, v in enumerate(value)])
                    for j, marker in enumerate(stand_ins[-1]):
                        where[marker] = (i, j)
                    n += len(value)
                else:
                    stand_ins.append(self._stand_in(value, n))
                    where[stand_ins[-1]] = (i, None)
                    n += 1
            query = self._build(*stand_ins)
            text, params = query.sql()
            slots = [(position, where[param]) for position, param in enumerate(params)
                     if isinstance(param, (int, str)) and param in where]
            if len(slots) != n:
                raise ValueError("KeptSelect: every value must reach the query text exactly once")
            kept = (text, tuple(params), slots, self._columns(query))
            if len(shapes) < self.SHAPES:  # a list's every length is a shape: keep the common ones
                shapes[shape] = kept
        return kept

    @staticmethod
    def _columns(query):
        """Per selected column: (the model it belongs to or None, its field name or alias, its converter)."""
        columns = []
        for column in query.selected_columns:
            if isinstance(column, Field):
                source = column.source if isinstance(column, FieldAlias) else column.model  # alias: its own
                columns.append((source, column.name, _converter(column)))
            else:  # an aliased expression: a value laid on the row's first model
                node = getattr(column, "node", None)
                convert = node.python_value if isinstance(node, Field) else None
                columns.append((None, getattr(column, "name", None), convert))
        return columns

    def _execute(self, values):
        # A row stands for its id, as in a peewee expression (`mentees_of(pair)` or `mentees_of(pair.id)`).
        values = tuple([_id_of(v) for v in value] if isinstance(value, (list, tuple)) else _id_of(value)
                       for value in values)
        text, params, slots, columns = self._prepare(values)
        params = list(params)
        for position, (i, j) in slots:
            params[position] = values[i] if j is None else values[i][j]
        return db.execute_sql(text, params), columns

    def tuples(self, *values) -> list[tuple]:
        cursor, columns = self._execute(values)
        converting = [(i, convert) for i, (_, _, convert) in enumerate(columns) if convert is not None]
        rows = [tuple(row) for row in cursor.fetchall()]
        if not converting:
            return rows
        result = []
        for row in rows:
            values = list(row)
            for i, convert in converting:
                if values[i] is not None:
                    values[i] = convert(values[i])
            result.append(tuple(values))
        return result

    def models(self, *values) -> list[list]:
        """Each row as its models' instances, in the order the select names them (a model whose columns are
        all NULL, an outer join that found nothing, is None); aliased expressions land on the first one."""
        cursor, columns = self._execute(values)
        plans, extras = self._plans(columns)
        result = []
        new = object.__new__
        for row in cursor.fetchall():
            instances = []
            for model, plain, converted, key, indexes in plans:
                if row[key] is None if key is not None else all(row[i] is None for i in indexes):
                    instances.append(None)
                    continue
                # As peewee's own reading leaves an instance (`Model(__no_default__=True, **values)`: the columns
                # read, no defaults for the others, each read column marked changed), without a descriptor
                # call per column: a journal reads ≈60 instances of up to 15 columns.
                data = {name: row[i] for name, i in plain}
                for name, convert, i in converted:
                    data[name] = None if row[i] is None else convert(row[i])
                instance = new(model)
                instance.__data__, instance._dirty, instance.__rel__ = data, set(data), {}
                instances.append(instance)
            for i in extras:
                name, convert = columns[i][1], columns[i][2]
                if name:
                    setattr(instances[0], name,
                            row[i] if row[i] is None or convert is None else convert(row[i]))
            result.append(instances)
        return result

    def _plans(self, columns):
        """How a row of these columns becomes instances, worked out once per kept text: per model, the columns
        read as they are, those converted, and the primary key's position when it is read (NULL there is an
        outer join that found nothing, as all of them NULL would be)."""
        kept = self._kept_plans.get(id(columns))
        if kept is not None and kept[0] is columns:
            return kept[1]
        groups: list[tuple[object, list[int]]] = []
        extras = []
        for index, (source, _, _) in enumerate(columns):
            if source is None:
                extras.append(index)
            elif groups and groups[-1][0] is source:
                groups[-1][1].append(index)
            else:
                groups.append((source, [index]))
        plans = []
        for source, indexes in groups:
            model = source.model if isinstance(source, ModelAlias) else source
            primary = model._meta.primary_key
            key = next((i for i in indexes if primary is not False and columns[i][1] == primary.name), None)
            plans.append((model, [(columns[i][1], i) for i in indexes if columns[i][2] is None],
                          [(columns[i][1], columns[i][2], i) for i in indexes if columns[i][2] is not None],
                          key, indexes))
        if len(self._kept_plans) >= 2 * self.SHAPES:  # shapes past the kept ones bring new columns each call
            self._kept_plans.clear()
        self._kept_plans[id(columns)] = (columns, (plans, extras))
        return plans, extras


# Columns the database driver already hands over as peewee would read them (an int, a str: `python_value`
# would only call int() or str() on it): no conversion per value. Exact types only — a subclass may convert.
_AS_READ = (AutoField, IntegerField, BigIntegerField, CharField, TextField)


def _converter(field):
    target = field.field if isinstance(field, FieldAlias) else field
    while isinstance(target, ForeignKeyField):
        target = target.rel_field
    if type(target) in _AS_READ:
        return None
    iso = _ISO.get(type(target))
    return iso(field.python_value) if iso else field.python_value


def _iso_datetime(python_value):
    """A DateTimeField's reading: SQLite keeps «2026-03-05 10:11:12[.123456]», which `fromisoformat` reads
    ≈5 times faster than peewee's `strptime` loop (a journal reads ≈80); anything else goes to peewee."""
    def convert(value):
        if type(value) is str and len(value) in (19, 26) and value[10] == " " and value[4] == "-":
            try:
                return datetime.fromisoformat(value)
            except ValueError:
                pass
        return python_value(value)
    return convert


def _iso_date(python_value):
    """A DateField's reading, likewise: «2026-03-05»."""
    def convert(value):
        if type(value) is str and len(value) == 10 and value[4] == "-" and value[7] == "-":
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        return python_value(value)
    return convert


_ISO = {DateTimeField: _iso_datetime, DateField: _iso_date}


def _id_of(value):
    return value.get_id() if isinstance(value, Model) else value
