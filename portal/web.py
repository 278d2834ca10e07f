"""What every blueprint's views share: page-or-fragment rendering, the client's address, form errors."""
from flask import render_template, request
from flask_login import current_user


def wants_fragment() -> bool:
    """htmx asked for a part of the page (boosted navigation still wants the whole page)."""
    return bool(request.htmx) and not request.htmx.boosted


def render(page: str, fragment: str | None = None, status: int = 200, **context):
    """One URL serves the page and its fragment; both render the same fragment template."""
    if fragment and wants_fragment():
        response = render_template(fragment, **context), status, {"Vary": "HX-Request"}
    else:
        response = render_template(page, **context), status, {"Vary": "HX-Request"}
    return response


def client_ip() -> str:
    return (request.remote_addr or "")[:45]


def user_agent() -> str:
    return (request.user_agent.string or "")[:300]


def actor():
    """The person acting in this request, for services and the audit trail."""
    return current_user.person if current_user.is_authenticated else None


def form_error(form, exc) -> None:
    """Put a service's refusal beside the field it concerns (or on top of the form)."""
    field = getattr(form, exc.field, None) if getattr(exc, "field", None) else None
    if field is not None:
        field.errors = list(field.errors) + [exc.message]
    else:
        form.form_errors.append(exc.message)
