"""Password policy and hashing (SECURITY.md): length over composition, argon2id, a common-password list."""
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 8
MAX_LENGTH = 128

_strong = PasswordHasher()  # argon2id with the library's RFC 9106 low-memory profile
# Same algorithm with the smallest cost: only the test suite selects it.
_fast = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
_hasher = _strong


def use_fast_hasher(fast: bool) -> None:
    global _hasher, DUMMY_HASH
    _hasher = _fast if fast else _strong
    DUMMY_HASH = _dummy_hash(fast)  # an unknown login costs what a real one costs, under either hasher


@lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    path = Path(__file__).resolve().parent.parent / "data" / "common-passwords.txt"
    return frozenset(line.strip().lower() for line in path.read_text().splitlines() if line.strip())


def policy_error(password: str, login: str = "") -> str | None:
    """The Russian reason a password is refused, or None."""
    if len(password) < MIN_LENGTH:
        return f"Пароль должен быть не короче {MIN_LENGTH} символов."
    if len(password) > MAX_LENGTH:
        return f"Пароль должен быть не длиннее {MAX_LENGTH} символов."
    if password.lower() in _common() or (login and password.lower() == login.lower()):
        return "Этот пароль слишком распространён: придумайте другой."
    return None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    if not stored_hash:
        return False
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@lru_cache(maxsize=2)
def _dummy_hash(fast: bool) -> str:
    return (_fast if fast else _strong).hash("no-such-account-placeholder")


# Checked against when the login is unknown, so both paths take the same time.
DUMMY_HASH = _dummy_hash(False)
