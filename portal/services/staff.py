"""What a staff member may reach: the coordinator the whole school, a curator only their own formats."""
from dataclasses import dataclass

from portal.models import Account, MentoringFormat, Person, RoleGrant
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

    def roster_person(self, person_id: int) -> Person:
        """A roster person of this school (staff fill the roster school-wide), else NotAllowed."""
        found = Person.get_or_none((Person.id == person_id) & (Person.school == self.school_id))
        if found is None:
            raise NotAllowed("Нет такого человека.")
        return found

    def sees_categories(self, format_id: int) -> bool:
        """Categories (health, behaviour, hardship) stay within the coordinator and the format's curator."""
        return format_id in self.format_ids


def scope_for(account: Account) -> StaffScope:
    roles = set(account.role_names())
    if "coordinator" in roles:
        ids = MentoringFormat.select(MentoringFormat.id).where(MentoringFormat.school == account.school_id)
    elif "curator" in roles:
        ids = RoleGrant.select(RoleGrant.mentoring_format).where(
            (RoleGrant.account == account) & (RoleGrant.role == "curator") & RoleGrant.mentoring_format.is_null(False))
    else:
        raise NotAllowed("Раздел для координатора и кураторов.")
    return StaffScope(person=account.person, school_id=account.school_id, is_coordinator="coordinator" in roles,
                      format_ids=frozenset(row[0] for row in ids.tuples()))
