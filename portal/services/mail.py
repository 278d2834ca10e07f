"""The mail worker's rules (DECISIONS.md, "Notifications and running for real"): the outbox rows that
`notifications.notify` writes are mailed here, grouped per person, at most one mail per person every
ten minutes, with retries and backoff while the relay is down.

A row is never deleted: it is marked `sent_at` once the relay has accepted the mail, or `dropped_at` when
it will never go (the address was removed, the person turned mail off, their data were destroyed).
A failure leaves it waiting with `attempts`, `last_error` and a later `next_attempt_at` (1, 2, 4 … minutes,
at most an hour), so nothing is lost while the relay is down and it goes once the relay is back.

A row is marked sent in its own transaction right after the relay accepted the mail; only a crash in
that gap could send it twice. Run one worker per database (deploy/systemd/nastavnik-mail.service).

No Flask here: the links (the portal's pages) come from the caller as `Links`, so `flask mail-worker`
builds them with the web layer's url_for and a test can pass its own.

A mail names the tasks by their titles only (Notification.title never carries anyone's name, see
services/notifications.py); `details`, which may name another person, stays in the portal.
"""
import html
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formataddr, make_msgid, parseaddr

from itsdangerous import BadSignature, URLSafeSerializer

from portal.db import atomic_write
from portal.formatting import plural
from portal.models import Notification, OutboxMail, Person
from portal.models.base import utcnow
from portal.services import audit

GROUP_EVERY = timedelta(minutes=10)
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=1)
BATCH = 200                # people per batch
TIMEOUT = 30               # seconds for each SMTP step
SECURITIES = ("starttls", "ssl", "none")
UNSUBSCRIBE_SALT = "mail-unsubscribe"
PORTAL_NAME = "Портал «Наставник»"


@dataclass(frozen=True)
class Settings:
    """The relay, from the SMTP_* settings (portal/config.py)."""
    host: str
    port: int = 587
    security: str = "starttls"
    user: str = ""
    password: str = ""
    sender: str = ""
    timeout: float = TIMEOUT

    @classmethod
    def from_config(cls, config) -> "Settings":
        return cls(host=config.get("SMTP_HOST", ""), port=int(config.get("SMTP_PORT") or 587),
                   security=(config.get("SMTP_SECURITY") or "starttls").lower(),
                   user=config.get("SMTP_USER", ""), password=config.get("SMTP_PASSWORD", ""),
                   sender=config.get("MAIL_SENDER") or config.get("SMTP_USER", ""))

    def problem(self) -> str:
        """Why mail cannot go with these settings, in Russian; empty when it can."""
        if not self.host:
            return "Почта не настроена: задайте SMTP_HOST (и SMTP_PORT, SMTP_SECURITY, SMTP_USER, " \
                   "SMTP_PASSWORD, MAIL_SENDER) в окружении портала."
        if self.security not in SECURITIES:
            return f"SMTP_SECURITY должен быть одним из: {', '.join(SECURITIES)}."
        if "@" not in parseaddr(self.sender)[1]:
            return "Не задан адрес отправителя: MAIL_SENDER (например, nastavnik@school62.ru)."
        return ""


@dataclass(frozen=True)
class Links:
    """The portal's addresses, made by the web layer: an item's page, the inbox, a person's unsubscribe page,
    and the address a mail program posts to for one-click unsubscribing (RFC 8058)."""
    item: Callable[[Notification], str]
    inbox: str
    unsubscribe: Callable[[int], str]
    one_click: Callable[[int], str]


@dataclass
class BatchResult:
    sent: int = 0          # mails the relay accepted
    failed: int = 0        # people whose mail waits for a retry
    dropped: int = 0       # outbox rows that will never go


# --- unsubscribing ------------------------------------------------------------------------------------

def unsubscribe_token(secret_key: str, person_id: int) -> str:
    """The signed part of a mail's «отписаться» link: it names the person and nothing else, and does not
    expire (a mail read a month later still unsubscribes)."""
    return URLSafeSerializer(secret_key, salt=UNSUBSCRIBE_SALT).dumps(person_id)


def person_of_token(secret_key: str, token: str) -> Person | None:
    try:
        person_id = URLSafeSerializer(secret_key, salt=UNSUBSCRIBE_SALT).loads(token)
    except BadSignature:
        return None
    if not isinstance(person_id, int):
        return None
    return Person.get_or_none((Person.id == person_id) & Person.destroyed_at.is_null())


