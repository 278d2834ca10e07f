"""Deny by default: a role's blueprint admits only accounts holding that role."""
from flask import abort, redirect, session, url_for
from flask_login import current_user, login_user, logout_user

from portal.extensions import login_manager
from portal.models.accounts import STAFF_ROLES
from portal.models.base import utcnow

HOME_ENDPOINTS = {
    "coordinator": "coordinator.home",
    "curator": "curator.home",
    "mentor": "mentor.home",
    "mentee": "mentee.home",
    "parent": "parent.home",
}


def require_role(role: str):
    """A before_request hook for a role's blueprint."""

    def check():
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not current_user.has_role(role):
            abort(403)
    return check


def current_role() -> str | None:
    """The role whose home page and menu the account sees now (the switch only chooses this)."""
    if not current_user.is_authenticated:
        return None
    held = current_user.role_names()
    chosen = session.get("role")
    return chosen if chosen in held else (held[0] if held else None)


def home_url() -> str:
    role = current_role()
    return url_for(HOME_ENDPOINTS[role]) if role else url_for("auth.no_roles")


def start_session(account) -> None:
    """A fresh session on login: the old one (and its CSRF token) is dropped."""
    session.clear()
    login_user(account)
    session.permanent = True
    now = utcnow().timestamp()
    session["since"] = now
    session["seen"] = now


def enforce_session_limits(app):
    """Coordinator and curator sessions end after 30 minutes idle; everyone's after 12 hours."""
    now = utcnow().timestamp()
    since, seen = session.get("since"), session.get("seen")
    if since is None or seen is None:
        return None
    idle = app.config["STAFF_IDLE_TIMEOUT"].total_seconds()
    total = app.config["SESSION_ABSOLUTE_LIMIT"].total_seconds()
    staff = any(r in STAFF_ROLES for r in current_user.role_names())
    if now - since > total or (staff and now - seen > idle):
        logout_user()
        session.clear()
        session["expired"] = True
        return redirect(url_for("auth.login"))
    session["seen"] = now
    return None


def safe_next(target: str | None) -> str | None:
    """Only a local path may follow a login; anything else is an open redirect."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None

