"""The order «О назначении координатора и кураторов» (4.3, s10): appointing a curator or changing the coordinator
drafts it.

The coordinator's «Назначить куратора» or «Сменить координатора» puts the person into the school's open draft of
this order (a new draft when there is none), and the person is shown as «назначение ждёт приказа»: no grant yet,
so they cannot act in the new role. When the director has signed the order and the coordinator registers its
number and date (registration.py), every appointment of it becomes the grant with that number and date, in the
same transaction that freezes the order; a new coordinator's grant relieves the coordinators before them, so the
school always has exactly the coordinator its last order names. Taking an appointment out of the draft, or
deleting the draft, grants nothing.
"""
from datetime import date

from peewee import JOIN, IntegrityError

from portal.db import atomic_write, lock_row
from portal.models import Account, Appointment, MentoringFormat, Order, Person, RoleGrant, School
from portal.models.mentorship import ORDER_KINDS
from portal.services import NotAllowed, ServiceError, accounts, audit
from portal.services.people import login_for
from portal.services.staff import StaffScope
from portal.services.orders.reading import _locked_draft, _require_coordinator, school_draft
from portal.services.orders import kinds as typed
from portal.ids import parse_id

KIND = "appointment"
TITLE = dict(ORDER_KINDS)[KIND]
# 2.7: a curator is a member of staff or a person from a partner organisation.
CURATOR_KINDS = ("staff", "external")
# 4.2: the coordinator is a deputy director, so a member of the school's staff.
COORDINATOR_KINDS = ("staff",)


def open_draft(school_id: int) -> Order | None:
    """The school's draft of the appointment order that new appointments join."""
    return school_draft(school_id, KIND)


def _draft_to_join(scope: StaffScope, ip: str) -> Order:
    """Inside the appointment's transaction: the open draft, or a new one. The school's row is locked first, so
    two coordinators appointing at the same moment join one draft instead of making two."""
    lock_row(School, scope.school_id)
    order = open_draft(scope.school_id)
    if order is None:
        order = Order.create(school=scope.school_id, kind=KIND, title=TITLE, created_by=scope.person)
        audit.record("order.drafted", actor=scope.person, obj=order, school=scope.school_id, ip=ip, kind=KIND)
    return order


def appoint_curator(scope: StaffScope, fmt: MentoringFormat, person: Person, ip: str = "") -> Appointment:
    """The person joins the open draft of the appointment order as the curator of `fmt` (a new draft when there is
    none); they become the curator when that order is registered. `fmt` and `person` are the school's, checked by
    the caller (services.programmes.appoint_curator)."""
    _require_coordinator(scope)
    if person.destroyed_at is not None or person.kind not in CURATOR_KINDS:
        raise ServiceError("Куратором назначают сотрудника школы или представителя организации-партнёра "
                           "(п. 2.7 Положения).", field="person")
    try:
        with atomic_write():
            if (RoleGrant.select().join(Account).where((Account.person == person) & (RoleGrant.role == "curator")
                                                       & (RoleGrant.mentoring_format == fmt)).exists()):
                raise ServiceError(f"{person.full_name} уже куратор формы «{fmt.name}».", field="person")
            waiting = (Appointment.select().join(Order)
                       .where((Appointment.person == person) & (Appointment.mentoring_format == fmt)
                              & (Order.status == "draft")).exists())
            if waiting:
                raise ServiceError(f"{person.full_name} уже в проекте приказа о назначении куратором формы "
                                   f"«{fmt.name}»: назначение ждёт приказа.", field="person")
            order = _draft_to_join(scope, ip)
            appointment = Appointment.create(order=order, person=person, mentoring_format=fmt, created_by=scope.person)
            audit.record("curator.proposed", actor=scope.person, obj=fmt, school=scope.school_id, ip=ip,
                         person=person.id, order=order.id)
    except IntegrityError:  # two coordinators appointing the same person at the same moment
        raise ServiceError("Назначение только что изменилось. Обновите страницу и повторите.") from None
    return appointment


