"""The order «О назначении координатора и кураторов» (4.3, s10): appointing a curator drafts it.

The coordinator's «Назначить куратора» puts the person into the school's open draft of this order (a new draft
when there is none), and the person is shown as «назначение ждёт приказа»: no grant yet, so they cannot act as
the form's curator. When the director has signed the order and the coordinator registers its number and date
(registration.py), every appointment of it becomes the curator's grant with that number and date, in the same
transaction that freezes the order. Taking an appointment out of the draft, or deleting the draft, grants nothing.
"""
from datetime import date

from peewee import IntegrityError

from portal.db import atomic_write
from portal.models import Account, Appointment, MentoringFormat, Order, Person, RoleGrant, School
from portal.models.mentorship import ORDER_KINDS
from portal.services import NotAllowed, ServiceError, accounts, audit
from portal.services.people import login_for
from portal.services.staff import StaffScope
from portal.services.orders.reading import _locked_draft, _require_coordinator
from portal.services.orders import kinds as typed

KIND = "appointment"
TITLE = dict(ORDER_KINDS)[KIND]
# 2.7: a curator is a member of staff or a person from a partner organisation.
CURATOR_KINDS = ("staff", "external")


def open_draft(school_id: int) -> Order | None:
    """The school's draft of the appointment order that new appointments join (the oldest, if several)."""
    return (Order.select().where((Order.school == school_id) & (Order.kind == KIND) & (Order.status == "draft"))
            .order_by(Order.id).first())


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
            order = open_draft(scope.school_id)
            if order is None:
                order = Order.create(school=scope.school_id, kind=KIND, title=TITLE, created_by=scope.person)
                audit.record("order.drafted", actor=scope.person, obj=order, school=scope.school_id, ip=ip, kind=KIND)
            appointment = Appointment.create(order=order, person=person, mentoring_format=fmt, created_by=scope.person)
            audit.record("curator.proposed", actor=scope.person, obj=fmt, school=scope.school_id, ip=ip,
                         person=person.id, order=order.id)
    except IntegrityError:  # two coordinators appointing the same person at the same moment
        raise ServiceError("Назначение только что изменилось. Обновите страницу и повторите.") from None
    return appointment


def items(order: Order) -> list[Appointment]:
    """The order's appointments with the person and the format, by format then name: one query."""
    return list(Appointment.select(Appointment, Person, MentoringFormat).join(Person)
                .switch(Appointment).join(MentoringFormat).where(Appointment.order == order)
                .order_by(MentoringFormat.id, Person.surname, Person.first_name, Person.id))


def waiting(school_id: int) -> dict[int, list[Appointment]]:
    """Appointments in the school's drafts, by format: «назначение ждёт приказа» on the formats page (one query)."""
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
        audit.record("curator.proposal_removed", actor=scope.person, obj=order, school=scope.school_id, ip=ip,
                     person=appointment.person_id, mentoring_format=appointment.mentoring_format_id)
    return appointment


def register_locked(scope: StaffScope, order: Order, number: str, dated_on: date, ip: str) -> list[RoleGrant]:
    """Inside the registration's transaction: each appointment of the order becomes the curator's grant with the
    order's number and date (an account is made for a person without one; they log in by an invitation)."""
    listed = items(order)
    if not listed:
        raise ServiceError("В приказе нет ни одного назначения: назначьте кураторов на странице «Формы и "
                           "программы» или удалите проект.")
    grants = []
    for appointment in listed:
        person, fmt = appointment.person, appointment.mentoring_format
        if person.destroyed_at is not None:
            raise ServiceError(f"Данные человека из назначения в форму «{fmt.name}» уничтожены: уберите назначение "
                               "из проекта и распечатайте его заново.")
        account = Account.get_or_none(Account.person == person)
        if account is None:
            account = accounts.create_account(scope.person, person, login_for(person), ip=ip)
        grants.append(accounts.grant_role(scope.person, account, "curator", fmt, ip=ip, order_number=number,
                                          order_date=dated_on))
        audit.record("curator.appointed", actor=scope.person, obj=fmt, school=scope.school_id, ip=ip,
                     person=person.id, account=account.id, order=order.id, order_number=number,
                     order_date=dated_on.isoformat())
    return grants


def delete_items(order: Order) -> None:
    Appointment.delete().where(Appointment.order == order).execute()


def document_data(order: Order) -> dict:
    """What the printed order says: the school, its coordinator, the curators it appoints by format."""
    by_format: dict[int, dict] = {}
    for appointment in items(order):
        by_format.setdefault(appointment.mentoring_format_id, {"format": appointment.mentoring_format,
                                                               "curators": []})["curators"].append(appointment.person)
    return {"order": order, "school": School.get_by_id(order.school_id), "coordinator": typed.coordinator_of(order),
            "appointed": list(by_format.values()), "corrected": None}
