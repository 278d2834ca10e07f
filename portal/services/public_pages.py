"""The public pages (s9; no login): «Наши наставники» and the honour board «Лучшие наставники».

Who is shown: a person with a valid consent to dissemination (152-ФЗ art. 10.1) — signed, not withdrawn,
their data not destroyed — and of them only the fields that consent names (`Consent.public_fields`). The
moment the consent is withdrawn the person is gone: the pages are kept rendered per worker, keyed on the
newest audit event (every signing, withdrawal and edit writes one in its transaction), so a request that
finds its page costs one query, and a withdrawal starts a new key before the next request.

Nothing here names a person in a URL: photos go by a random token (`photo_token`)."""
import secrets

from peewee import JOIN

from portal.db import atomic_write
from portal.models import (
    Account, BaseMembership, Consent, ConsentDocument, ConsentWithdrawal, HonourEntry, MentoringFormat, Person,
    PublicProfile, RoleGrant, School, StoredFile,
)
from portal.models.base import utcnow
from portal.models.consent import PUBLIC_FIELDS
from portal.names import full_name
from portal.services import NotAllowed, audit, uploads
from portal.services.bases import checked_text
from portal.services.consent.texts import public_fields_of
from portal.services.kept import KeptUntilChange

# The roles a public page may name (a consent's «role» field); the rest are nobody's business.
PUBLIC_ROLES = (("mentor", "наставник"), ("curator", "куратор"))
FIELD_TITLES = dict(PUBLIC_FIELDS)
PHOTO_KINDS = ("jpeg", "png")


def clean_text(value, field: str, limit: int, required: str | None = None) -> str:
    """Free text of these pages and the bank: lines kept, control characters refused, length limited."""
    value = (value if isinstance(value, str) else "").replace("\r\n", "\n")
    return checked_text(value, field, limit, required, lines=True)


def new_token() -> str:
    return secrets.token_urlsafe(18)[:24]


def school() -> School | None:
    """The school the public pages speak for: the installation's (one school per installation for now)."""
    return School.select().order_by(School.id).first()


def consented(school_id: int) -> dict[int, tuple[Person, frozenset]]:
    """Person id → (person, the fields they allowed) for every valid consent to dissemination: one query."""
    rows = (Consent.select(Consent.public_fields, Person).join(ConsentDocument).switch(Consent)
            .join(Person, on=Consent.subject).switch(Consent).join(ConsentWithdrawal, JOIN.LEFT_OUTER)
            .where((ConsentDocument.school == school_id) & (ConsentDocument.kind == "dissemination")
                   & ConsentWithdrawal.id.is_null() & Person.destroyed_at.is_null())
            .order_by(Consent.signed_at, Consent.id))
    return {c.subject.id: (c.subject, frozenset(public_fields_of(c.public_fields))) for c in rows}


def allows(person_id: int, field: str) -> bool:
    """Does a valid consent to dissemination of this person name this field? One query."""
    return any(field in public_fields_of(codes) for codes, in (
        Consent.select(Consent.public_fields).join(ConsentDocument).switch(Consent)
        .join(ConsentWithdrawal, JOIN.LEFT_OUTER)
        .where((Consent.subject == person_id) & (ConsentDocument.kind == "dissemination")
               & ConsentWithdrawal.id.is_null()).tuples()))


def _card(person: Person, fields: frozenset) -> dict:
    return {"name": full_name(person), "fields": fields}


