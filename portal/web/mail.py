"""The web layer's part of mail: the portal's addresses a mail links to, made with url_for, so the mail
service (services/mail.py) stays free of Flask. Used by `flask mail-worker`, the unsubscribe page and the
password reset by mail."""
from flask import current_app, url_for

from portal.services import mail
from portal.web.notices import link_of


def settings() -> mail.Settings:
    return mail.Settings.from_config(current_app.config)


def enabled() -> bool:
    """Mail is configured here (a relay and the portal's own address for the links): the «Забыли пароль?»
    link and the mail switch exist only then."""
    return bool(current_app.config.get("SMTP_HOST") and current_app.config.get("PORTAL_URL"))


def external(endpoint: str, **values) -> str:
    """An address for a mail, built on PORTAL_URL and never on the request's Host header, which the sender
    of a request chooses (a reset link pointing at someone else's site)."""
    return current_app.config["PORTAL_URL"].rstrip("/") + url_for(endpoint, **values)


def url_context(app):
    """A request context whose external URLs are the portal's own (PORTAL_URL), for work outside a request."""
    return app.test_request_context(base_url=app.config["PORTAL_URL"] or "http://localhost")


def unsubscribe_url(person_id: int, endpoint: str = "public.unsubscribe") -> str:
    token = mail.unsubscribe_token(current_app.secret_key, person_id)
    return url_for(endpoint, token=token, _external=True)


def links() -> mail.Links:
    """Every address a notification mail carries; call inside a request context (url_context)."""
    return mail.Links(item=lambda item: link_of(item, _external=True),
                      inbox=url_for("inbox.index", _external=True), unsubscribe=unsubscribe_url,
                      one_click=lambda person_id: unsubscribe_url(person_id, "public.unsubscribe_one_click"))
