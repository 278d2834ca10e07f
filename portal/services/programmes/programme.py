"""Each format's programme (2.3, 2.7, 5.2, 5.4): written by the curator or the coordinator, read by the
format's participants."""
from datetime import date

from portal.db import atomic_write, lock_row
from portal.models.base import KeptSelect
from portal.formatting import full_stop, ru_date
from portal.models import Acknowledgement, BaseMembership, Meeting, MentoringFormat, Mentorship, Person, Programme
from portal.services import ServiceError, asking, audit
from portal.services.pairing import programme_of
from portal.services.staff import StaffScope
from portal.services.programmes.checks import (
    PRESENTATIONS, PROGRAMME_FIELDS, PROGRAMME_TEXTS, RUNNING_PAIRS, _newest_programmes, _text, last_day,
    parse_date,
)


# --- programmes (2.3, 2.7, 5.2, 5.4) ----------------------------------------------------------------

def programme_of_format(scope: StaffScope, format_id: int) -> tuple[MentoringFormat, Programme | None, int]:
    """The format in reach, its current programme and how many have acknowledged it."""
    fmt = scope.check_format(format_id)
    programme = programme_of(fmt.id)
    acknowledged = Acknowledgement.select().where(Acknowledgement.programme == programme).count() \
        if programme is not None else 0
    return fmt, programme, acknowledged


def programmes_in_scope(scope: StaffScope) -> list[dict]:
    """The formats a staff member reaches, each with its current programme, in two queries."""
    formats = list(scope.formats())
    programmes = _newest_programmes(f.id for f in formats)
    return [{"format": f, "programme": programmes.get(f.id)} for f in formats]


def _checked_programme(data: dict) -> dict:
    values = {name: _text(data.get(name), name, limit, required=required, one_line=name == "title")
              for name, limit, required in PROGRAMME_TEXTS}
    starts = parse_date(data.get("starts_on"), "starts_on", required=True)
    ends = parse_date(data.get("ends_on"), "ends_on", required=True)
    if ends < starts:
        raise ServiceError("Окончание программы раньше её начала.", field="ends_on")
    if ends > last_day(starts):
        raise ServiceError(f"Программа длится не больше 12 месяцев (п. 5.4 Положения): при начале "
                           f"{ru_date(starts)} она заканчивается не позже {full_stop(ru_date(last_day(starts)))}",
                           field="ends_on")
    values.update(starts_on=starts, ends_on=ends)
    for name, where in PRESENTATIONS:
        day = parse_date(data.get(name), name, required=False)
        if day is not None and day > ends:
            raise ServiceError(f"Представить программу на {where} нужно не позже её окончания "
                               f"({ru_date(ends)}).", field=name)
        values[name] = day
    return values


def _check_period(fmt: MentoringFormat, programme: Programme, starts: date, ends: date) -> None:
    """A new period must still hold the pairs already working by it and every meeting logged."""
    shortened = starts > programme.starts_on or ends < programme.ends_on
    if shortened and Mentorship.select().where((Mentorship.mentoring_format == fmt)
                                               & ((Mentorship.programme == programme) | Mentorship.programme.is_null())
                                               & Mentorship.status.in_(RUNNING_PAIRS)).exists():
        raise ServiceError("Срок нельзя сократить: в форме есть действующие пары, и их встречи должны остаться "
                           "в сроке программы.", field="ends_on" if ends < programme.ends_on else "starts_on")
    outside = (Meeting.select(Meeting.held_on).join(Mentorship)
               .where((Mentorship.mentoring_format == fmt)
                      & ((Mentorship.programme == programme) | Mentorship.programme.is_null())
                      & ((Meeting.held_on < starts) | (Meeting.held_on > ends)))
               .order_by(Meeting.held_on).first())
    if outside is not None:
        raise ServiceError(f"Встреча {ru_date(outside.held_on)} оказалась бы вне срока программы: "
                           "срок должен охватывать все записанные встречи.",
                           field="starts_on" if outside.held_on < starts else "ends_on")


