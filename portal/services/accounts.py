"""Logging in, invitations, passwords and the role grants behind every page."""
import hashlib
import secrets
from datetime import timedelta

from portal.db import atomic_write, db
from portal.models import Account, Invitation, Person, RoleGrant, School
from portal.models.base import ConstantSql, column_list, from_row, utcnow
from portal.services import NotAllowed, ServiceError, audit, notifications, passwords, throttle

# Letters and digits that cannot be misread on a printed slip (no 0/O, 1/I/l).
SLIP_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12
GENERIC_LOGIN_ERROR = "Неверный логин или пароль."
# The shared demo password opens accounts only in a demo database.
DEMO_PASSWORD = "demo-nastavnik"


def _code_hash(code: str) -> str:
    normalised = code.replace("-", "").replace(" ", "").upper()
    return hashlib.sha256(normalised.encode()).hexdigest()


def slip_code(length: int = CODE_LENGTH) -> str:
    """Random letters and digits from the slip alphabet: what a person reads off paper and types."""
    return "".join(secrets.choice(SLIP_ALPHABET) for _ in range(length))


def format_code(code: str) -> str:
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def authenticate(login: str, password: str, ip: str = "") -> Account | None:
    """The account for a login and password, or None; every attempt lands in the audit trail.

    Raises throttle.Throttled, before looking at the password, while the login or the address has too
    many recent failures: then even the right password waits."""
    throttle.check_login(login, ip)
    account = (Account.select(Account, Person, School).join(Person).switch(Account).join(School)
               .where(Account.login == login.strip().lower()).first())
    if account is not None and password == DEMO_PASSWORD and not account.school.is_demo:
        _failed(login, ip, obj=account, login=account.login, reason="demo password")
        return None
    if account is None:
        passwords.verify_password(passwords.DUMMY_HASH, password)
        _failed(login, ip, login=login[:64], reason="unknown")
        return None
    if not account.is_active or not passwords.verify_password(account.password_hash, password):
        _failed(login, ip, obj=account, login=account.login, reason="password")
        return None
    with db.atomic():
        Account.update(last_login_at=utcnow()).where(Account.id == account.id).execute()
        if account.totp_enabled_at is None:  # with a second factor, the code step clears the count
            throttle.succeeded(account.login)
        audit.record("login.ok", actor=account.person, obj=account, ip=ip)
    return account


def _failed(typed_login: str, ip: str, **details) -> None:
    with db.atomic():
        throttle.failed("password", typed_login, ip)
        audit.record("login.failed", ip=ip, **details)


def end_all_sessions(account: Account, ip: str = "") -> Account:
    """Bump the session version: every cookie issued before stops working on its next request."""
    with db.atomic():
        Account.update(session_version=Account.session_version + 1).where(Account.id == account.id).execute()
        audit.record("sessions.ended", actor=account.person, obj=account, ip=ip)
    return Account.get_by_id(account.id)


def change_password(account: Account, old: str, new: str, ip: str = "") -> Account:
    if not passwords.verify_password(account.password_hash, old):
        raise ServiceError("Текущий пароль введён неверно.", field="old_password")
    problem = passwords.policy_error(new, account.login)
    if problem:
        raise ServiceError(problem, field="new_password")
    with db.atomic():
        Account.update(password_hash=passwords.hash_password(new),
                       session_version=Account.session_version + 1).where(Account.id == account.id).execute()
        audit.record("password.changed", actor=account.person, obj=account, ip=ip)
    return Account.get_by_id(account.id)


def issue_invitation(actor: Person | None, account: Account, ttl: timedelta, ip: str = "") -> str:
    """A new single-use code for the account; older unused codes are revoked. Only the hash is stored."""
    if actor is not None and actor.school_id != account.school_id:
        raise NotAllowed("Учётная запись другой школы.")
    code = slip_code()
    now = utcnow()
    with db.atomic():
        (Invitation.update(revoked_at=now)
         .where((Invitation.account == account) & Invitation.used_at.is_null() & Invitation.revoked_at.is_null())
         .execute())
        invitation = Invitation.create(account=account, code_hash=_code_hash(code), created_by=actor,
                                       created_at=now, expires_at=now + ttl)
        audit.record("invitation.issued", actor=actor, obj=invitation, school=account.school_id, ip=ip,
                     account=account.login)
        if not account.password_hash:  # the first invitation; a reset tells the person its own way
            notifications.notify([account.person_id], "account.invited", obj=account,
                                 details=f"Логин: {account.login}")
    return format_code(code)


def find_invitation(code: str) -> Invitation | None:
    """A usable invitation for the code, or None (unknown, used, revoked and expired look the same)."""
    return (Invitation.select(Invitation, Account).join(Account)
            .where((Invitation.code_hash == _code_hash(code)) & Invitation.used_at.is_null()
                   & Invitation.revoked_at.is_null() & (Invitation.expires_at > utcnow()))
            .first())


