"""The address mail goes to (README «Mail»): set or removed on the person's card by staff who reach the person.

The mail worker reads the address when it sends, so a corrected address is the one that counts and a
removed one drops what waited (services/mail.py)."""
import re

from portal.db import atomic_write
from portal.formatting import agree
from portal.models import Account, Person
from portal.services import ServiceError, audit, notifications
from portal.services.people.cards import _person_with_account
from portal.services.roster.person import EMAIL_RE
from portal.services.staff import StaffScope

EMAIL_LIMIT = 200
CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


def clean_email(text: str | None) -> str:
    """The address as typed, trimmed; a Russian refusal beside the field when it is not one."""
    email = (text or "").strip()
    if not email:
        return ""
    if len(email) > EMAIL_LIMIT:
        raise ServiceError(f"Не длиннее {EMAIL_LIMIT} символов.", field="email")
    if CONTROL_RE.search(email) or not EMAIL_RE.match(email):
        shown = CONTROL_RE.sub("", email)[:60]
        raise ServiceError(f"Адрес электронной почты «{shown}» не похож на адрес: нужен вид имя@school62.ru.",
                           field="email")
    return email


def _has_password(person_id: int) -> bool:
    return Account.select().where((Account.person == person_id) & (Account.password_hash != "")).exists()


def set_email(scope: StaffScope, person_id: int, text: str | None, ip: str = "") -> Person:
    """Write the address (empty removes it). Nothing is written when it is refused. The audit record says
    that the address changed, not what it is: the trail keeps no more personal data than it needs."""
    person = _person_with_account(scope, person_id)
    if person.destroyed_at is not None:
        raise ServiceError("Данные этого человека уничтожены.", field="email")
    if not scope.is_coordinator and _has_password(person.id):
        # A reset link goes to this address, so changing it hands the account over: like a reset, the
        # coordinator's alone (DECISIONS.md, "Who may change whom").
        raise ServiceError("Адрес человека, который уже входит в портал, меняет координатор: на этот адрес "
                           "приходит ссылка для смены пароля.", field="email")
    email = clean_email(text)
    if email == person.email:
        return person
    with atomic_write():
        Person.update(email=email).where(Person.id == person.id).execute()
        audit.record("person.email_changed", actor=scope.person, obj=person, school=person.school_id, ip=ip,
                     email="removed" if not email else ("set" if not person.email else "changed"))
        # The person learns of it at their next login: reset links go to this address.
        notifications.notify([person], "email.changed", obj=person,
                             details=f"{agree(scope.person, 'Изменил(а)')}: {scope.person.short_name}" if scope.person else "")
    person.email = email
    return person
