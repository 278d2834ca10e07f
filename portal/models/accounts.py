"""Accounts, role grants and invitations: who may log in and as whom."""
from peewee import (
    SQL, BooleanField, CharField, DateField, DateTimeField, ForeignKeyField, IntegerField,
)

from portal.models.base import BaseModel, utcnow
from portal.models.people import Person, School, SchoolClass
from portal.models.programme import MentoringFormat

ROLES = (
    ("coordinator", "координатор"),
    ("curator", "куратор"),
    ("mentor", "наставник"),
    ("mentee", "наставляемый"),
    ("parent", "родитель"),
    ("class_teacher", "классный руководитель"),
    ("psychologist", "педагог-психолог"),
)
ROLE_TITLES = dict(ROLES)
# Staff log in with a second factor and a short idle limit; the psychologist reads the most private text the
# portal holds (psychological support), so the same rules.
STAFF_ROLES = frozenset({"coordinator", "curator", "psychologist"})


class Account(BaseModel):
    school = ForeignKeyField(School, backref="accounts", on_delete="CASCADE")
    person = ForeignKeyField(Person, unique=True, backref="accounts", on_delete="CASCADE")
    login = CharField(max_length=64, unique=True)
    # Empty until the owner sets a password through an invitation.
    password_hash = CharField(max_length=255, default="")
    # Bumped on logout and password change: every older session cookie stops working.
    session_version = IntegerField(default=0)
    is_active = BooleanField(default=True)
    created_at = DateTimeField(default=utcnow)
    last_login_at = DateTimeField(null=True)
    regulation_acknowledged_at = DateTimeField(null=True)
    # The second factor (TOTP) of staff accounts: the shared secret is never shown again after setup,
    # and the last accepted time step refuses a code used twice (replay). The database-level defaults
    # let migration 003 add the columns in place: SQLite would otherwise rebuild the table, and dropping
    # a table other rows point at fails (or cascades) with foreign keys on.
    totp_secret = CharField(max_length=64, default="", constraints=[SQL("DEFAULT ''")])
    totp_enabled_at = DateTimeField(null=True)
    totp_last_step = IntegerField(default=0, constraints=[SQL("DEFAULT 0")])

    # flask-login protocol
    @property
    def is_authenticated(self):
        return True

    @property
    def is_anonymous(self):
        return False

    def get_id(self):
        return f"{self.id}:{self.session_version}"

    def role_names(self) -> list[str]:
        """Held roles in the menu's order, loaded once per request."""
        held = getattr(self, "_roles", None)
        if held is None:
            held = {g.role for g in self.grants}
            self._roles = held
        return [r for r, _ in ROLES if r in held]

    def has_role(self, role: str) -> bool:
        return role in self.role_names()

    def forget_roles(self) -> None:
        """The grants are read again on the next question: a step of this request changed them (an order that
        relieves the coordinator who registers it)."""
        self._roles = None


class RoleGrant(BaseModel):
    account = ForeignKeyField(Account, backref="grants", on_delete="CASCADE")
    role = CharField(max_length=20, choices=ROLES)
    # Curators are granted per mentoring format; other roles leave it empty.
    mentoring_format = ForeignKeyField(
        MentoringFormat, null=True, backref="grants", on_delete="CASCADE"
    )
    # Class teachers (4.5) are granted per class, one grant a class; other roles leave it empty.
    school_class = ForeignKeyField(SchoolClass, null=True, backref="grants", on_delete="CASCADE")
    granted_by = ForeignKeyField(Person, null=True, on_delete="SET NULL", backref="+")
    granted_at = DateTimeField(default=utcnow)
    # The appointing order (4.3): its number and date, as the coordinator typed them.
    order_number = CharField(max_length=50, default="")
    order_date = DateField(null=True)

    class Meta:
        indexes = ((("account", "role", "mentoring_format"), True), (("account", "role", "school_class"), True))


class Invitation(BaseModel):
    """A single-use, expiring code; only its hash is kept, the slip is printed once."""

    account = ForeignKeyField(Account, backref="invitations", on_delete="CASCADE")
    code_hash = CharField(max_length=64, unique=True)
    created_by = ForeignKeyField(Person, null=True, on_delete="SET NULL", backref="+")
    created_at = DateTimeField(default=utcnow)
    expires_at = DateTimeField()
    used_at = DateTimeField(null=True)
    revoked_at = DateTimeField(null=True)


class RecoveryCode(BaseModel):
    """A one-time code that stands in for the authenticator app when the phone is lost.

    Shown once when the second factor is turned on; only its hash is kept, as with invitations."""

    account = ForeignKeyField(Account, backref="recovery_codes", on_delete="CASCADE")
    code_hash = CharField(max_length=64, unique=True)
    created_at = DateTimeField(default=utcnow)
    used_at = DateTimeField(null=True)


class LoginFailure(BaseModel):
    """A wrong password, second-factor code or invitation code, kept for a day.

    Counted in the database, not in a worker's memory, so the limit holds with any number of workers
    and no Redis (DECISIONS.md, "Who may change whom")."""

    kind = CharField(max_length=12)  # password (codes of the second factor count with it), invitation
    login = CharField(max_length=64, default="")
    ip = CharField(max_length=45, default="")
    at = DateTimeField(default=utcnow, index=True)

    class Meta:
        indexes = ((("login", "at"), False), (("ip", "kind", "at"), False))
