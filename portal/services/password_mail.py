"""«Забыли пароль?»: a single-use link by mail, only where the school has mail and the person an address
(DECISIONS.md, "Notifications and running for real"); elsewhere the coordinator resets the password.

The link carries an invitation code (services/accounts.issue_invitation, stored hashed, expiring in an
hour), so it is redeemed on the invitation page like a paper slip and dies at its first use. The mail goes
at once from the request, not through the outbox: the outbox would have to keep the code in the database
in plaintext until the worker sent it, and a code that waits ten minutes to be grouped is no help to
someone at the login page. The cost is that a relay that is down loses this one mail; the person asks
again. The answer is the same whatever the login (no account enumeration); requests are counted per
address like wrong invitation codes, and one account gets at most one link every few minutes.
"""
import html
from collections.abc import Callable
from datetime import timedelta
from email.message import EmailMessage

from portal.db import db
from portal.models import Account, Invitation, Person
from portal.models.base import utcnow
from portal.services import accounts, audit, mail, throttle

RESET_TTL = timedelta(hours=1)
# Another request for the same account within this time mails nothing (someone pressing the button again,
# or someone else trying to flood the person's mailbox).
QUIET = timedelta(minutes=5)
SUBJECT = "Наставник: восстановление пароля"


def _account(login: str) -> Account | None:
    return (Account.select(Account, Person).join(Person)
            .where(Account.login == (login or "").strip().lower()[:64]).first())


def compose(person: Person, link: str, sender: str, portal: str) -> EmailMessage:
    message = mail.envelope(person, SUBJECT, sender)
    message.set_content(
        "Здравствуйте!\n\n"
        "Кто-то (возможно, вы) попросил восстановить пароль на портале «Наставник». Чтобы задать новый пароль, "
        f"откройте ссылку:\n\n{link}\n\n"
        "Ссылка действует 1 час и только один раз. Если вы не просили восстановить пароль, ничего не делайте: "
        "прежний пароль продолжает действовать.\n\n"
        f"Портал: {portal}\nПисьмо отправлено автоматически, отвечать на него не нужно.\n")
    message.add_alternative(
        '<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>Восстановление пароля</title></head><body>'
        "<p>Здравствуйте!</p><p>Кто-то (возможно, вы) попросил восстановить пароль на портале «Наставник».</p>"
        f'<p><a href="{html.escape(link)}">Задать новый пароль</a></p>'
        "<p>Ссылка действует 1 час и только один раз. Если вы не просили восстановить пароль, ничего не делайте: "
        "прежний пароль продолжает действовать.</p>"
        '<p style="color:#666;font-size:small">Письмо отправлено автоматически, отвечать на него не нужно.</p>'
        "</body></html>", subtype="html")
    return message


def request_reset(login: str, settings: mail.Settings, link_for: Callable[[str], str], portal: str,
                  ip: str = "", send=mail.send_one) -> bool:
    """Mail a reset link for the login when its person can get mail. Returns whether a mail went, for
    tests and the log only: the page says the same either way. Raises throttle.Throttled past the limit."""
    throttle.check_reset(ip)
    with db.atomic():
        throttle.failed("reset", ip=ip)
        audit.record("password.reset_requested", ip=ip, login=(login or "").strip().lower()[:64])
    account = _account(login)
    # Only a password can be reset by mail: an account still waiting for its first invitation keeps the code
    # the school printed (a mailed one would revoke it).
    if account is None or not account.password_hash or not mail.mail_allowed(account.person) or settings.problem():
        return False
    recent = (Invitation.select().where((Invitation.account == account) & Invitation.created_by.is_null()
                                        & (Invitation.created_at > utcnow() - QUIET)).exists())
    if recent:
        return False
    code = accounts.issue_invitation(None, account, RESET_TTL, ip=ip)
    try:
        send(settings, compose(account.person, link_for(code), settings.sender, portal))
    except Exception as error:  # noqa: BLE001 — the relay's failure is logged, the page answers the same
        with db.atomic():
            audit.record("password.reset_mail_failed", obj=account, ip=ip, error=f"{type(error).__name__}"[:100])
        return False
    with db.atomic():
        audit.record("password.reset_mailed", obj=account, ip=ip)
    return True
