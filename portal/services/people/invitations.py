"""Accounts and invitations for roster people: the login, the roles a person's situation implies, the code."""
from datetime import timedelta

from peewee import IntegrityError

from portal.db import atomic_write, lock_row
from portal.models import Account, BaseMembership, Guardianship, Person, RoleGrant
from portal.models.accounts import STAFF_ROLES
from portal.services import NotAllowed, ServiceError, accounts, resets
from portal.services.staff import StaffScope


# --- accounts and invitations for roster people --------------------------------------------------

TRANSLIT = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "i",
    "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "ie", "ы": "y", "ь": "",
    "э": "e", "ю": "iu", "я": "ia",
}


def translit(text: str) -> str:
    """Latin letters for a login, GOST R 52535.1-2006 style (as in Russian passports): «Ольга» → «olga»."""
    out = []
    for ch in text.lower():
        if ch in TRANSLIT:
            out.append(TRANSLIT[ch])
        elif ch.isascii() and (ch.isalnum() or ch == "-"):
            out.append(ch)
    return "".join(out).strip("-")


def login_for(person: Person) -> str:
    """«ivanova.olga», or «ivanova.olga2» when taken: logins are unique across the installation."""
    base = ".".join(p for p in (translit(person.surname), translit(person.first_name)) if p)[:56] or "user"
    taken = {row[0] for row in Account.select(Account.login)
             .where((Account.login == base) | Account.login.startswith(base)).tuples()}
    if base not in taken:
        return base
    n = 2
    while f"{base}{n}" in taken:
        n += 1
    return f"{base}{n}"


def implied_roles(person: Person) -> list[str]:
    """The roles a person's situation gives them: parent of confirmed children, mentor/mentee of their bases."""
    roles = []
    if Guardianship.select().where((Guardianship.parent == person)
                                   & Guardianship.confirmed_at.is_null(False)).exists():
        roles.append("parent")
    bases = {m.base for m in BaseMembership.select(BaseMembership.base).where(
        (BaseMembership.person == person) & BaseMembership.status.in_(("active", "awaiting_consent")))}
    roles += [base for base in ("mentor", "mentee") if base in bases]
    return roles


def invite(scope: StaffScope, person_id: int, ttl: timedelta, reason: str = "", ip: str = "") -> tuple[Account, str]:
    """The account (created if missing, with the roles the person's situation implies) and a fresh code.

    Only for a person within the staff member's reach (a curator: their circle). A curator may not
    invite someone holding a staff role: whoever holds the code sets the password, so that would hand
    a curator the coordinator's account. For the same reason a code for an account that has a password
    is a reset (`resets.reissue`): the coordinator's, with a reason; a curator gets «not found».
    """
    person = scope.circle_person(person_id)
    if person.destroyed_at is not None:
        raise ServiceError("Данные этого человека уничтожены: приглашение выдать нельзя.")
    roles = implied_roles(person)
    try:
        with atomic_write():
            lock_row(Person, person.id)
            account = Account.get_or_none(Account.person == person)
            if account is not None and resets.is_reset(account) and not scope.is_coordinator:
                raise NotAllowed("Пароль сбрасывает координатор.")
            held = {g.role for g in RoleGrant.select(RoleGrant.role).where(RoleGrant.account == account)} \
                if account is not None else set()
            if held & STAFF_ROLES and not scope.is_coordinator:
                raise ServiceError("Приглашение сотруднику с правами координатора, куратора или педагога-психолога "
                                   "выдаёт координатор.")
            if not held and not roles:
                raise ServiceError("Приглашать пока не к чему: свяжите человека с ребёнком или включите его в базу "
                                   "наставников или наставляемых.")
            if account is None:
                account = accounts.create_account(scope.person, person, login_for(person), roles, ip=ip)
            else:
                for role in roles:
                    accounts.grant_role(scope.person, account, role, ip=ip)
            code = resets.reissue(scope, account, ttl, reason=reason, ip=ip)
    except IntegrityError:  # two staff members inviting the same person at the same moment
        raise ServiceError("Приглашение для этого человека только что создано. Обновите страницу и повторите.")
    account = Account.select(Account, Person).join(Person).where(Account.id == account.id).get()
    return account, code
