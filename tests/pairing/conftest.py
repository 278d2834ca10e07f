"""A school ready for pairing: formats with programmes, consenting mentors and mentees who have read them.

    world = pairing_world                       # a dict; the builders make real rows through the services
    mentor = world["mentor"]("Ученик – ученик", can_help_with="математика", capacity=2)
    mentee = world["mentee"]("Ученик – ученик", needs="подтянуть математику")
    curator = world["curator"]("Ученик – ученик")          # an account curating only that format
    # mentor.person, mentee.person: the roster people; the builders return their BaseMembership

Consent rows are written directly (the subject for an adult, a parent the school linked for a minor),
the way `consent.sign` stores them, without typing identity details — the gate reads only the row.
Nomination goes through `bases.nominate` (so the member is active only if the gate lets them in),
the acknowledgement through `pairing.acknowledge`, the programme with `Programme.create`.
"""
import itertools
from datetime import date, timedelta

import pytest

from portal.models import Account, BaseMembership, Consent, Guardianship, MentoringFormat, Programme, SchoolClass
from portal.models.base import utcnow
from portal.services import accounts, bases, pairing
from portal.services import consent as consents
from portal.services.staff import scope_for

YEAR = date.today().year
_seq = itertools.count(1)
# Who a builder makes by default, by the roster kind the format wants.
DEFAULTS = {
    ("mentor", "student"): {"birth_date": date(YEAR - 16, 3, 1), "school_class": "10А"},
    ("mentee", "student"): {"birth_date": date(YEAR - 12, 3, 1), "school_class": "6А"},
    ("mentor", "staff"): {"birth_date": date(1980, 3, 1), "school_class": None},
    ("mentee", "staff"): {"birth_date": date(1998, 3, 1), "school_class": None},
}


@pytest.fixture
def pairing_world(conn, school, make_person, make_account):
    formats = {f.name: f for f in MentoringFormat.of_school(school)}
    coordinator = Account.get(Account.login == "coordinator0")
    scope = scope_for(coordinator)
    documents = consents.current_documents(school.id)
    programmes: dict[str, Programme] = {}

    def fmt_of(name_or_format) -> MentoringFormat:
        return name_or_format if isinstance(name_or_format, MentoringFormat) else formats[name_or_format]

    def programme(format_name="Ученик – ученик", **fields) -> Programme:
        """The format's programme, created once (a year from today unless told otherwise)."""
        fmt = fmt_of(format_name)
        if fmt.name not in programmes:
            values = {"title": f"Программа «{fmt.name}»", "goals": "Цели программы.",
                      "expected_results": "Ожидаемые результаты.", "starts_on": date.today(),
                      "ends_on": date.today() + timedelta(days=300)}
            values.update(fields)
            programmes[fmt.name] = Programme.create(mentoring_format=fmt, **values)
        return programmes[fmt.name]

    def sign_consent(person, base: str) -> Consent:
        """The consent the gate needs for this base: the adult's own, or a linked parent's for a minor."""
        kind = consents.required_kind(person, base)
        existing = consents.valid_consents([person.id]).get((person.id, kind))
        if existing is not None:
            return existing
        signer = person
        if kind != "adult_self":
            signer = make_person(kind="parent", sex="f", birth_date=date(1984, 6, 1), surname="Родителева")
            Guardianship.create(parent=signer, child=person, confirmed_at=utcnow())
        document = documents[kind]
        return Consent.create(document=document, subject=person, signer=signer, text_sha256=document.sha256,
                              ip="127.0.0.1")

    def member(base: str, format_name, *, consent=True, acknowledge=True, account=False, categories=(),
               needs="", can_help_with="", capacity=1, person=None, **person_fields) -> BaseMembership:
        fmt = fmt_of(format_name)
        kind = fmt.mentor_kind if base == "mentor" else fmt.mentee_kind
        if person is None:
            defaults = dict(DEFAULTS[(base, kind)])
            defaults.update(person_fields)
            class_name = defaults.pop("school_class")
            if class_name:
                defaults["school_class"] = SchoolClass.get_or_create(school=school, name=class_name)[0]
            defaults.setdefault("surname", f"{'Наставников' if base == 'mentor' else 'Учеников'}-{next(_seq)}")
            person = make_person(kind=kind, **defaults)
        if account and not Account.select().where(Account.person == person).exists():
            make_account(person=person)
        if consent:
            sign_consent(person, base)
        membership = bases.nominate(scope, fmt.id, person.id, base, categories=categories, needs=needs,
                                    can_help_with=can_help_with, capacity=capacity)
        if acknowledge:
            pairing.acknowledge(person, programme(fmt).id)
        return BaseMembership.get_by_id(membership.id)

    def mentor(format_name="Ученик – ученик", **kw) -> BaseMembership:
        return member("mentor", format_name, **kw)

    def mentee(format_name="Ученик – ученик", **kw) -> BaseMembership:
        return member("mentee", format_name, **kw)

    def curator(format_name="Ученик – ученик", **kw) -> Account:
        """An account curating only this format (make_account("curator") always takes the first one)."""
        account = make_account(person=make_person(kind="staff", birth_date=date(1980, 1, 1)), **kw)
        accounts.grant_role(None, account, "curator", fmt_of(format_name))
        return Account.get_by_id(account.id)

    return {"school": school, "formats": formats, "coordinator": coordinator, "scope": scope,
            "programme": programme, "programmes": programmes, "sign_consent": sign_consent,
            "mentor": mentor, "mentee": mentee, "curator": curator}