def redeem_invitation(code: str, new_password: str, ip: str = "") -> Account:
    """Set the password with a code; the code dies in the same transaction, so it works once.

    Wrong codes are counted per address (throttle.Throttled past the limit); the count is written in
    its own transaction, since the refusal rolls the redeeming one back."""
    throttle.check_invitation(ip)
    try:
        return _redeem(code, new_password, ip)
    except ServiceError as refused:
        if refused.field == "code":
            with db.atomic():
                throttle.failed("invitation", ip=ip)
                audit.record("invitation.failed", ip=ip)
        raise


def _redeem(code: str, new_password: str, ip: str) -> Account:
    with atomic_write():
        invitation = find_invitation(code)
        if invitation is None:
            raise ServiceError("Код приглашения неверен, уже использован или истёк. "
                               "Попросите в школе новое приглашение.", field="code")
        account = invitation.account
        problem = passwords.policy_error(new_password, account.login)
        if problem:
            raise ServiceError(problem, field="password")
        used = (Invitation.update(used_at=utcnow())
                .where((Invitation.id == invitation.id) & Invitation.used_at.is_null()).execute())
        if not used:
            raise ServiceError("Это приглашение уже использовано.", field="code")
        Account.update(password_hash=passwords.hash_password(new_password), is_active=True,
                       session_version=Account.session_version + 1).where(Account.id == account.id).execute()
        audit.record("invitation.redeemed", actor=account.person, obj=account, ip=ip)
    return Account.get_by_id(account.id)


def acknowledge_regulation(account: Account, ip: str = "") -> None:
    """s5, s7: a participant confirms having read the regulation before anything else."""
    with db.atomic():
        Account.update(regulation_acknowledged_at=utcnow()).where(
            (Account.id == account.id) & Account.regulation_acknowledged_at.is_null()).execute()
        audit.record("regulation.acknowledged", actor=account.person, obj=account, ip=ip)


# Every request asks these two: their text is written once (models.base.ConstantSql), not rebuilt by the
# query builder each time, which cost more than running them.
_SESSION_ACCOUNT = ConstantSql(lambda database: (
    f"SELECT {column_list(Account, 'a')}, {column_list(Person, 'p')}, {column_list(School, 's')} "
    f'FROM "{Account._meta.table_name}" AS a '
    f'INNER JOIN "{Person._meta.table_name}" AS p ON (a."{Account.person.column_name}" = p."{Person.id.column_name}") '
    f'INNER JOIN "{School._meta.table_name}" AS s ON (a."{Account.school.column_name}" = s."{School.id.column_name}") '
    f'WHERE a."{Account.id.column_name}" = {database.param} '
    f'AND a."{Account.session_version.column_name}" = {database.param} '
    f'AND a."{Account.is_active.column_name}" = {database.param} LIMIT 1'))
_SESSION_ROLES = ConstantSql(lambda database: (
    f'SELECT "{RoleGrant.role.column_name}" FROM "{RoleGrant._meta.table_name}" '
    f'WHERE "{RoleGrant.account.column_name}" = {database.param}'))


def load_for_session(account_id: int, session_version: int) -> Account | None:
    """The account behind a session cookie with its person, school and grants, in two queries."""
    row = _SESSION_ACCOUNT.execute((account_id, session_version, True)).fetchone()
    if row is None:
        return None
    person_at = len(Account._meta.sorted_fields)
    school_at = person_at + len(Person._meta.sorted_fields)
    account = from_row(Account, row[:person_at])
    account.person = from_row(Person, row[person_at:school_at])
    account.school = from_row(School, row[school_at:])
    account._roles = {role for (role,) in _SESSION_ROLES.execute((account.id,))}
    return account


def grant_role(actor: Person | None, account: Account, role: str, mentoring_format=None, ip: str = "",
               order_number: str = "", order_date=None, school_class=None) -> RoleGrant:
    """A curator's grant names its format, a class teacher's its class; the other roles name neither."""
    with db.atomic():
        grant, created = RoleGrant.get_or_create(
            account=account, role=role, mentoring_format=mentoring_format, school_class=school_class,
            defaults={"granted_by": actor, "order_number": order_number, "order_date": order_date})
        if created:
            details = {"school_class": getattr(school_class, "id", school_class)} if school_class is not None else {}
            audit.record("role.granted", actor=actor, obj=account, school=account.school_id, ip=ip,
                         role=role, mentoring_format=getattr(mentoring_format, "id", None), **details)
    return grant


def create_account(actor: Person | None, person: Person, login: str, roles=(), ip: str = "") -> Account:
    login = login.strip().lower()
    if Account.select().where(Account.login == login).exists():
        raise ServiceError("Такой логин уже занят.", field="login")
    with db.atomic():
        account = Account.create(school=person.school_id, person=person, login=login)
        audit.record("account.created", actor=actor, obj=account, school=person.school_id, ip=ip, login=login)
        for role in roles:
            grant_role(actor, account, role, ip=ip)
    return account