def mentors(school_id: int) -> list[dict]:
    """«Наши наставники»: the school's mentors (and curators) who consented, each with the allowed fields only.
    Four queries whatever the number of people."""
    shown = consented(school_id)
    if not shown:
        return []
    ids = list(shown)
    roles: dict[int, list[str]] = {}
    for person_id, role in (RoleGrant.select(Account.person, RoleGrant.role).join(Account)
                            .where(Account.person.in_(ids) & (Account.is_active == True)  # noqa: E712
                                   & RoleGrant.role.in_([r for r, _ in PUBLIC_ROLES])).distinct().tuples()):
        roles.setdefault(person_id, []).append(role)
    formats: dict[int, list[str]] = {}
    # The form's id is selected too: PostgreSQL orders a DISTINCT only by what it selects.
    for person_id, name, _ in (BaseMembership.select(BaseMembership.person, MentoringFormat.name, MentoringFormat.id)
                               .join(MentoringFormat)
                               .where(BaseMembership.person.in_(ids) & (BaseMembership.base == "mentor")
                                      & (BaseMembership.status == "active"))
                               .order_by(MentoringFormat.id).distinct().tuples()):
        formats.setdefault(person_id, []).append(name)
    profiles = {p.person_id: p for p in PublicProfile.select().where(PublicProfile.person.in_(ids))}
    titles = dict(PUBLIC_ROLES)
    cards = []
    for person_id, (person, fields) in shown.items():
        if "mentor" not in roles.get(person_id, ()) and person_id not in formats:
            continue  # «Наши наставники» is about mentors; a consenting parent or pupil is not one
        card = _card(person, fields)
        card["role"] = ", ".join(titles[r] for r, _ in PUBLIC_ROLES if r in roles.get(person_id, ())) \
            if "role" in fields else ""
        card["formats"] = formats.get(person_id, []) if "format" in fields else []
        profile = profiles.get(person_id)
        card["text"] = profile.text if profile and "text" in fields else ""
        card["photo"] = profile.photo_token if profile and profile.photo_id and "photo" in fields else None
        card["sort"] = (person.surname, person.first_name, person.patronymic)
        cards.append(card)
    return sorted(cards, key=lambda c: c["sort"])


def honour_board(school_id: int) -> list[dict]:
    """«Лучшие наставники»: entries by year, newest first, of people whose consent names their achievements.
    Two queries."""
    shown = consented(school_id)
    entries = (HonourEntry.select().where((HonourEntry.school == school_id)
                                          & HonourEntry.person.in_(list(shown) or [0]))
               .order_by(HonourEntry.year.desc(), HonourEntry.id) if shown else [])
    years: dict[int, list[dict]] = {}
    for entry in entries:
        person, fields = shown[entry.person_id]
        if "achievements" not in fields:
            continue
        card = _card(person, fields)
        card.update(title=entry.title, text=entry.text,
                    photo=entry.photo_token if entry.photo_id and "photo" in fields else None)
        years.setdefault(entry.year, []).append(card)
    return [{"year": year, "entries": cards} for year, cards in years.items()]


def photo(token: str) -> uploads.Download:
    """A photo on a public page, by its token, only while the person's consent names the photo: otherwise
    «not found», exactly as for a token that never existed."""
    token = (token or "")[:32]
    found = (PublicProfile.select(PublicProfile.person, StoredFile).join(StoredFile)
             .where(PublicProfile.photo_token == token).first()
             or HonourEntry.select(HonourEntry.person, StoredFile).join(StoredFile)
             .where(HonourEntry.photo_token == token).first())
    if found is None or found.photo.kind not in PHOTO_KINDS or not allows(found.person_id, "photo"):
        raise NotAllowed("Нет такой фотографии.")
    return uploads.Download(uploads.read(found.photo), found.photo.name, uploads.MIME_TYPES[found.photo.kind])


class PageCache(KeptUntilChange):
    """Rendered public pages kept until the data change (services/kept.py): signing or withdrawing a consent,
    editing a profile or the honour board all write an audit event, so after a withdrawal the next request
    builds the page anew."""

    def __init__(self, size: int = 16):
        super().__init__(size)

    def page(self, name: str, build) -> str:
        return self.get(name, build)


# --- the mentor's own public profile: the short text and the photo «Наши наставники» may show ---------------

MAX_PROFILE_TEXT = 1000


def profile_of(person: Person) -> PublicProfile | None:
    return PublicProfile.get_or_none(PublicProfile.person == person)


def save_profile(person: Person, text: str, photo_name: str = "", photo_data: bytes | None = None,
                 remove_photo: bool = False, ip: str = "") -> PublicProfile:
    """The person writes their own text and photo; the pages show them only as far as the consent allows."""
    text = clean_text(text, "text", MAX_PROFILE_TEXT)
    with atomic_write():
        profile = profile_of(person) or PublicProfile(person=person)
        profile.text = text
        if photo_data:
            stored = uploads.store(person.school_id, person, photo_name, photo_data, allowed=PHOTO_KINDS,
                                   field="photo", ip=ip, purpose="public profile photo")
            profile.photo, profile.photo_token = stored, new_token()
        elif remove_photo:
            profile.photo, profile.photo_token = None, None
        profile.updated_at = utcnow()
        profile.save()
        audit.record("public_profile.saved", actor=person, obj=profile, school=person.school_id, ip=ip,
                     photo=bool(profile.photo_id))
    return profile
