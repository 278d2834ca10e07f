"""Curators appointed by the director's order (4.3, 2.7): the number and date are part of the grant."""
from datetime import date

from peewee import IntegrityError

from portal.db import atomic_write
from portal.ids import parse_id
from portal.models import Account, MentoringFormat, Person, RoleGrant
from portal.services import NotAllowed, ServiceError, accounts, audit
from portal.services.people import login_for
from portal.services.staff import StaffScope
from portal.services.programmes.checks import CURATOR_KINDS, MAX_ORDER_NUMBER, _coordinator, _text, parse_date
from portal.services.programmes.formats import format_of_school


# --- curators appointed by order (4.3, 2.7) ----------------------------------------------------------

def curator_candidates(scope: StaffScope) -> list[tuple[Person, bool]]:
    """Staff and partner-organisation people of the roster, each with whether they have an account."""
    _coordinator(scope)
    people = list(Person.to_choose(scope.school_id, CURATOR_KINDS))
    with_account = {row[0] for row in Account.select(Account.person)
                    .where(Account.school == scope.school_id).tuples()}
    return [(p, p.id in with_account) for p in people]


def appoint_curator(scope: StaffScope, format_id: int, person_id, order_number, order_date,
                    ip: str = "", today: date | None = None) -> tuple[RoleGrant, Account]:
    """4.3: a curator is appointed by the director's order, so its number and date are part of the grant.

    A person without an account gets one here (the curator role alone gives nothing to invite them
    to otherwise); they log in once staff print an invitation from their card.
    """
    fmt = format_of_school(scope, format_id)
    if not fmt.is_active:
        raise ServiceError("Форма закрыта. Чтобы назначить куратора, откройте её снова.")
    person_id = parse_id(person_id)
    if person_id is None:
        raise ServiceError("Выберите человека из списка.", field="person")
    person = scope.roster_person(person_id)
    if person.destroyed_at is not None or person.kind not in CURATOR_KINDS:
        raise ServiceError("Куратором назначают сотрудника школы или представителя организации-партнёра "
                           "(п. 2.7 Положения).", field="person")
    number = _text(order_number, "order_number", MAX_ORDER_NUMBER, one_line=True)
    if not number:
        raise ServiceError("Укажите номер приказа директора о назначении куратора (п. 4.3 Положения).",
                           field="order_number")
    dated = parse_date(order_date, "order_date", required=False)
    if dated is None:
        raise ServiceError("Укажите дату приказа директора о назначении куратора (п. 4.3 Положения).",
                           field="order_date")
    if dated > (today or date.today()):
        raise ServiceError("Дата приказа ещё не наступила: укажите дату, которой директор подписал приказ.",
                           field="order_date")
    try:
        with atomic_write():
            account = Account.get_or_none(Account.person == person)
            if account is None:
                account = accounts.create_account(scope.person, person, login_for(person), ip=ip)
            elif RoleGrant.select().where((RoleGrant.account == account) & (RoleGrant.role == "curator")
                                          & (RoleGrant.mentoring_format == fmt)).exists():
                raise ServiceError(f"{person.full_name} уже куратор формы «{fmt.name}».", field="person")
            grant = accounts.grant_role(scope.person, account, "curator", fmt, ip=ip,
                                        order_number=number, order_date=dated)
            audit.record("curator.appointed", actor=scope.person, obj=fmt, ip=ip, person=person.id,
                         account=account.id, order_number=number, order_date=dated.isoformat())
    except IntegrityError:  # two coordinators appointing the same person at the same moment
        raise ServiceError("Назначение только что изменилось. Обновите страницу и повторите.") from None
    account.person = person
    return grant, account


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
