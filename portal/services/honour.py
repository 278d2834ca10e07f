"""The honour board «Лучшие наставники» (s9): its entries, kept by the coordinator.

Competitions feed it later through `add_entry` (a winner of «Наставник года» becomes an entry). The board
shows an entry only while its person's consent to dissemination names their achievements
(services.public_pages), so an entry may be recorded before the consent is signed."""
from datetime import date

from portal.db import atomic_write
from portal.models import Account, BaseMembership, HonourEntry, Person, RoleGrant
from portal.services import NotAllowed, ServiceError, audit, uploads
from portal.services.public_pages import PHOTO_KINDS, clean_text, consented, new_token

MAX_TITLE = 200
MAX_TEXT = 1000
FIRST_YEAR = 2000


def _is_coordinator(person: Person) -> bool:
    return (RoleGrant.select().join(Account)
            .where((Account.person == person) & (RoleGrant.role == "coordinator")
                   & (Account.is_active == True)).exists())  # noqa: E712


def _require_coordinator(actor: Person) -> None:
    if actor is None or not _is_coordinator(actor):
        raise NotAllowed("Доску почёта ведёт координатор.")


def add_entry(actor: Person, person, title: str, year: int, text: str = "", *, photo_name: str = "",
              photo_data: bytes | None = None, ip: str = "") -> HonourEntry:
    """A line of the honour board: who, which year, which title. The coordinator's (and, through it, the
    competitions'); the person must be of the actor's school."""
    _require_coordinator(actor)
    person_id = getattr(person, "id", person)
    subject = Person.get_or_none((Person.id == person_id) & (Person.school == actor.school_id)
                                 & Person.destroyed_at.is_null()) if isinstance(person_id, int) else None
    if subject is None:
        raise ServiceError("Выберите человека из списка.", field="person")
    title = clean_text(title, "title", MAX_TITLE, "Укажите звание или награду, например «Наставник года».")
    text = clean_text(text, "text", MAX_TEXT)
    if not isinstance(year, int) or not FIRST_YEAR <= year <= date.today().year + 1:
        raise ServiceError(f"Год — от {FIRST_YEAR} до {date.today().year + 1}.", field="year")
    with atomic_write():
        entry = HonourEntry(school=actor.school_id, person=subject, year=year, title=title, text=text,
                            added_by=actor)
        if photo_data:
            entry.photo = uploads.store(actor.school_id, actor, photo_name, photo_data, allowed=PHOTO_KINDS,
                                        field="photo", ip=ip, purpose="honour board photo")
            entry.photo_token = new_token()
        entry.save()
        audit.record("honour.added", actor=actor, obj=entry, ip=ip, person=subject.id, year=year, title=title)
    return entry


def remove_entry(actor: Person, entry_id, ip: str = "") -> None:
    _require_coordinator(actor)
    entry = HonourEntry.get_or_none((HonourEntry.id == entry_id) & (HonourEntry.school == actor.school_id))
    if entry is None:
        raise NotAllowed("Нет такой записи.")
    with atomic_write():
        audit.record("honour.removed", actor=actor, obj=entry, ip=ip, person=entry.person_id, year=entry.year)
        entry.delete_instance()


def entries(actor: Person) -> list[dict]:
    """The coordinator's list: every entry, and whether the board shows it (the consent names achievements).
    Two queries."""
    _require_coordinator(actor)
    shown = consented(actor.school_id)
    rows = (HonourEntry.select(HonourEntry, Person).join(Person, on=HonourEntry.person)
            .where(HonourEntry.school == actor.school_id).order_by(HonourEntry.year.desc(), HonourEntry.id))
    return [{"entry": e, "person": e.person,
             "shown": e.person_id in shown and "achievements" in shown[e.person_id][1]} for e in rows]


def people_to_choose(actor: Person) -> list[Person]:
    """Whom the board may honour: the school's mentors and curators (a base's mentor, or a role's holder)."""
    _require_coordinator(actor)
    mentors = BaseMembership.select(BaseMembership.person).where(BaseMembership.base == "mentor")
    holders = (Account.select(Account.person).join(RoleGrant)
               .where(RoleGrant.role.in_(["mentor", "curator"]) & (Account.school == actor.school_id)))
    return list(Person.to_choose(actor.school_id, ("staff", "student", "parent", "external"))
                .where(Person.id.in_(mentors) | Person.id.in_(holders)))
