"""Roles the coordinator gives a member of staff straight away, with no order (a class teacher of a class, 4.5; a
school psychologist, s6): the same person check, the same account made for one who has none, the same removal.
The roles' own rules (which class, one grant each) stay with them (class_teachers.py, support.py)."""
from portal.ids import parse_id
from portal.models import Account, Person, RoleGrant
from portal.services import ServiceError, accounts, audit
from portal.services.people import login_for
from portal.services.staff import StaffScope


def chosen_person(staff: StaffScope, person_id, kinds) -> Person:
    """The school's person of one of these kinds picked in the form, else a message beside the field."""
    person_id = parse_id(person_id)
    person = Person.get_or_none((Person.id == person_id) & (Person.school == staff.school_id)) \
        if person_id is not None else None
    if person is None or person.destroyed_at is not None or person.kind not in kinds:
        raise ServiceError("Выберите сотрудника школы из списка.", field="person")
    return person


def account_for(staff: StaffScope, person: Person, ip: str) -> tuple[Account, bool]:
    """Inside the grant's transaction: the person's account, made now (they log in once staff print an invitation
    from their card) when there is none; the flag says it is new, so it holds no grant yet."""
    account = Account.get_or_none(Account.person == person)
    if account is not None:
        return account, False
    return accounts.create_account(staff.person, person, login_for(person), ip=ip), True


def removed(staff: StaffScope, grant: RoleGrant, action: str, ip: str, **details) -> RoleGrant:
    """Inside a transaction: the grant is gone at once, the removal audited (nothing when it was already gone)."""
    if RoleGrant.delete().where(RoleGrant.id == grant.id).execute():
        audit.record(action, actor=staff.person, obj=grant.account, school=staff.school_id, ip=ip,
                     person=grant.account.person_id, **details)
    return grant
