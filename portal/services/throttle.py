"""Limits on guessing: wrong passwords and codes per login and per address, wrong invitation codes per address.

The failures live in the database (`LoginFailure`), so every worker of a portal — and every portal of a
municipality sharing one PostgreSQL — sees the same count; no Redis is needed (DECISIONS.md, "Who may
change whom"). A login is refused while it has too many recent failures, even with the right password:
otherwise the limit would only slow a guesser down, not stop one. A limit is counted over a sliding
window, and the refusal says how long to wait until the oldest counted failure leaves it.
"""
import math
from dataclasses import dataclass
from datetime import timedelta

from portal.formatting import plural
from portal.models import LoginFailure
from portal.models.base import utcnow
from portal.services import audit

KEEP = timedelta(days=1)


@dataclass(frozen=True)
class Limit:
    failures: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> "Limit":
        """«5/60»: five failures within sixty seconds."""
        failures, seconds = (int(part) for part in text.split("/"))
        if failures < 1 or seconds < 1:
            raise ValueError(f"a limit needs at least one failure and one second: {text!r}")
        return cls(failures, seconds)


@dataclass(frozen=True)
class Limits:
    per_login: Limit = Limit(5, 60)
    # A school's parents may share one address (the school's Wi-Fi at a parents' evening): generous
    # enough for their typos, far below what trying one password on every login would need.
    per_ip: Limit = Limit(15, 300)
    invitations_per_ip: Limit = Limit(20, 600)


LIMITS = Limits()


def configure(limits: Limits) -> None:
    """The app's settings (LOGIN_LIMIT_PER_LOGIN and the others), set once by the app factory."""
    global LIMITS
    LIMITS = limits


class Throttled(Exception):
    """Too many failures: the app answers 429 with this Russian message and a Retry-After header."""

    def __init__(self, retry_after: int):
        self.retry_after = max(1, retry_after)
        minutes = math.ceil(self.retry_after / 60)
        wait = plural(self.retry_after, "секунду", "секунды", "секунд") if self.retry_after < 60 \
            else plural(minutes, "минуту", "минуты", "минут")
        self.message = f"Слишком много неудачных попыток. Подождите {wait} и попробуйте снова."
        super().__init__(self.message)


def _wait(condition, limit: Limit) -> int:
    """Seconds until fewer than `limit.failures` failures remain in the window; 0 when under the limit."""
    now = utcnow()
    nth = (LoginFailure.select(LoginFailure.at)
           .where(condition & (LoginFailure.at > now - timedelta(seconds=limit.seconds)))
           .order_by(LoginFailure.at.desc()).offset(limit.failures - 1).limit(1).scalar())
    if nth is None:
        return 0
    return math.ceil((nth + timedelta(seconds=limit.seconds) - now).total_seconds())


def _refuse(wait: int, action: str, **details) -> None:
    if wait > 0:
        audit.record(action, **details)
        raise Throttled(wait)


def check_login(login: str, ip: str, step: str = "password") -> None:
    """Before a password or a code is even looked at: refuse while the login or the address is over its limit."""
    login = _key(login)
    wait = max(_wait(LoginFailure.login == login, LIMITS.per_login),
               _wait((LoginFailure.ip == ip) & (LoginFailure.kind == "password"), LIMITS.per_ip) if ip else 0)
    details = {"ip": ip, "login": login}
    if step != "password":
        details["step"] = step
    _refuse(wait, "login.throttled", **details)


def check_invitation(ip: str) -> None:
    wait = _wait((LoginFailure.ip == ip) & (LoginFailure.kind == "invitation"), LIMITS.invitations_per_ip) if ip else 0
    _refuse(wait, "invitation.throttled", ip=ip)


def check_reset(ip: str) -> None:
    """«Забыли пароль?»: every request counts (a mail goes out), per address, at the invitation codes' rate."""
    wait = _wait((LoginFailure.ip == ip) & (LoginFailure.kind == "reset"), LIMITS.invitations_per_ip) if ip else 0
    _refuse(wait, "password.reset_throttled", ip=ip)


def failed(kind: str, login: str = "", ip: str = "") -> None:
    """Count a failure; called in the transaction that writes its audit record. Day-old rows go as new come."""
    now = utcnow()
    LoginFailure.delete().where(LoginFailure.at < now - KEEP).execute()
    LoginFailure.create(kind=kind, login=_key(login), ip=ip, at=now)


def succeeded(login: str) -> None:
    """A right password (and code) clears the login's own count; the address keeps its count."""
    LoginFailure.delete().where(LoginFailure.login == _key(login)).execute()


def _key(login: str) -> str:
    return (login or "").strip().lower()[:64]
