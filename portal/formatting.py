"""Dates and plurals the Russian way («24 ноября 2026 г.», «3 пары»), as Jinja filters."""
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime

LOCALE = "ru_RU"
SCHOOL_TZ = ZoneInfo("Europe/Moscow")


def ru_date(value: date | datetime | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = _local(value).date()
    return format_date(value, "d MMMM y 'г.'", locale=LOCALE)


def ru_short_date(value: date | datetime | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = _local(value).date()
    return value.strftime("%d.%m.%Y")


def ru_datetime(value: datetime | None) -> str:
    if value is None:
        return "—"
    return format_datetime(_local(value), "d MMMM y 'г.', HH:mm", locale=LOCALE)


def _local(value: datetime) -> datetime:
    """Stored datetimes are naive UTC; people read Moscow time."""
    return value.replace(tzinfo=timezone.utc).astimezone(SCHOOL_TZ)


def plural(n: int, one: str, few: str, many: str) -> str:
    """«1 пара», «2 пары», «5 пар»."""
    n10, n100 = n % 10, n % 100
    if n10 == 1 and n100 != 11:
        word = one
    elif 2 <= n10 <= 4 and not 12 <= n100 <= 14:
        word = few
    else:
        word = many
    return f"{n} {word}"


def by_sex(person, male: str, female: str) -> str:
    """The word that agrees with a person's sex: `{{ mentor|by_sex("подтвердил", "подтвердила") }}`,
    `{{ mentor|by_sex("его", "её") }}`."""
    return female if person.sex == "f" else male


def init_app(app):
    app.jinja_env.filters.update(ru_date=ru_date, ru_short_date=ru_short_date, ru_datetime=ru_datetime, by_sex=by_sex)
    app.jinja_env.globals.update(plural=plural)
