"""A new invitation for an account that exists: a first code, or a password reset (DECISIONS.md,
"Who may change whom").

Whoever holds an invitation code sets the account's password, so a code for an account that already
has a password hands the account over. That is a reset: the coordinator's alone, with a reason in the
audit trail; it ends the person's sessions at once, and the person is told at their next login who
reset the password and when, so a reset they did not ask for does not go unnoticed. The staff card
and the coordinator's account list both come here, so the rule has one home.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from peewee import JOIN

from portal.db import atomic_write
from portal.models import Account, AuditEvent, Person
from portal.formatting import agree, short_name
from portal.services import NotAllowed, ServiceError, accounts, audit, notifications, totp
from portal.services.staff import StaffScope

REASON_LIMIT = 300
RESET = "password.reset"
RESET_SHOWN = "password.reset_shown"


def is_reset(account: Account) -> bool:
    """A new code for this account would replace a password someone already uses."""
    return bool(account.password_hash)


def _reason(text: str) -> str:
    reason = " ".join((text or "").replace("\x00", "").split())
    if not reason:
        raise ServiceError("Укажите причину сброса пароля: она останется в журнале.", field="reason")
    if len(reason) > REASON_LIMIT:
        raise ServiceError(f"Не длиннее {REASON_LIMIT} символов.", field="reason")
    return reason


def reissue(scope: StaffScope, account: Account, ttl: timedelta, reason: str = "", ip: str = "") -> str:
    """A fresh single-use code for an account of the scope's school (the caller checked who the person is).

    Without a password it is the first invitation, reissued. With one it is a reset: NotAllowed for a
    curator (views answer 404), a reason required, every session of the account ended and its second
    factor taken away (a lost phone is what a staff member's reset is usually for) in the same
    transaction as the new code and the audit record.
    """
    if account.school_id != scope.school_id:
        raise NotAllowed("Учётная запись другой школы.")
    if not is_reset(account):
        return accounts.issue_invitation(scope.person, account, ttl, ip=ip)
    if not scope.is_coordinator:
        raise NotAllowed("Пароль сбрасывает координатор.")
    reason = _reason(reason)
    with atomic_write():
        code = accounts.issue_invitation(scope.person, account, ttl, ip=ip)
        Account.update(session_version=Account.session_version + 1).where(Account.id == account.id).execute()
        second_factor = totp.clear_for_reset(account)
        audit.record(RESET, actor=scope.person, obj=account, school=account.school_id, ip=ip,
                     account=account.login, reason=reason, second_factor_cleared=second_factor)
        notifications.notify([account.person_id], RESET, obj=account,
                             details=f"{agree(scope.person, 'Сбросил(а)')} {short_name(scope.person)}; "
                                     "войдите по новому коду приглашения")
    return code


def reissue_for_account(scope: StaffScope, account_id: int, ttl: timedelta, reason: str = "",
                        ip: str = "") -> tuple[Account, str]:
    """The coordinator's account list: any account of the school (a curator never gets here)."""
    if not scope.is_coordinator:
        raise NotAllowed("Учётные записи ведёт координатор.")
    account = account_of_school(scope, account_id)
    return account, reissue(scope, account, ttl, reason=reason, ip=ip)


def account_of_school(scope: StaffScope, account_id: int) -> Account:
    account = (Account.select(Account, Person).join(Person)
               .where((Account.id == account_id) & (Account.school == scope.school_id)).first())
    if account is None:
        raise NotAllowed("Нет такой учётной записи.")
    return account


@dataclass(frozen=True)
class ResetNotice:
    by: str          # «Петрова А. С.», or «—» when the staff member's data are gone
    at: datetime
    by_person: object = None  # the staff member, for «сбросила» or «сбросил»; None when gone


def notice_after_login(account: Account, ip: str = "") -> ResetNotice | None:
    """Who reset this account's password and when, once: the first login after a reset shows it and
    writes that it was shown, so the next login is quiet. Two queries when there is nothing to say."""
    staff = Person.alias()
    last = (AuditEvent.select(AuditEvent, staff)
            .join(staff, JOIN.LEFT_OUTER, on=(AuditEvent.actor == staff.id), attr="staff")
            .where((AuditEvent.action == RESET) & (AuditEvent.object_type == "Account")
                   & (AuditEvent.object_id == account.id))
            .order_by(AuditEvent.id.desc()).first())
    if last is None:
        return None
    shown = AuditEvent.select().where((AuditEvent.action == RESET_SHOWN) & (AuditEvent.object_type == "Account")
                                      & (AuditEvent.object_id == account.id) & (AuditEvent.id > last.id)).exists()
    if shown:
        return None
    with atomic_write():
        audit.record(RESET_SHOWN, actor=account.person_id, obj=account, school=account.school_id, ip=ip,
                     reset=last.id)
    by = last.staff.short_name if last.staff is not None and last.staff.id is not None else "—"
    return ResetNotice(by=by, at=last.created_at, by_person=last.staff if by != "—" else None)