def check_order(programme: Programme | None, format_id: int, starts: date, ends: date) -> None:
    """School years follow one another in the order they were written: a programme starts after every earlier
    published one ends, and the one in force ends before the next year's draft starts. So periods never
    overlap, every pair, meeting and answer belongs to one year, and the newest stays the one in force.
    `programme` is None for a draft about to be made."""
    others = Programme.select().where(Programme.mentoring_format == format_id)
    if programme is not None:
        others = others.where(Programme.id != programme.id)
    drafting = programme is None or programme.is_draft
    for other in others:
        if not other.is_draft and starts <= other.ends_on:
            raise ServiceError(f"Программа начинается после окончания предыдущей: та действует "
                               f"по {full_stop(ru_date(other.ends_on))}", field="starts_on")
        if other.is_draft and not drafting and ends >= other.starts_on:
            raise ServiceError(f"Программа заканчивается раньше, чем начинается программа следующего учебного года "
                               f"({ru_date(other.starts_on)}).", field="ends_on")


def save_programme(scope: StaffScope, format_id: int, data: dict, ip: str = "") -> Programme:
    """Write the format's programme: the first one, or changes to the current one (audited field by field)."""
    fmt = scope.check_format(format_id)
    values = _checked_programme(data)
    with atomic_write():
        lock_row(MentoringFormat, fmt.id)  # two first saves at once make one programme
        programme = programme_of(fmt.id)
        if programme is None:
            programme = Programme.create(mentoring_format=fmt, **values)
            audit.record("programme.created", actor=scope.person, obj=programme, school=scope.school_id, ip=ip,
                         format=fmt.id, title=values["title"], starts_on=values["starts_on"],
                         ends_on=values["ends_on"])
            asking.ask_format_acknowledgement(programme)  # those already in the bases read it now
            return programme
        changed = [name for name in PROGRAMME_FIELDS if getattr(programme, name) != values[name]]
        if not changed:
            return programme
        _check_period(fmt, programme, values["starts_on"], values["ends_on"])
        check_order(programme, fmt.id, values["starts_on"], values["ends_on"])
        Programme.update(**values).where(Programme.id == programme.id).execute()
        # Names of the changed fields, and the dates (the texts are the programme's own history).
        audit.record("programme.updated", actor=scope.person, obj=programme, school=scope.school_id, ip=ip,
                     format=fmt.id, changed=changed,
                     **{name: [getattr(programme, name), values[name]] for name in changed
                        if name not in ("title", "goals", "expected_results")})
    return Programme.get_by_id(programme.id)


# Every participant's pages ask these (the choice screen, the home page): their text is kept (models.base.KeptSelect).
_MEMBERSHIPS = KeptSelect(lambda person_id: (
    BaseMembership.select(BaseMembership, MentoringFormat).join(MentoringFormat)
    .where((BaseMembership.person == person_id) & (BaseMembership.status != "left"))
    .order_by(MentoringFormat.id, BaseMembership.base)))
_ACKNOWLEDGED = KeptSelect(lambda person_id, programme_ids: Acknowledgement.select().where(
    (Acknowledgement.person == person_id) & Acknowledgement.programme.in_(programme_ids)))


def for_participant(person: Person) -> list[dict]:
    """Per format the person is in a base of (not left): its programme and the person's «ознакомлен».

    Three queries whatever the number of formats; «acknowledged» means what pairing.has_acknowledged
    means, so the reading page and the pairing refusal agree.
    """
    rows: dict[int, dict] = {}
    for m, fmt in _MEMBERSHIPS.models(person.id):
        row = rows.setdefault(m.mentoring_format_id, {"format": fmt, "bases": [], "programme": None,
                                                      "acknowledged": False, "acknowledged_at": None})
        row["bases"].append(m.base)
    if not rows:
        return []
    for format_id, programme in _newest_programmes(rows).items():
        rows[format_id]["programme"] = programme
    by_programme = {row["programme"].id: row for row in rows.values() if row["programme"] is not None}
    for ack, in _ACKNOWLEDGED.models(person.id, list(by_programme)):
        by_programme[ack.programme_id].update(acknowledged=True, acknowledged_at=ack.acknowledged_at)
    return list(rows.values())
