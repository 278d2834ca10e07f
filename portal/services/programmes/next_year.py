"""The next school year of a format (5.4, 5.2, 4.12; DECISIONS.md "The school year").

A programme runs for one period of at most twelve months, so a format lives a second year through a second
programme: «новый учебный год» copies the programme in force as a draft with new dates. The draft is the
staff's to edit and present (5.2) — participants neither see it nor pair under it — until it is published;
then it is the format's programme in force, and everyone in the bases is asked to acknowledge it again
(4.12). Periods follow one another without overlapping, so every pair, meeting and answer belongs to
exactly one year. Earlier programmes stay readable and are never edited again.
"""
from datetime import date, timedelta

from portal.db import atomic_write, lock_row
from portal.formatting import full_stop, ru_date
from portal.models import MentoringFormat, Mentorship, Programme
from portal.models.base import utcnow
from portal.services import NotAllowed, ServiceError, asking, audit
from portal.services.orders.reading import period_over
from portal.services.programmes.checks import PROGRAMME_FIELDS, last_day, parse_date
from portal.services.programmes.programme import _checked_programme, check_order
from portal.services.staff import StaffScope

COPIED = ("title", "goals", "expected_results")  # the presentations (5.2) are made anew each year


def history(format_id: int) -> list[Programme]:
    """The format's programmes, newest first: the draft (if any), the one in force, then the past years."""
    return list(Programme.select().where(Programme.mentoring_format == format_id)
                .order_by(Programme.starts_on.desc(), Programme.id.desc()))


def programme_in_scope(scope: StaffScope, programme_id: int) -> tuple[MentoringFormat, Programme]:
    programme = Programme.get_or_none(Programme.id == programme_id)
    if programme is None or programme.mentoring_format_id not in scope.format_ids:
        raise NotAllowed("Нет такой программы.")
    return scope.check_format(programme.mentoring_format_id), programme


def draft_of(format_id: int) -> Programme | None:
    return Programme.get_or_none((Programme.mentoring_format == format_id) & Programme.published_at.is_null())


def editable(programme: Programme) -> bool:
    """A draft, or the programme in force; a past year is read-only."""
    return programme.is_draft or (Programme.current(programme.mentoring_format_id) or programme).id == programme.id


ENDING_SOON_DAYS = 120  # a school term: when the next year's programme is usually written


def year_ending(current: Programme, today: date | None = None) -> bool:
    """The year in force ends within a term, or has ended: the page offers the next one open, not folded."""
    return (current.ends_on - (today or date.today())).days <= ENDING_SOON_DAYS


def suggested_dates(current: Programme) -> tuple[date, date]:
    """The day after the year in force ends, and twelve months from then: what the form offers first."""
    starts = current.ends_on + timedelta(days=1)
    return starts, last_day(starts)


def start_next_year(scope: StaffScope, format_id: int, data: dict, ip: str = "") -> Programme:
    """Copy the programme in force as a draft for the dates given (checked like any programme's)."""
    fmt = scope.check_format(format_id)
    starts = parse_date(data.get("starts_on"), "starts_on", required=True)
    ends = parse_date(data.get("ends_on"), "ends_on", required=True)
    with atomic_write():
        lock_row(MentoringFormat, fmt.id)  # two «новый учебный год» at once make one draft
        current = Programme.current(fmt.id)
        if current is None:
            raise ServiceError("Сначала составьте программу формы: новый год начинается с её копии.")
        if draft_of(fmt.id) is not None:
            raise ServiceError("Черновик программы следующего года уже есть: откройте его.")
        values = _checked_programme({**{name: getattr(current, name) for name in COPIED},
                                     "starts_on": starts.isoformat(), "ends_on": ends.isoformat()})
        check_order(None, fmt.id, starts, ends)
        draft = Programme.create(mentoring_format=fmt, published_at=None, **values)
        audit.record("programme.next_year", actor=scope.person, obj=draft, school=scope.school_id, ip=ip,
                     format=fmt.id, copied_from=current.id, starts_on=starts, ends_on=ends)
    return draft


def save_draft(scope: StaffScope, programme_id: int, data: dict, ip: str = "") -> Programme:
    """Edit the next year's draft; its period still follows the year in force."""
    fmt, programme = programme_in_scope(scope, programme_id)
    if not programme.is_draft:
        raise ServiceError("Программа уже опубликована: её изменяют на странице программы формы.")
    values = _checked_programme(data)
    changed = [name for name in PROGRAMME_FIELDS if getattr(programme, name) != values[name]]
    if not changed:
        return programme
    with atomic_write():
        lock_row(MentoringFormat, fmt.id)
        check_order(programme, fmt.id, values["starts_on"], values["ends_on"])
        updated = (Programme.update(**values)
                   .where((Programme.id == programme.id) & Programme.published_at.is_null()).execute())
        if not updated:
            raise ServiceError("Черновик только что опубликовали. Обновите страницу.")
        audit.record("programme.updated", actor=scope.person, obj=programme, school=scope.school_id, ip=ip,
                     format=fmt.id, changed=changed, draft=True)
    return Programme.get_by_id(programme.id)


def publishable_from(programme: Programme, today: date | None = None) -> date | None:
    """None when the draft may be published now; else the first day it may: the day after the programme in
    force ends. Publishing makes it the one in force, and a running year is not cut short (5.4)."""
    current = Programme.current(programme.mentoring_format_id)
    if current is None or period_over(current, today):
        return None
    return current.ends_on + timedelta(days=1)


def publish(scope: StaffScope, programme_id: int, ip: str = "", today: date | None = None) -> Programme:
    """The draft becomes the format's programme in force; the bases are asked to acknowledge it (4.12)."""
    fmt, programme = programme_in_scope(scope, programme_id)
    with atomic_write():
        lock_row(MentoringFormat, fmt.id)
        programme = Programme.get_by_id(programme.id)
        if not programme.is_draft:
            raise ServiceError("Эта программа уже опубликована.")
        waits = publishable_from(programme, today)
        if waits is not None:
            raise ServiceError(f"Текущая программа ещё действует: программу нового учебного года можно "
                               f"опубликовать с {full_stop(ru_date(waits))}")
        check_order(programme, fmt.id, programme.starts_on, programme.ends_on)
        published = (Programme.update(published_at=utcnow())
                     .where((Programme.id == programme.id) & Programme.published_at.is_null()).execute())
        if not published:
            raise ServiceError("Эта программа уже опубликована.")
        programme = Programme.get_by_id(programme.id)
        audit.record("programme.published", actor=scope.person, obj=programme, school=scope.school_id, ip=ip,
                     format=fmt.id, starts_on=programme.starts_on, ends_on=programme.ends_on)
        asking.ask_format_acknowledgement(programme)
    return programme


def discard_draft(scope: StaffScope, programme_id: int, ip: str = "") -> None:
    """A draft nobody needs: gone, as if «новый учебный год» had not been pressed (nothing refers to it yet)."""
    fmt, programme = programme_in_scope(scope, programme_id)
    with atomic_write():
        if Mentorship.select().where(Mentorship.programme == programme.id).exists():
            raise ServiceError("По этой программе уже есть пары: удалить её нельзя.")
        deleted = (Programme.delete()
                   .where((Programme.id == programme.id) & Programme.published_at.is_null()).execute())
        if not deleted:
            raise ServiceError("Эта программа уже опубликована: удалить её нельзя.")
        audit.record("programme.draft_discarded", actor=scope.person, obj=programme, school=scope.school_id,
                     ip=ip, format=fmt.id)
