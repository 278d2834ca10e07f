"""A small school ready for the director's order: consenting people who have read their format's
programme, paired through the real pairing service (proposal → choice → the mentor's confirmation).

    people = order_world
    teacher = people.mentor("Учитель – ученик", "Петрова", "Анна", "Сергеевна", sex="f", capacity=3)
    pupil = people.mentee("Учитель – ученик", "Иванов", "Пётр", "Сергеевич", school_class="7Б")
    pair = people.pair(teacher, pupil)                  # confirmed by the mentor
    chosen = people.pair(teacher, other, confirm=False) # chosen, waiting for the mentor

Consent rows are written the way `consent.sign` stores them (the gate reads only the row): an adult's
own, a linked parent's for a minor. The coordinator is the school's own (coordinator0, «Смирнова
Елена Викторовна», deputy director), who logs in with the test password.
"""
import itertools
from datetime import date, timedelta

import pytest

from portal.models import (
    Account, BaseMembership, Consent, Guardianship, MentoringFormat, Mentorship, Person, Programme, Proposal, School,
    SchoolClass,
)
from portal.models.base import utcnow
from portal.services import bases, pairing, passwords
from portal.services import consent as consents
from portal.services.staff import scope_for
from tests.factories import PASSWORD

YEAR = date.today().year
DIRECTOR = "Кузнецов Олег Иванович"
_seq = itertools.count(1)


class OrderWorld:
    def __init__(self, school, make_person):
        self.school = school
        self.make_person = make_person
        self.formats = {f.name: f for f in MentoringFormat.of_school(school)}
        self.coordinator = Account.get(Account.login == "coordinator0")
        self.scope = scope_for(self.coordinator)
        self.documents = consents.current_documents(school.id)
        self.programmes = {}

    def programme(self, fmt: MentoringFormat) -> Programme:
        if fmt.id not in self.programmes:
            self.programmes[fmt.id] = Programme.create(
                mentoring_format=fmt, title=f"Программа «{fmt.name}»", starts_on=date.today() - timedelta(days=10),
                ends_on=date.today() + timedelta(days=300))
        return self.programmes[fmt.id]

    def consent(self, person: Person, base: str) -> None:
        kind = consents.required_kind(person, base)
        if (person.id, kind) in consents.valid_consents([person.id]):
            return
        signer = person
        if kind != "adult_self":
            signer = self.make_person(kind="parent", sex="f", birth_date=date(1984, 6, 1), surname="Родителева")
            Guardianship.create(parent=signer, child=person, confirmed_at=utcnow())
        document = self.documents[kind]
        Consent.create(document=document, subject=person, signer=signer, text_sha256=document.sha256, ip="127.0.0.1")

    def member(self, base: str, format_name: str, surname=None, first_name=None, patronymic=None, *, sex="m",
               school_class=None, capacity=1, birth_date=None) -> Person:
        fmt = self.formats[format_name]
        kind = fmt.mentor_kind if base == "mentor" else fmt.mentee_kind
        fields = {"sex": sex, "kind": kind}
        if surname:
            fields.update(surname=surname, first_name=first_name, patronymic=patronymic or "")
        else:
            fields["surname"] = f"{'Наставников' if base == 'mentor' else 'Учеников'}{next(_seq)}"
        if kind == "student":
            fields["birth_date"] = birth_date or date(YEAR - (16 if base == "mentor" else 12), 3, 1)
            name = school_class or ("10А" if base == "mentor" else "6А")
            fields["school_class"] = SchoolClass.get_or_create(school=self.school, name=name)[0]
        else:
            fields["birth_date"] = birth_date or date(1980 if base == "mentor" else 1998, 3, 1)
        person = self.make_person(**fields)
        self.consent(person, base)
        bases.nominate(self.scope, fmt.id, person.id, base, capacity=capacity)
        pairing.acknowledge(person, self.programme(fmt).id)
        return person

    def mentor(self, format_name, *names, **kw) -> Person:
        return self.member("mentor", format_name, *names, **kw)

    def mentee(self, format_name, *names, **kw) -> Person:
        return self.member("mentee", format_name, *names, **kw)

    def format_of(self, mentor: Person) -> MentoringFormat:
        membership = BaseMembership.get((BaseMembership.person == mentor) & (BaseMembership.base == "mentor"))
        return self.formats_by_id[membership.mentoring_format_id]

    @property
    def formats_by_id(self):
        return {f.id: f for f in self.formats.values()}

    def pair(self, mentor: Person, mentee: Person, confirm=True) -> Mentorship:
        """The curator proposes the mentor, the mentee chooses, the mentor confirms: pairing's own functions."""
        fmt = self.format_of(mentor)
        proposal = Proposal.create(mentoring_format=fmt, mentee=mentee, mentor=mentor, proposed_by=self.scope.person)
        mentorship = pairing.choose(mentee, proposal.id)
        if confirm:
            mentorship = pairing.confirm(mentor, mentorship.id)
        return Mentorship.get_by_id(mentorship.id)


@pytest.fixture
def order_world(conn, school, make_person) -> OrderWorld:
    School.update(director_name=DIRECTOR).where(School.id == school.id).execute()
    return OrderWorld(school, make_person)


@pytest.fixture
def coordinator(order_world, login):
    """The school's coordinator (Смирнова Елена Викторовна), logged in."""
    Account.update(password_hash=passwords.hash_password(PASSWORD)).where(
        Account.id == order_world.coordinator.id).execute()
    login("coordinator0")
    return order_world.coordinator
