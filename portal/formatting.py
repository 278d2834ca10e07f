"""Russian put together right, as Jinja filters: dates and plurals («24 ноября 2026 г.», «3 пары»), names
in the case a preposition asks for («пара с Ивановым Петром Сергеевичем»), words that agree with a
person's sex («обучающаяся», «согласна»), a full stop that is not doubled after «г.», nested quotes.

    {{ person|name("instrumental") }}     Ивановым Петром Сергеевичем
    {{ person|short_name("dative") }}     Иванову П. С.
    {{ person|by_sex("подтвердил", "подтвердила") }}
    {{ person|role("обучающийся") }}      обучающаяся, for a girl
    {{ person|agree("согласен(на)") }}    согласна, for a woman; every «(а)»-style hedge resolved
    {{ day|ru_date|full_stop }}           6 декабря 2026 г.   (never «г..» at a sentence's end)
    {{ title|quoted }}                    «Программа наставничества „Учитель – ученик“»
"""
import re
from datetime import date, datetime, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime

from portal import names

LOCALE = "ru_RU"
SCHOOL_TZ = ZoneInfo("Europe/Moscow")


def ru_date(value: date | datetime | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = _local(value).date()
    return _day(value)


# Babel spends ≈70 µs on one date (the pattern and the locale's month names looked up each time), and a
# page writes a date per row: each day is formatted once per process and kept (a few thousand days at most).
@lru_cache(maxsize=4096)
def _day(value: date) -> str:
    return format_date(value, "d MMMM y 'г.'", locale=LOCALE)


def ru_short_date(value: date | datetime | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return _short_moment(value)
    return _short_day(value)


@lru_cache(maxsize=4096)
def _short_moment(value: datetime) -> str:
    """A moment's short date in Moscow time, kept like `_short_day`: a journal writes one per verdict, and the
    time-zone conversion costs more than the lookup."""
    return _short_day(_local(value).date())


@lru_cache(maxsize=4096)
def _short_day(value: date) -> str:
    """«05.03.2026», kept like `_day`: a table writes one per row (strftime ≈4 µs each)."""
    return value.strftime("%d.%m.%Y")


def ru_datetime(value: datetime | None) -> str:
    if value is None:
        return "—"
    local = _local(value)
    return f"{_day(local.date())}, {local:%H:%M}"


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


def name(person, case: str = "nominative") -> str:
    """The full name in a case: «пара с {{ p|name("instrumental") }}». A person whose data were destroyed
    is only a label («Наставляемый № 12»), which is shown as it is."""
    if person is None:
        return "—"
    if getattr(person, "destroyed_at", None):
        return person.full_name
    return names.full_name(person, case)


def short_name(person, case: str = "nominative") -> str:
    """«Иванов П. С.», the surname in a case: «с {{ p|short_name("instrumental") }}» — «с Ивановым П. С.»."""
    if person is None:
        return "—"
    if getattr(person, "destroyed_at", None):
        return person.full_name
    return names.short_name(person, case)


# Words for people whose feminine form differs; nouns of office (наставник, куратор, координатор,
# сотрудник) are used for both sexes in school documents and stay as they are.
FEMININE = {
    "обучающийся": "обучающаяся",
    "учащийся": "учащаяся",
    "наставляемый": "наставляемая",
    "внешний участник": "внешняя участница",
    "ученик": "ученица",
    "выбывший": "выбывшая",
}


def role(person, word: str) -> str:
    """A role or kind word that agrees with the person: `{{ p|role(kind_titles[p.kind]) }}` — «обучающаяся»."""
    if person is None or getattr(person, "sex", None) != "f":
        return word
    return FEMININE.get(word, word)


_HEDGE_RE = re.compile(r"([А-Яа-яЁё]+)\(([а-яё]+)\)")


def _feminine(word: str, ending: str) -> str:
    """«согласен» + «на» → «согласна», «доволен» + «льна» → «довольна», «включён» + «а» → «включена»,
    «внёс» + «ла» → «внесла», «Он» + «а» → «Она»."""
    cut = word.rfind(ending[0]) if len(ending) > 1 else -1
    if cut > 0:
        stem = word[:cut]
        if stem[-1] in "её" and len(ending) == 2:  # the fleeting vowel of «согласен»
            stem = stem[:-1]
    else:
        stem = word
    # The stress moves to the ending: «удовлетворён» → «удовлетворена», «внёс» → «внесла».
    last = stem.rfind("ё")
    if last >= 0:
        stem = stem[:last] + "е" + stem[last + 1:]
    return stem + ending


# Short adjectives written in the masculine alone, as the answer scales are («скорее согласен»): a woman
# answering reads them in the feminine.
SHORT_FEMININE = {"согласен": "согласна", "уверен": "уверена", "доволен": "довольна", "удовлетворён": "удовлетворена"}
_SHORT_RE = re.compile(r"(?<![А-Яа-яЁё])(" + "|".join(SHORT_FEMININE) + r")(?![А-Яа-яЁё(])")
# «Он(а) выполняет…» speaks of the other person in the pair, not of the one answering.
_PRONOUN_RE = re.compile(r"(?<![А-Яа-яЁё])([Оо]н)\(а\)")


def _resolve(sex: str, text: str) -> str:
    if sex == "m":
        return _HEDGE_RE.sub(lambda m: m.group(1), text)
    return _HEDGE_RE.sub(lambda m: _feminine(m.group(1), m.group(2)), text)


def agree(person, text: str, about=None) -> str:
    """`text` in the person's gender: every hedge like «согласен(на)», «подтвердил(а)», «сам(а)» resolved,
    and for a woman the masculine «согласен» of a scale made «согласна». «Он(а)» follows `about`, the
    person the sentence speaks of. Left as written when nobody in particular is meant (no person, no sex)."""
    if not text:
        return text
    about_sex = getattr(about, "sex", None)
    if about_sex in ("m", "f"):
        text = _PRONOUN_RE.sub(lambda m: m.group(1) + ("а" if about_sex == "f" else ""), text)
    sex = getattr(person, "sex", None)
    if sex not in ("m", "f"):
        return text
    text = _resolve(sex, text)
    return _SHORT_RE.sub(lambda m: SHORT_FEMININE[m.group(1)], text) if sex == "f" else text


def acted_for(parent, child=None, named: bool = True, start: bool = False) -> str:
    """Who acted, when a parent acted for a minor (s8): «родитель (Иванова О. Н.) за ученика Петрова И. С.»,
    «… за ученицу» when the child's name goes without saying (`named=False`), «… за ребёнка» when unknown;
    `start`: «Родитель …» opening a sentence (`capitalize` would lower the names)."""
    words = f"{'Р' if start else 'р'}одитель ({short_name(parent)})"
    if child is None:
        return f"{words} за ребёнка"
    pupil = by_sex(child, "ученика", "ученицу")
    return f"{words} за {pupil} {short_name(child, 'accusative')}" if named else f"{words} за {pupil}"


def full_stop(text: str) -> str:
    """End a sentence once: `{{ day|ru_date|full_stop }}` gives «6 декабря 2026 г.», never «г..»."""
    text = str(text).rstrip()
    return text if text.endswith((".", "!", "?", "…")) else text + "."


def quoted(text: str) -> str:
    """«…» around a title, any quotes inside it turned into „…“: «Программа наставничества „Учитель – ученик“»."""
    text = str(text or "").strip()
    if len(text) >= 2 and text[0] == "«" and text[-1] == "»" and text.count("«") == 1:
        text = text[1:-1]
    return "«" + text.replace("«", "„").replace("»", "“") + "»"


def lines(text: str | None) -> list[str]:
    """The text's non-blank lines, each a paragraph: `{% for line in m.notes|lines %}<p>{{ line }}</p>{% endfor %}`;
    empty when the text is blank (a filter, not `.splitlines()` and `.strip()` called per line from a template)."""
    return [line for line in (text or "").splitlines() if line.strip()]


def with_id(pattern, row_id: int) -> str:
    """A row's link from a `web.UrlPattern` built once for the list: `{{ correct_url|with_id(m.id) }}` (a filter
    is a plain call where `correct_url(m.id)` goes through Jinja's context call)."""
    return pattern(row_id)


# The one set of filters, for the app's templates and the documents' own environment alike.
FILTERS = dict(ru_date=ru_date, ru_short_date=ru_short_date, ru_datetime=ru_datetime, by_sex=by_sex, name=name,
               short_name=short_name, role=role, agree=agree, full_stop=full_stop, quoted=quoted,
               acted_for=acted_for, lines=lines, with_id=with_id)


def init_app(app):
    app.jinja_env.filters.update(FILTERS)
    app.jinja_env.globals.update(plural=plural)
