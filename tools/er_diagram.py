#!/usr/bin/env python3
"""Print a Mermaid `erDiagram` of every table in portal.models.MODELS, read from the models.

    .venv/bin/python tools/er_diagram.py          # key fields: what docs/data-model.md shows
    .venv/bin/python tools/er_diagram.py --all    # every column
    .venv/bin/python tools/er_diagram.py --check  # exit 1 when docs/data-model.md is stale

Entities are tables, attributes are columns (`type column PK/FK/UK "note"`), and every foreign key
is one relationship labelled with its field name:
  - parent end `||` when the column is NOT NULL, `|o` when it may be empty;
  - child end `o|` when the column is unique (at most one child), `o{` otherwise;
  - a solid line `--` when deleting the parent deletes the child (ON DELETE CASCADE, the child is
    part of the parent's aggregate), a dotted line `..` otherwise (RESTRICT or SET NULL).
A key field is the primary key, a foreign key, a unique or indexed column, a column of a composite
index, a column with a closed list of values (its codes are the note), or a column a row cannot be
created without (NOT NULL and no default).
"""
import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from peewee import (  # noqa: E402
    AutoField, BooleanField, CharField, DateField, DateTimeField, ForeignKeyField, IntegerField,
    TextField,
)

from portal.models import MODELS  # noqa: E402

TYPES = (  # most specific first: AutoField is an IntegerField
    (AutoField, "int"), (ForeignKeyField, "int"), (BooleanField, "bool"), (IntegerField, "int"),
    (DateTimeField, "datetime"), (DateField, "date"), (CharField, "varchar"), (TextField, "text"),
)


def column_type(field) -> str:
    for cls, name in TYPES:
        if isinstance(field, cls):
            return name
    return field.field_type.lower()


def composite_indexes(model):
    """[(column names, unique)] of the model's Meta.indexes."""
    meta = model._meta
    return [([meta.combined[part].column_name for part in parts], unique) for parts, unique in meta.indexes]


def is_key(field, in_composite: set) -> bool:
    required = not field.null and field.default is None
    return bool(field.primary_key or isinstance(field, ForeignKeyField) or field.unique or field.index
                or field.column_name in in_composite or field.choices or required)


def notes(field, composites) -> str:
    parts = []
    if isinstance(field, CharField) and not isinstance(field, ForeignKeyField):
        parts.append(f"max {field.max_length}")
    if field.null:
        parts.append("null")
    if isinstance(field, ForeignKeyField):
        parts.append(f"on delete {field.on_delete or 'NO ACTION'}")
    if field.index and not (field.unique or field.primary_key or isinstance(field, ForeignKeyField)):
        parts.append("indexed")  # peewee indexes every foreign key; saying so on each is noise
    for columns, unique in composites:
        if field.column_name in columns and len(columns) > 1:
            parts.append(f"{'unique' if unique else 'index'}({', '.join(columns)})")
    if field.choices:
        parts.append(" / ".join(code for code, _ in field.choices))
    return "; ".join(parts)


def entity(model, all_columns: bool) -> list[str]:
    meta = model._meta
    composites = composite_indexes(model)
    in_composite = {c for columns, _ in composites for c in columns}
    lines = [f"    {meta.table_name} {{"]
    for field in meta.sorted_fields:
        if not (all_columns or is_key(field, in_composite)):
            continue
        keys = [k for k, on in (("PK", field.primary_key), ("FK", isinstance(field, ForeignKeyField)),
                                ("UK", field.unique)) if on]
        note = notes(field, composites)
        line = f"        {column_type(field)} {field.column_name}"
        if keys:
            line += " " + ", ".join(keys)
        if note:
            line += f' "{note}"'
        lines.append(line)
    lines.append("    }")
    return lines


def relationship(model, field) -> str:
    parent = field.rel_model._meta.table_name
    child = model._meta.table_name
    parent_end = "|o" if field.null else "||"
    child_end = "o|" if field.unique else "o{"
    line = "--" if (field.on_delete or "").upper() == "CASCADE" else ".."
    return f"    {parent} {parent_end}{line}{child_end} {child} : {field.name}"


def diagram(models=MODELS, all_columns: bool = False) -> str:
    out = ["erDiagram"]
    for model in models:
        for field in model._meta.sorted_fields:
            if isinstance(field, ForeignKeyField):
                out.append(relationship(model, field))
    for model in models:
        out.extend(entity(model, all_columns))
    return "\n".join(out)


DOC = ROOT / "docs" / "data-model.md"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all", action="store_true", help="every column, not only the key fields")
    parser.add_argument("--check", action="store_true",
                        help=f"exit 1 when {DOC.relative_to(ROOT)} does not hold the current diagram")
    args = parser.parse_args(argv)
    text = diagram(all_columns=args.all)
    if args.check:
        if f"```mermaid\n{text}\n```" in DOC.read_text(encoding="utf-8"):
            return 0
        print(f"{DOC.relative_to(ROOT)}: the diagram is stale; paste the output of tools/er_diagram.py",
              file=sys.stderr)
        return 1
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
