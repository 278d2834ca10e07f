"""Numbers a browser sends (row ids, a page number) read once, the way the URL converter reads them.

`/staff/people/99999999999999999999` is «not found» because the `int` converter (portal.RowId) accepts
1..MAX_ID only; a number beyond a database integer in a query string or a form would otherwise reach
SQLite as an OverflowError (a 500). Everything here treats such a value as not given: a query-string
filter is ignored, a form field gets its own Russian message from the view or service.
"""
import re

MAX_ID = 2**31 - 1          # the URL converter's bound, and PostgreSQL's integer
_DIGITS = re.compile(r"\d{1,10}", re.ASCII)


def parse_id(value) -> int | None:
    """A positive id no larger than MAX_ID, or None for anything else (blank, words, signs, huge numbers)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip() if value is not None else ""
        if not _DIGITS.fullmatch(text):
            return None
        number = int(text)
    return number if 0 < number <= MAX_ID else None


def id_arg(value: str) -> int:
    """For `request.args.get(name, type=id_arg)`: a value out of range raises ValueError, so the
    argument counts as missing (the default) — the same as the URL converter's 404, for a filter."""
    number = parse_id(value)
    if number is None:
        raise ValueError(value)
    return number
