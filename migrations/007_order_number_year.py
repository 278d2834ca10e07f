"""Order numbers are unique per school and calendar year («N-од», DECISIONS.md "What a signed document is").

Before this migration the database held (school, number, date) unique, so «52-од» of 15.09 could be
registered again dated 01.12 of the same year. Each order now stores its number as compared
(`number_key`: no «№», no spaces, one case, one kind of dash, Cyrillic look-alikes) and the year of its
date (`number_year`), and (school, number_year, number_key) is unique in place of the old index.

Both columns are nullable and added in place (no table rebuild: order_item rows point at orders with
ON DELETE CASCADE, and a rebuild on SQLite would drop the table under them). Drafts have no number,
so they hold NULLs, which a unique index never compares.

Existing rows: the keys are computed here with a frozen copy of `order_number_key` (the rules as they
were when this migration was written, so replaying it later gives the same result). A real school may
already hold the same number twice in one year — the old rule allowed it. A registered order is the
record of what the director signed and is never changed, so neither row is renumbered or deleted:
the first of them (earliest date, then the earliest created) holds the key, and the later ones keep
their number and date as signed with `number_key` NULL, outside the index. The number stays taken for
the year, since the first row holds it; the rows left out are listed in the migration's log.
"""
import logging
import re

import peewee as pw
from peewee_migrate import Migrator

log = logging.getLogger("peewee_migrate")

_NUMBER_SIGN = re.compile(r"^(№|N|No\.?)\s*", re.IGNORECASE)
_NUMBER_FOLD = str.maketrans({"‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "−": "-", "ё": "е",
                              **dict(zip("aceopxykmhtb", "асеорхукмнтв"))})


def number_key(number):
    """Frozen copy of portal.models.mentorship.order_number_key as of this migration."""
    text = _NUMBER_SIGN.sub("", " ".join((number or "").split()))
    key = "".join(text.split()).casefold().translate(_NUMBER_FOLD)
    return key or None


def _year(dated_on):
    if dated_on is None:
        return None
    return dated_on.year if hasattr(dated_on, "year") else int(str(dated_on)[:4])


def fill_keys(database):
    order = pw.Table("order", ("id", "school_id", "number", "dated_on", "number_key", "number_year")).bind(database)
    rows = (order.select(order.id, order.school_id, order.number, order.dated_on)
            .where(order.number.is_null(False)).order_by(order.school_id, order.dated_on, order.id).tuples())
    taken = {}
    for order_id, school_id, number, dated_on in list(rows):
        key, year = number_key(number), _year(dated_on)
        if key is not None and year is not None:
            first = taken.setdefault((school_id, year, key), order_id)
            if first != order_id:
                log.warning("order #%s: number %r was already registered in %s (order #%s); kept as signed, "
                            "outside the per-year uniqueness", order_id, number, year, first)
                key = None
        order.update(number_key=key, number_year=year).where(order.id == order_id).execute()


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_fields("order", number_key=pw.CharField(max_length=200, null=True),
                        number_year=pw.IntegerField(null=True))
    migrator.run(fill_keys, database)
    migrator.drop_index("order", "school", "number", "dated_on")
    migrator.add_index("order", "school", "number_year", "number_key", unique=True)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    # Every pair of rows the new index allowed differs in number or date, so the old index holds again.
    migrator.drop_index("order", "school", "number_year", "number_key")
    migrator.add_index("order", "school", "number", "dated_on", unique=True)
    migrator.remove_fields("order", "number_key", "number_year")
