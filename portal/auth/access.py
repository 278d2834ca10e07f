"""Deny by default: a role's blueprint admits only accounts holding that role."""
import time
from urllib.parse import urlsplit

from flask import abort, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user

from portal.extensions import login_manager
from portal.models.accounts import STAFF_ROLES

HOME_ENDPOINTS = {
    "coordinator": "coordinator.home",
    "curator": "curator.home",
    "mentor": "mentor.home",
    "mentee": "mentee.home",
    "parent": "parent.home",
    "class_teacher": "class_teacher.home",
    "psychologist": "psychologist.home",
}


def require_role(*roles: str):
    """A before_request hook for a blueprint that admits accounts holding any of these roles."""

    def check():
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not any(current_user.has_role(role) for role in roles):
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
    now = time.time()
    session["since"] = now
    session["seen"] = now


def enforce_session_limits(app):
    """Coordinator and curator sessions end after 30 minutes idle; everyone's after 12 hours."""
    now = time.time()
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
        if request.htmx:  # a fragment request would otherwise swap the login page into the form
            return "", 204, {"HX-Redirect": url_for("auth.login")}
        return redirect(url_for("auth.login"))
    session["seen"] = now
    return None


def safe_next(target: str | None) -> str | None:
    """Only a local path may follow a login; anything else is an open redirect."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    # Browsers drop tabs and newlines from URLs ("/\t/evil.example" is "//evil.example"), and a
    # newline cannot go into a Location header at all.
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None