def mail_allowed(person: Person) -> bool:
    """The person gets mail: an address on the card and mail not turned off."""
    return bool(person.email) and not person.mail_off and person.destroyed_at is None


def set_mail_off(person: Person, off: bool, actor: Person | None = None, ip: str = "", via: str = "") -> bool:
    """Turn a person's mail off (or back on); their waiting outbox rows are dropped when it goes off.
    True when something changed. `actor` is the person themselves when logged in, None from a mail's link."""
    with atomic_write():
        changed = Person.update(mail_off=off).where((Person.id == person.id) & (Person.mail_off != off)).execute()
        if changed:
            if off:
                _drop(OutboxMail.person == person.id, "рассылка отключена", utcnow())
            audit.record("mail.off" if off else "mail.on", actor=actor, obj=person, school=person.school_id,
                         ip=ip, via=via)
    person.mail_off = off
    return bool(changed)


# --- the batch ----------------------------------------------------------------------------------------

def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 … minutes after the 1st, 2nd, 3rd … failure, never more than an hour."""
    return min(FIRST_RETRY * (2 ** max(0, min(attempts, 12) - 1)), LONGEST_RETRY)


def _pending():
    return OutboxMail.sent_at.is_null() & OutboxMail.dropped_at.is_null()


def _drop(condition, reason: str, now: datetime) -> int:
    return (OutboxMail.update(dropped_at=now, last_error=reason[:300])
            .where(condition & _pending()).execute())


def due_people(now: datetime, limit: int = BATCH) -> list[int]:
    """People with a row whose time has come and no mail in the last ten minutes (the grouping)."""
    recent = OutboxMail.select(OutboxMail.person).where(OutboxMail.sent_at > now - GROUP_EVERY)
    return [pid for (pid,) in OutboxMail.select(OutboxMail.person).distinct()
            .where(_pending() & (OutboxMail.next_attempt_at <= now) & OutboxMail.person.not_in(recent))
            .order_by(OutboxMail.person).limit(limit).tuples()]


def _rows_of(person_id: int) -> list[OutboxMail]:
    return list(OutboxMail.select(OutboxMail, Notification).join(Notification)
                .where((OutboxMail.person == person_id) & _pending())
                .order_by(Notification.created_at, OutboxMail.id))


def envelope(person: Person, subject: str, sender: str) -> EmailMessage:
    """The headers every mail of the portal carries, to the person's own address; the body is the caller's."""
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender if "<" in sender else formataddr((PORTAL_NAME, sender))
    message["To"] = person.email
    message["Message-ID"] = make_msgid(domain=parseaddr(sender)[1].rpartition("@")[2] or None)
    message["Auto-Submitted"] = "auto-generated"
    return message


def compose(person: Person, items: list[Notification], links: Links, sender: str) -> EmailMessage:
    """One Russian mail for the person's waiting items: titles and links only, plain text and simple HTML."""
    count = len(items)
    subject = (f"Наставник: {items[0].title}" if count == 1 else
               "Наставник: " + plural(count, "новое уведомление", "новых уведомления", "новых уведомлений"))
    unsubscribe = links.unsubscribe(person.id)
    message = envelope(person, subject, sender)
    message["List-Unsubscribe"] = f"<{links.one_click(person.id)}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"  # RFC 8058: the mail program's own button

    lead = ("На портале «Наставник» для вас новое уведомление:" if count == 1 else
            f"На портале «Наставник» для вас {plural(count, 'новое уведомление', 'новых уведомления', 'новых уведомлений')}:")
    lines = ["Здравствуйте!", "", lead, ""]
    for item in items:
        lines += [f"• {item.title}", f"  {links.item(item)}", ""]
    lines += [f"Все уведомления: {links.inbox}", "",
              "Письмо отправлено автоматически, отвечать на него не нужно.",
              f"Не присылать уведомления на почту: {unsubscribe}"]
    message.set_content("\n".join(lines) + "\n")

    e = html.escape
    entries = "".join(f'<li><a href="{e(links.item(item))}">{e(item.title)}</a></li>' for item in items)
    message.add_alternative(
        '<!doctype html><html lang="ru"><head><meta charset="utf-8">'
        f"<title>{e(subject)}</title></head><body>"
        f"<p>Здравствуйте!</p><p>{e(lead)}</p><ul>{entries}</ul>"
        f'<p><a href="{e(links.inbox)}">Все уведомления на портале</a></p>'
        '<p style="color:#666;font-size:small">Письмо отправлено автоматически, отвечать на него не нужно. '
        f'<a href="{e(unsubscribe)}">Не присылать уведомления на почту</a></p>'
        "</body></html>", subtype="html")
    return message


