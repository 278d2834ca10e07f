"""The second factor of coordinator and curator accounts (SECURITY.md, «Accounts and sessions»).

A time-based one-time code (TOTP, RFC 6238) from an authenticator app, checked after the password.
The coordinator may require it of every staff account of the school. A code is accepted once: the
account keeps the last accepted time step, and a conditional UPDATE moves it forward, so the same code
used twice — even by two requests at the same moment — passes only once. Ten recovery codes, shown
once when the factor is turned on and kept only as hashes, let a person whose phone is lost still log in.
"""
import hashlib
import re
import time
from dataclasses import dataclass

import pyotp
import segno
from pyotp import utils

from portal.db import db
from portal.models import Account, RecoveryCode, School
from portal.models.accounts import STAFF_ROLES
from portal.models.base import utcnow
from portal.services import NotAllowed, ServiceError, accounts, audit, passwords, throttle

ISSUER = "Наставник"
DIGITS = 6
# One step either way: a phone clock a little off, or a code typed as it changed, still works.
VALID_WINDOW = 1
CODE_RE = re.compile(r"[0-9]{%d}" % DIGITS)
RECOVERY_COUNT = 10
# The invitation slips' letters and digits, which cannot be misread when written down; two groups of five.
RECOVERY_LENGTH = 10
RECOVERY_RE = re.compile(r"[%s]{%d}" % (accounts.SLIP_ALPHABET, RECOVERY_LENGTH))

BAD_FORMAT = "Введите шесть цифр из приложения-аутентификатора."
WRONG_CODE = "Неверный код"
WRONG_PASSWORD = "Пароль введён неверно."
BAD_LOGIN_FORMAT = "Введите шесть цифр из приложения-аутентификатора или резервный код из десяти знаков."


@dataclass(frozen=True)
class Setup:
    secret: str
    uri: str

    @property
    def grouped_secret(self) -> str:
        """The secret in groups of four, as people type it into an app by hand."""
        return " ".join(self.secret[i:i + 4] for i in range(0, len(self.secret), 4))


def may_use(account: Account) -> bool:
    """Only staff accounts have a second factor; other roles never see the page."""
    return bool(STAFF_ROLES & set(account.role_names()))


def is_enabled(account: Account) -> bool:
    return account.totp_enabled_at is not None


def must_set_up(account: Account) -> bool:
    """The school requires a second factor and this staff account has none yet.

    Asked on every request (the gate in the app factory): the school comes joined with the account of
    the session (accounts.load_for_session), so the answer costs no query."""
    return not is_enabled(account) and may_use(account) and account.school.staff_totp_required


def school_requires(school_id: int) -> bool:
    return bool(School.select(School.staff_totp_required).where(School.id == school_id).scalar())


def normalise(code: str | None) -> str:
    """Six digits, spaces allowed between them (apps show «123 456»); anything else is refused."""
    cleaned = re.sub(r"\s+", "", code or "")
    if not CODE_RE.fullmatch(cleaned):
        raise ServiceError(BAD_FORMAT, field="code")
    return cleaned


def _matching_step(secret: str, code: str) -> int | None:
    """The time step the code belongs to within the window, or None."""
    totp = pyotp.TOTP(secret, digits=DIGITS)
    now = totp.timecode(time.time())
    for step in range(now - VALID_WINDOW, now + VALID_WINDOW + 1):
        if utils.strings_equal(code, totp.generate_otp(step)):
            return step
    return None


def _staff_only(account: Account) -> None:
    if not may_use(account):
        raise NotAllowed("Второй фактор есть только у координатора и кураторов.")


def _check_password(account: Account, password: str) -> None:
    if not passwords.verify_password(account.password_hash, password or ""):
        raise ServiceError(WRONG_PASSWORD, field="password")


def begin_setup(account: Account) -> Setup:
    """A fresh secret and the otpauth URI an app reads from the QR code; nothing is stored yet."""
    _staff_only(account)
    if is_enabled(account):
        raise ServiceError("Второй фактор уже включён.")
    secret = pyotp.random_base32()
    return setup_for(account, secret)


