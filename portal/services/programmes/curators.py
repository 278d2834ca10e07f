"""Curators appointed by the director's order (4.3, 2.7): the number and date are part of the grant."""
from portal.db import atomic_write
from portal.ids import parse_id
from portal.models import Account, Appointment, MentoringFormat, Person, RoleGrant
from portal.services import NotAllowed, ServiceError, audit
from portal.services.orders import appointment
from portal.services.staff import StaffScope
from portal.services.programmes.checks import CURATOR_KINDS, _coordinator
from portal.services.programmes.formats import format_of_school


# --- curators appointed by order (4.3, 2.7) ----------------------------------------------------------

def curator_candidates(scope: StaffScope) -> list[tuple[Person, bool]]:
    """Staff and partner-organisation people of the roster, each with whether they have an account."""
    _coordinator(scope)
    people = list(Person.to_choose(scope.school_id, CURATOR_KINDS))
    with_account = {row[0] for row in Account.select(Account.person)
                    .where(Account.school == scope.school_id).tuples()}
    return [(p, p.id in with_account) for p in people]


def appoint_curator(scope: StaffScope, format_id: int, person_id, ip: str = "") -> Appointment:
    """4.3: a curator is appointed by the director's order. The person goes into the draft of the order
    «О назначении координатора и кураторов» (services.orders.appointment) and becomes the curator when the order
    is registered with its number and date; until then the appointment waits for the order."""
    _coordinator(scope)
    fmt = format_of_school(scope, format_id)
    if not fmt.is_active:
        raise ServiceError("Форма закрыта. Чтобы назначить куратора, откройте её снова.")
    person_id = parse_id(person_id)
    if person_id is None:
        raise ServiceError("Выберите человека из списка.", field="person")
    person = scope.roster_person(person_id)
    if person.kind not in CURATOR_KINDS:
        raise ServiceError("Куратором назначают сотрудника школы или представителя организации-партнёра "
                           "(п. 2.7 Положения).", field="person")
    return appointment.appoint_curator(scope, fmt, person, ip=ip)


def curator_grant(scope: StaffScope, grant_id: int) -> RoleGrant:
    """One curator appointment of this school, with the person and the format."""
    _coordinator(scope)
    grant = (RoleGrant.select(RoleGrant, Account, Person, MentoringFormat)
             .join(Account).join(Person).switch(RoleGrant).join(MentoringFormat)
             .where((RoleGrant.id == grant_id) & (RoleGrant.role == "curator")
                    & (MentoringFormat.school == scope.school_id)).first())
    if grant is None:
        raise NotAllowed("Нет такого назначения.")
    return grant


def remove_curator(scope: StaffScope, grant_id: int, ip: str = "") -> RoleGrant:
    """The curator loses the format at once; the appointment stays in the audit trail with its order."""
    grant = curator_grant(scope, grant_id)
    with atomic_write():
        if RoleGrant.delete().where(RoleGrant.id == grant.id).execute():
            audit.record("curator.removed", actor=scope.person, obj=grant.mentoring_format, ip=ip,
                         person=grant.account.person_id, account=grant.account_id,
                         order_number=grant.order_number, order_date=grant.order_date)
    return grant


# --- the coordinator, changed by order (4.2, 4.3) --------------------------------------------------------------

def coordinator_card(scope: StaffScope) -> dict:
    """The coordinators now (with their orders) and the new one a draft names: the formats page's card."""
    _coordinator(scope)
    return {"grants": appointment.coordinators(scope.school_id),
            "waiting": appointment.waiting_coordinator(scope.school_id)}
