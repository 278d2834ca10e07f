"""What a staff member may reach: the coordinator the whole school, a curator only their own formats."""
from dataclasses import dataclass

from portal.models import (
    Account, BaseMembership, Guardianship, MentoringFormat, Mentorship, MentorshipMember, Person, RoleGrant,
)
from portal.models.base import KeptSelect
from portal.services import NotAllowed


@dataclass(frozen=True)
class StaffScope:
    person: Person
    school_id: int
    is_coordinator: bool
    format_ids: frozenset[int]

    def formats(self):
        return (MentoringFormat.select().where(MentoringFormat.id.in_(list(self.format_ids)))
                .order_by(MentoringFormat.id))

    def check_format(self, format_id: int) -> MentoringFormat:
        """A format inside the scope, or NotAllowed (views answer 404)."""
        if format_id not in self.format_ids:
            raise NotAllowed("Нет такой формы наставничества.")
        return MentoringFormat.get_by_id(format_id)

    def roster_person(self, person_id: int, within=None) -> Person:
        """A roster person of this school (staff fill the roster school-wide), else NotAllowed; `within`,
        a subquery of person ids, narrows the search (a curator's circle)."""
        query = Person.select().where((Person.id == person_id) & (Person.school == self.school_id))
        if within is not None:
            query = query.where(Person.id.in_(within))
        found = query.first()
        if found is None:
            raise NotAllowed("Нет такого человека.")
        return found

    def circle(self):
        """Ids of the people a curator acts on (DECISIONS.md, "Who may change whom"), as a subquery: the
        members of their formats' bases (not those who left), the mentors and mentees of their formats'
        pairs, and the parents confirmed for those children. A pending or removed link adds nobody."""
        formats = list(self.format_ids)
        members = BaseMembership.select(BaseMembership.person).where(
            BaseMembership.mentoring_format.in_(formats) & (BaseMembership.status != "left"))
        mentors = Mentorship.select(Mentorship.mentor).where(Mentorship.mentoring_format.in_(formats))
        mentees = (MentorshipMember.select(MentorshipMember.mentee).join(Mentorship)
                   .where(Mentorship.mentoring_format.in_(formats)))
        parents = Guardianship.select(Guardianship.parent).where(
            Guardianship.confirmed_at.is_null(False)
            & (Guardianship.child.in_(members) | Guardianship.child.in_(mentees)))
        return members | mentors | mentees | parents

    def circle_person(self, person_id: int) -> Person:
        """A person this staff member may act on (card, guardians, invitations, documents), in one query.

        The roster stays school-wide for names (a curator nominates new people to their bases from it),
        but everything done to a person is the coordinator's alone outside a curator's circle: there
        NotAllowed, which views answer with 404, as for any object outside one's scope."""
        return self.roster_person(person_id, within=None if self.is_coordinator else self.circle())

    def sees_categories(self, format_id: int) -> bool:
        """Categories (health, behaviour, hardship) stay within the coordinator and the format's curator."""
        return format_id in self.format_ids


# Every staff page asks one of these (models.base.KeptSelect: the text written once, not per request).
_SCHOOL_FORMATS = KeptSelect(lambda school_id: MentoringFormat.select(MentoringFormat.id)
                             .where(MentoringFormat.school == school_id))
_CURATED_FORMATS = KeptSelect(lambda account_id: RoleGrant.select(RoleGrant.mentoring_format).where(
    (RoleGrant.account == account_id) & (RoleGrant.role == "curator") & RoleGrant.mentoring_format.is_null(False)))


def scope_for(account: Account, acting_as: str | None = None) -> StaffScope:
    """The account's reach: a coordinator's whole school, else the forms they curate. `acting_as="curator"` asks
    for the curator's reach of someone who is the coordinator too (a step they take in the curator's name)."""
    roles = set(account.role_names())
    if acting_as == "curator" and "curator" in roles:
        roles.discard("coordinator")
    if "coordinator" in roles:
        ids = _SCHOOL_FORMATS.tuples(account.school_id)
    elif "curator" in roles:
        ids = _CURATED_FORMATS.tuples(account.id)
    else:
        raise NotAllowed("Раздел для координатора и кураторов.")
    return StaffScope(person=account.person, school_id=account.school_id, is_coordinator="coordinator" in roles,
                      format_ids=frozenset(row[0] for row in ids))