def connect(settings: Settings) -> smtplib.SMTP:
    """An open, logged-in connection to the relay (STARTTLS, SSL or plain, as SMTP_SECURITY says)."""
    if settings.security == "ssl":
        smtp = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout,
                                context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        if settings.security == "starttls":
            smtp.starttls(context=ssl.create_default_context())
    if settings.user:
        smtp.login(settings.user, settings.password)
    return smtp


def send_one(settings: Settings, message: EmailMessage) -> None:
    """One mail on a connection of its own (the password reset link, which never waits in the outbox)."""
    smtp = connect(settings)
    try:
        smtp.send_message(message)
    finally:
        _quit(smtp)


def _quit(smtp) -> None:
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


def _claim(person_id: int, now: datetime) -> bool:
    """The person's mail is this worker's for the next minutes: their due rows move out of the way of
    another batch started meanwhile. False when nothing of theirs is due any more."""
    with atomic_write():
        return bool(OutboxMail.update(next_attempt_at=now + timedelta(seconds=TIMEOUT * 4))
                    .where((OutboxMail.person == person_id) & _pending() & (OutboxMail.next_attempt_at <= now))
                    .execute())


def _failed(rows: list[OutboxMail], error: Exception, now: datetime) -> None:
    attempts = max(row.attempts for row in rows) + 1
    text = f"{type(error).__name__}: {error}"[:300]
    with atomic_write():
        (OutboxMail.update(attempts=attempts, next_attempt_at=now + backoff(attempts), last_error=text)
         .where(OutboxMail.id.in_([row.id for row in rows]) & _pending()).execute())


def run_batch(settings: Settings, links: Links, now: datetime | None = None, log=lambda text: None) -> BatchResult:
    """Mail everyone whose time has come, one mail each. One connection serves the batch; when it breaks
    (the relay went away mid-batch), the person's rows wait for their retry and the next person tries a
    new connection."""
    now = now or utcnow()
    result = BatchResult()
    smtp = None
    try:
        for person_id in due_people(now):
            person = Person.get_or_none(Person.id == person_id)
            if person is None or not mail_allowed(person):
                reason = ("рассылка отключена" if person is not None and person.mail_off
                          else "нет адреса электронной почты")
                result.dropped += _drop(OutboxMail.person == person_id, reason, now)
                continue
            if not _claim(person_id, now):
                continue
            rows = _rows_of(person_id)
            if not rows:
                continue
            try:
                message = compose(person, [row.notification for row in rows], links, settings.sender)
            except (ValueError, TypeError) as error:  # an address a mail header cannot carry: waits for a fix
                log(f"письмо для участника №{person_id} не составлено: {error}")
                _failed(rows, error, now)
                result.failed += 1
                continue
            try:
                if smtp is None:
                    smtp = connect(settings)
                smtp.send_message(message)
            except (smtplib.SMTPException, OSError) as error:
                log(f"письмо для участника №{person_id} не отправлено: {type(error).__name__}: {error}")
                _failed(rows, error, now)
                result.failed += 1
                if smtp is not None and not isinstance(error, (smtplib.SMTPRecipientsRefused,
                                                                smtplib.SMTPSenderRefused,
                                                                smtplib.SMTPDataError)):
                    smtp.close()
                    smtp = None
                continue
            with atomic_write():
                OutboxMail.update(sent_at=now, attempts=OutboxMail.attempts + 1, last_error="").where(
                    OutboxMail.id.in_([row.id for row in rows]) & _pending()).execute()
            result.sent += 1
    finally:
        if smtp is not None:
            _quit(smtp)
    return result


def waiting(now: datetime | None = None) -> dict[str, int]:
    """What the outbox holds: for `flask mail-worker --once` and the log."""
    now = now or utcnow()
    return {"waiting": OutboxMail.select().where(_pending()).count(),
            "retrying": OutboxMail.select().where(_pending() & (OutboxMail.attempts > 0)).count()}