def coordinators(school_id: int) -> list[RoleGrant]:
    """The school's coordinators now, each grant with its account and person, by name (one query)."""
    return list(RoleGrant.select(RoleGrant, Account, Person).join(Account).join(Person)
                .where((Account.school == school_id) & (RoleGrant.role == "coordinator"))
                .order_by(Person.surname, Person.first_name, Person.id))


def coordinator_candidates(scope: StaffScope) -> list[Person]:
    """Staff of the roster who are not the coordinator already: whom «Сменить координатора» offers."""
    _require_coordinator(scope)
    now = {grant.account.person_id for grant in coordinators(scope.school_id)}
    return [p for p in Person.to_choose(scope.school_id, COORDINATOR_KINDS) if p.id not in now]


def waiting_coordinator(school_id: int) -> Appointment | None:
    """The new coordinator a draft of the school names, with the person, if any (one query)."""
    return (Appointment.select(Appointment, Person).join(Person).switch(Appointment).join(Order)
            .where((Order.school == school_id) & (Order.status == "draft") & (Order.kind == KIND)
                   & (Appointment.role == "coordinator")).first())


def appoint_coordinator(scope: StaffScope, person_id, ip: str = "") -> Appointment:
    """The new coordinator joins the open draft of the appointment order (a new draft when there is none); when
    the order is registered they become the coordinator and the coordinators before them are relieved. One draft
    names one new coordinator: to name another, the first is taken out of the draft."""
    _require_coordinator(scope)
    person_id = parse_id(person_id)
    if person_id is None:
        raise ServiceError("Выберите человека из списка.", field="person")
    person = scope.roster_person(person_id)
    if person.destroyed_at is not None or person.kind not in COORDINATOR_KINDS:
        raise ServiceError("Координатором назначают сотрудника школы — заместителя директора (п. 4.2 Положения).",
                           field="person")
    try:
        with atomic_write():
            if any(grant.account.person_id == person.id for grant in coordinators(scope.school_id)):
                raise ServiceError(f"{person.full_name} уже координатор.", field="person")
            named = waiting_coordinator(scope.school_id)
            if named is not None:
                raise ServiceError(f"В проекте приказа координатором уже назначен(а) {named.person.full_name}. "
                                   "Чтобы назначить другого, сначала уберите это назначение из проекта.",
                                   field="person")
            order = _draft_to_join(scope, ip)
            appointment = Appointment.create(order=order, person=person, role="coordinator", mentoring_format=None,
                                             created_by=scope.person)
            audit.record("coordinator.proposed", actor=scope.person, obj=order, school=scope.school_id, ip=ip,
                         person=person.id)
    except IntegrityError:  # two coordinators naming someone at the same moment
        raise ServiceError("Назначение только что изменилось. Обновите страницу и повторите.") from None
    return appointment


def items(order: Order) -> list[Appointment]:
    """The order's appointments with the person and the format: the coordinator first, then the curators by format
    and name; one query."""
    return list(Appointment.select(Appointment, Person, MentoringFormat).join(Person)
                .switch(Appointment).join(MentoringFormat, JOIN.LEFT_OUTER).where(Appointment.order == order)
                .order_by(Appointment.role, MentoringFormat.id, Person.surname, Person.first_name, Person.id))


def waiting(school_id: int) -> dict[int | None, list[Appointment]]:
    """Appointments in the school's drafts, by format (the coordinator's under None): «назначение ждёт приказа» on
    the formats page (one query)."""
    found: dict[int, list[Appointment]] = {}
    for row in (Appointment.select(Appointment, Person).join(Person).switch(Appointment).join(Order)
                .where((Order.school == school_id) & (Order.status == "draft"))
                .order_by(Person.surname, Person.first_name, Appointment.id)):
        found.setdefault(row.mentoring_format_id, []).append(row)
    return found