def setup_for(account: Account, secret: str) -> Setup:
    """The setup screen for a secret already offered (kept between the form and its submission)."""
    uri = pyotp.TOTP(secret, digits=DIGITS).provisioning_uri(name=account.login, issuer_name=ISSUER)
    return Setup(secret=secret, uri=uri)


def qr_svg(uri: str) -> str:
    """The QR code as an inline <svg> element: no image request, no script, nothing for the CSP to refuse."""
    return segno.make(uri, error="m").svg_inline(scale=4, title="QR-код для приложения-аутентификатора",
                                                 svgclass="qr", lineclass=None)


def confirm_setup(account: Account, secret: str, code: str, password: str, ip: str = "") -> list[str]:
    """Turn the second factor on once the owner proves the app shows the right codes.

    Returns the recovery codes, to be shown once: they exist nowhere else in the clear."""
    _staff_only(account)
    if is_enabled(account):
        raise ServiceError("Второй фактор уже включён.")
    code = normalise(code)
    if not secret or not re.fullmatch(r"[A-Z2-7]{16,64}", secret):
        raise ServiceError("Настройка устарела. Откройте страницу заново и отсканируйте новый QR-код.")
    _check_password(account, password)
    step = _matching_step(secret, code)
    if step is None:
        raise ServiceError(WRONG_CODE, field="code")
    with db.atomic():
        changed = (Account.update(totp_secret=secret, totp_enabled_at=utcnow(), totp_last_step=step)
                   .where((Account.id == account.id) & Account.totp_enabled_at.is_null()).execute())
        if not changed:
            raise ServiceError("Второй фактор уже включён.")
        codes = _new_recovery_codes(account)
        audit.record("totp.enabled", actor=account.person, obj=account, ip=ip)
    return codes


