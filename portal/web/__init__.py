"""What every blueprint's views share: page-or-fragment rendering, the client's address, form errors, the staff scope.

A layer between the blueprints and the services (.importlinter): shared forms are in portal.web.forms,
view bodies several role blueprints serve on URLs of their own in portal.web.pages."""
from urllib.parse import quote

from flask import Response, abort, flash, render_template, request, url_for
from flask_login import current_user, user_logged_in

from portal.formatting import agree, ru_datetime
from portal.services import NotAllowed, ServiceError, resets
from portal.services.staff import scope_for


def wants_fragment() -> bool:
    """htmx asked for a part of the page (boosted navigation, and restoring a pushed URL from history
    after Back, still want the whole page)."""
    return bool(request.htmx) and not request.htmx.boosted and not request.htmx.history_restore_request


def render(page: str, fragment: str | None = None, status: int = 200, **context):
    """One URL serves the page and its fragment; both render the same fragment template."""
    template = fragment if fragment and wants_fragment() else page
    return render_template(template, **context), status, {"Vary": "HX-Request, HX-History-Restore-Request"}


class UrlPattern:
    """A row's link written without a `url_for` per row: the URL is built once with a stand-in id and split
    there, and each row puts its own id in (`{{ correct_url|with_id(m.id) }}`, formatting.with_id) — the same
    text url_for gives."""

    STAND_IN = 7_300_000_001

    def __init__(self, endpoint: str, key: str, **values):
        url = url_for(endpoint, **{key: self.STAND_IN}, **values)
        self.head, found, self.tail = url.partition(str(self.STAND_IN))
        if not found:
            raise ValueError(f"UrlPattern: {endpoint} does not write {key} into its path")

    def __call__(self, row_id: int) -> str:
        return f"{self.head}{int(row_id)}{self.tail}"


def client_ip() -> str:
    return (request.remote_addr or "")[:45]


def user_agent() -> str:
    return (request.user_agent.string or "")[:300]


def actor():
    """The person acting in this request, for services and the audit trail."""
    return current_user.person if current_user.is_authenticated else None


def staff_scope(acting_as: str | None = None):
    """The current staff member's reach: the formats they coordinate or curate (`acting_as`: services.staff.scope_for).

    A person without a staff role is outside the area, so 403 (DECISIONS.md); an object outside the
    reach is the service's NotAllowed, answered 404 like one that does not exist."""
    try:
        return scope_for(current_user._get_current_object(), acting_as)
    except NotAllowed:
        abort(403)


def outcome(action):
    """Run a service call: (its result, None), or (None, the ServiceError that refused it).

    NotAllowed passes through: the app answers it with the 404 page, so another person's object
    looks the same as one that does not exist."""
    try:
        return action(), None
    except NotAllowed:
        raise
    except ServiceError as exc:
        return None, exc


def attempt(form, action):
    """Run a service call for a submitted form: a refusal goes beside its field and the result is None."""
    result, refusal = outcome(action)
    if refusal is not None:
        form_error(form, refusal)
    return result


def form_status(form) -> int:
    """422 when the form carries any error, so htmx swaps the form with its Russian messages."""
    return 422 if form.errors or form.form_errors else 200


def form_error(form, exc) -> None:
    """Put a service's refusal beside the field it concerns (or on top of the form)."""
    field = getattr(form, exc.field, None) if getattr(exc, "field", None) else None
    if field is not None:
        field.errors = list(field.errors) + [exc.message]
    else:
        form.form_errors.append(exc.message)


def pdf_response(data: bytes, filename: str) -> Response:
    """A PDF download; the file name is ASCII so no header carries Cyrillic."""
    return file_response(data, filename, "application/pdf")


def takes_upload(view):
    """Mark a view that receives an uploaded file: its requests may be up to 20 MB (create_app reads the mark)."""
    view.takes_upload = True
    return view


def file_response(data: bytes, filename: str, mimetype: str) -> Response:
    """A download, never shown inline; a Cyrillic name travels percent-encoded (RFC 6266), since a raw
    non-ASCII header is a 500 under gunicorn, with an ASCII name beside it for old clients."""
    ascii_name = "".join(ch for ch in filename if ch.isascii() and ch.isprintable() and ch not in '"\\') or "file"
    if ascii_name.startswith("."):
        ascii_name = "file" + ascii_name
    disposition = f'attachment; filename="{ascii_name}"'
    if ascii_name != filename:
        disposition += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return Response(data, mimetype=mimetype, headers={"Content-Disposition": disposition,
                                                      "Cache-Control": "no-store"})


def send_download(download) -> Response:
    """A file a service handed out (services.uploads.Download: checked and audited there) as an attachment."""
    return file_response(download.data, download.name, download.mimetype)


def tell_about_a_reset(sender, user, **extra) -> None:
    """At the first login after a password reset the person sees who reset it and when (DECISIONS.md,
    "Who may change whom"): a reset they did not ask for must not go unnoticed. Every way into a
    session (password, second factor, invitation code) passes flask-login's signal, so one receiver
    covers them all."""
    notice = resets.notice_after_login(user, ip=client_ip())
    if notice is not None:
        flash(f"Пароль к вашей учётной записи {agree(notice.by_person, 'сбросил(а)')} координатор {notice.by} "
              f"{ru_datetime(notice.at)}. "
              "Если вы об этом не просили, сообщите в школу.", "info")


user_logged_in.connect(tell_about_a_reset)