def remove(scope: StaffScope, order_id: int, appointment_id: int, ip: str = "") -> Appointment:
    """The appointment leaves the draft: nobody is granted anything for it."""
    with atomic_write():
        order = _locked_draft(scope, order_id, kinds=(KIND,))
        appointment = Appointment.get_or_none((Appointment.id == appointment_id) & (Appointment.order == order))
        if appointment is None:
            raise NotAllowed("Этого назначения нет в приказе.")
        appointment.delete_instance()
        audit.record(f"{appointment.role}.proposal_removed", actor=scope.person, obj=order, school=scope.school_id,
                     ip=ip, person=appointment.person_id, mentoring_format=appointment.mentoring_format_id)
    return appointment


def register_locked(scope: StaffScope, order: Order, number: str, dated_on: date, ip: str) -> list[RoleGrant]:
    """Inside the registration's transaction: each appointment of the order becomes the curator's grant with the
    order's number and date (an account is made for a person without one; they log in by an invitation)."""
    listed = items(order)
    if not listed:
        raise ServiceError("В приказе нет ни одного назначения: назначьте кураторов или смените координатора на "
                           "странице «Формы и программы» либо удалите проект.")
    grants = []
    for appointment in listed:
        person, fmt = appointment.person, appointment.mentoring_format
        if person.destroyed_at is not None:
            where = f"в форму «{fmt.name}»" if fmt is not None else "координатором"
            raise ServiceError(f"Данные человека из назначения {where} уничтожены: уберите назначение "
                               "из проекта и распечатайте его заново.")
        account = Account.get_or_none(Account.person == person)
        if account is None:
            account = accounts.create_account(scope.person, person, login_for(person), ip=ip)
        grants.append(accounts.grant_role(scope.person, account, appointment.role, fmt, ip=ip, order_number=number,
                                          order_date=dated_on))
        audit.record(f"{appointment.role}.appointed", actor=scope.person, obj=fmt if fmt is not None else order,
                     school=scope.school_id, ip=ip, person=person.id, account=account.id, order=order.id,
                     order_number=number, order_date=dated_on.isoformat())
    return grants


def relieve_locked(scope: StaffScope, order: Order, number: str, ip: str) -> None:
    """Inside the registration's transaction, once the order is frozen (its text names them): the coordinators
    before the one the order appoints lose the role by the same order, its number in the audit trail; their
    other roles stay. An order that appoints no coordinator relieves nobody."""
    successor = (Appointment.select(Appointment.person)
                 .where((Appointment.order == order) & (Appointment.role == "coordinator")).scalar())
    if successor is None:
        return
    for grant in coordinators(scope.school_id):
        if grant.account.person_id == successor:
            continue
        RoleGrant.delete().where(RoleGrant.id == grant.id).execute()
        audit.record("coordinator.relieved", actor=scope.person, obj=grant.account, school=scope.school_id, ip=ip,
                     person=grant.account.person_id, order=order.id, order_number=number)


def delete_items(order: Order) -> None:
    Appointment.delete().where(Appointment.order == order).execute()


def document_data(order: Order) -> dict:
    """What the printed order says: the school, its coordinator, the curators it appoints by format. An order that
    changes the coordinator names the new one and relieves those before them (a draft reads today's; a registered
    order is printed from its frozen HTML)."""
    by_format: dict[int, dict] = {}
    successor = None
    for appointment in items(order):
        if appointment.role == "coordinator":
            successor = appointment.person
            continue
        by_format.setdefault(appointment.mentoring_format_id, {"format": appointment.mentoring_format,
                                                               "curators": []})["curators"].append(appointment.person)
    relieved = [] if successor is None else [grant.account.person for grant in coordinators(order.school_id)
                                             if grant.account.person_id != successor.id]
    return {"order": order, "school": School.get_by_id(order.school_id),
            "coordinator": successor or typed.coordinator_of(order), "relieved": relieved,
            "new_coordinator": successor is not None,
            "appointed": list(by_format.values()), "corrected": None}