def _recovery_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def format_recovery(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def _new_recovery_codes(account: Account) -> list[str]:
    """Ten fresh codes replacing any earlier ones; called inside the caller's transaction."""
    RecoveryCode.delete().where(RecoveryCode.account == account.id).execute()
    codes = [accounts.slip_code(RECOVERY_LENGTH) for _ in range(RECOVERY_COUNT)]
    RecoveryCode.insert_many([{"account": account.id, "code_hash": _recovery_hash(c), "created_at": utcnow()}
                              for c in codes]).execute()
    return [format_recovery(c) for c in codes]


def recovery_codes_left(account: Account) -> int:
    return RecoveryCode.select().where((RecoveryCode.account == account.id) & RecoveryCode.used_at.is_null()).count()


def renew_recovery_codes(account: Account, password: str, code: str, ip: str = "") -> list[str]:
    """New recovery codes for the old ones (used up, or seen by someone): the password and a current code."""
    _staff_only(account)
    if not is_enabled(account):
        raise ServiceError("Второй фактор не включён.")
    code = normalise(code)
    _check_password(account, password)
    if not verify(account, code, ip=ip):
        raise ServiceError(WRONG_CODE, field="code")
    with db.atomic():
        codes = _new_recovery_codes(account)
        audit.record("totp.recovery_renewed", actor=account.person, obj=account, ip=ip)
    return codes


def _recovery_form(code: str | None) -> str | None:
    """A recovery code as typed — any case, with a dash or spaces — or None if it is not shaped like one."""
    cleaned = re.sub(r"[\s-]+", "", code or "").upper()
    return cleaned if RECOVERY_RE.fullmatch(cleaned) else None


def verify_login(account: Account, code: str | None, ip: str = "") -> bool:
    """The second step of a login: a code from the app, or one of the recovery codes (spent on use).

    Limited with the password step (throttle.Throttled): a wrong or malformed code is a failed login, so
    knowing the password does not buy unlimited guesses at the code; the full login clears the count."""
    throttle.check_login(account.login, ip, step="code")
    recovery = _recovery_form(code)
    if recovery is None:
        try:
            normalise(code)
        except ServiceError:
            with db.atomic():
                throttle.failed("password", account.login, ip)
            raise ServiceError(BAD_LOGIN_FORMAT, field="code") from None
        used = verify(account, code, ip=ip)
    else:
        used = _spend_recovery_code(account, recovery, ip)
    if used:
        with db.atomic():
            throttle.succeeded(account.login)
    return used


def _spend_recovery_code(account: Account, recovery: str, ip: str) -> bool:
    if not is_enabled(account):
        return False
    with db.atomic():
        used = bool(RecoveryCode.update(used_at=utcnow()).where(
            (RecoveryCode.account == account.id) & (RecoveryCode.code_hash == _recovery_hash(recovery))
            & RecoveryCode.used_at.is_null()).execute())
        if used:
            audit.record("totp.recovery_used", actor=account.person, obj=account, ip=ip)
        else:
            throttle.failed("password", account.login, ip)
            audit.record("totp.failed", actor=account.person, obj=account, ip=ip, reason="recovery")
    return used


def verify(account: Account, code: str | None, ip: str = "") -> bool:
    """A code for an account with the second factor on; each time step is accepted once."""
    try:
        code = normalise(code)
    except ServiceError:
        return False
    if not is_enabled(account):
        return False
    step = _matching_step(account.totp_secret, code)
    with db.atomic():
        used = step is not None and bool(
            Account.update(totp_last_step=step)
            .where((Account.id == account.id) & (Account.totp_last_step < step)
                   & Account.totp_enabled_at.is_null(False)).execute())
        if not used:  # a wrong code counts against the login like a wrong password
            throttle.failed("password", account.login, ip)
            audit.record("totp.failed", actor=account.person, obj=account, ip=ip,
                         reason="replay" if step is not None else "code")
    return used


def disable(account: Account, password: str, code: str, ip: str = "") -> Account:
    """Turn the second factor off: the password and a current code, so a left-open session is not enough."""
    if not is_enabled(account):
        raise ServiceError("Второй фактор не включён.")
    if may_use(account) and school_requires(account.school_id):
        raise ServiceError("В школе второй фактор обязателен для координатора и кураторов: отключить его нельзя. "
                           "Координатор может снять это требование.")
    code = normalise(code)
    _check_password(account, password)
    if not verify(account, code, ip=ip):  # the code is spent even if what follows fails
        raise ServiceError(WRONG_CODE, field="code")
    with db.atomic():
        clear_for_reset(account)
        audit.record("totp.disabled", actor=account.person, obj=account, ip=ip)
    return Account.get_by_id(account.id)


def clear_for_reset(account: Account) -> bool:
    """The secret and the recovery codes gone, inside the caller's transaction; True if a factor was on.

    Turning the factor off comes here, and so does the coordinator's password reset: the reset is how a
    person who lost both the phone and the recovery codes gets back in; whoever redeems the new code sets
    up a new factor, at once where the school requires one."""
    cleared = (Account.update(totp_secret="", totp_enabled_at=None, totp_last_step=0)
               .where((Account.id == account.id) & Account.totp_enabled_at.is_null(False)).execute())
    RecoveryCode.delete().where(RecoveryCode.account == account.id).execute()
    return bool(cleared)


def set_required(account: Account, required: bool, ip: str = "") -> bool:
    """The coordinator requires (or stops requiring) a second factor of the school's staff accounts.

    Not while their own account has none: the gate would at once send them to set it up, and a
    coordinator who could not would be the one person unable to undo the setting."""
    if not account.has_role("coordinator"):
        raise NotAllowed("Только координатор задаёт это требование.")
    if required and not is_enabled(account):
        raise ServiceError("Сначала включите второй фактор для своей учётной записи, затем требуйте его от других.",
                           field="required")
    with db.atomic():
        changed = (School.update(staff_totp_required=required)
                   .where((School.id == account.school_id) & (School.staff_totp_required != required)).execute())
        if changed:
            audit.record("totp.required_changed", actor=account.person, obj=School(id=account.school_id),
                         school=account.school_id, ip=ip, required=required)
    return required
