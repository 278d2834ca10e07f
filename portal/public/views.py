from flask import abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.file import FileField, FileRequired

from portal.auth.access import home_url, safe_next
from portal.extensions import csrf, limiter
from portal.models import School
from portal.public import bp
from portal.services import bank, issued, mail, public_pages
from portal.web import attempt, client_ip, form_status, send_download, serving
from portal.web.forms import EmptyForm, Form
from portal.web.menu import LOW_VISION_COOKIE, LOW_VISION_YEAR


@bp.route("/")
def index():
    if current_user.is_authenticated:
        return redirect(home_url())
    return render_template("public/index.html", school=School.select().order_by(School.id).first())


# --- checking an issued document by its code (DECISIONS.md «What a signed document is») -----------

class VerifyForm(Form):
    file = FileField("Файл PDF, который нужно проверить",
                     validators=[FileRequired("Выберите файл PDF, полученный из портала.")])


def _verify_limit() -> str:
    return current_app.config.get("VERIFY_RATE_LIMIT", "30 per minute")


@bp.route("/verify")
@limiter.limit(_verify_limit)
def verify_lookup():
    """The code typed off a paper copy; a well-formed code goes to its page."""
    typed = request.args.get("code")
    if typed is None:
        return render_template("public/verify_lookup.html", error=None, typed="")
    code = issued.normalise_code(typed)
    if code is None:
        return render_template("public/verify_lookup.html", typed=typed[:64],
                               error=f"Код проверки — {issued.CODE_LENGTH} латинских букв и цифр, как напечатан "
                                     "внизу документа."), 422
    return redirect(url_for("public.verify", code=code), code=303)


@bp.route("/verify/<code>", methods=["GET", "POST"])
@limiter.limit(_verify_limit)
def verify(code):
    """Without login: the kind, the date, the number, withdrawn or not, and whether an uploaded file is the
    very PDF the portal issued — never a name."""
    found = issued.verify(code)
    if found is None:
        return render_template("public/verify_unknown.html", code=code[:64]), 404
    form = VerifyForm()
    result = None
    if form.validate_on_submit():
        data = form.file.data.read(issued.MAX_UPLOAD_BYTES + 1)
        result = attempt(form, lambda: issued.check_upload(code, data, ip=client_ip()))
    return render_template("public/verify.html", form=form, result=result, **found), form_status(form)


# --- «версия для слабовидящих»: larger type and high contrast, kept in a cookie, no script ----------

@bp.route("/display", methods=["POST"])
def display():
    """Switch the low-vision version on or off and go back to the page the switch was pressed on."""
    response = redirect(safe_next(request.form.get("next")) or url_for("public.index"), 303)
    if request.form.get("low_vision") == "1":
        response.set_cookie(LOW_VISION_COOKIE, "1", max_age=LOW_VISION_YEAR, samesite="Lax",
                            secure=current_app.config.get("SESSION_COOKIE_SECURE", False), httponly=True)
    else:
        response.delete_cookie(LOW_VISION_COOKIE)
    return response


# --- «не присылать уведомления на почту»: the link at the foot of every mail ---------------------------

@bp.route("/mail/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token):
    """No login: the signed token names the person. The page shows nothing about them; a GET changes
    nothing (a mail scanner that opens links must not unsubscribe anyone), the button does."""
    person = mail.person_of_token(current_app.secret_key, token[:200])
    if person is None:
        abort(404)
    form = EmptyForm()
    if form.validate_on_submit():
        mail.set_mail_off(person, True, actor=None, ip=client_ip(), via="mail link")
        return redirect(url_for("public.unsubscribe", token=token), 303)
    return render_template("public/unsubscribe.html", form=form, off=person.mail_off)


@bp.route("/mail/unsubscribe/<token>/one-click", methods=["GET", "POST"])
@csrf.exempt  # a mail program posts without the portal's cookies; the signed token is the proof
def unsubscribe_one_click(token):
    """The address in a mail's List-Unsubscribe header (RFC 8058): the mail program's own «unsubscribe»
    posts `List-Unsubscribe=One-Click` here. Anything else (a GET of a scanner, another body) goes to the page
    with the button and changes nothing."""
    person = mail.person_of_token(current_app.secret_key, token[:200])
    if person is None:
        abort(404)
    if request.method == "POST" and request.form.get("List-Unsubscribe") == "One-Click":
        mail.set_mail_off(person, True, actor=None, ip=client_ip(), via="one-click")
        return "Уведомления на почту больше не приходят.\n", 200, {"Content-Type": "text/plain; charset=utf-8"}
    return redirect(url_for("public.unsubscribe", token=token), 303)


# --- «Наши наставники», «Лучшие наставники», the public part of the methodical bank (s9, 3.2) ---------------
# No login, no session (their layout asks no CSRF token, so no cookie is set), no id or name in any address.
# The pages are kept rendered until the next audited change (services.public_pages.PageCache): a request that
# finds its page costs one query, and a withdrawn consent takes the person off at the next request.

def embeddable(view):
    """A page the school's site may show in a frame: the app factory relaxes frame-ancestors for it only."""
    view.embeddable = True
    return view


def _public_page(name: str, template: str, data, embed: bool = False):
    low_vision = request.cookies.get(LOW_VISION_COOKIE) == "1"

    def build():
        school = public_pages.school()
        return render_template(template, school=school, embed=embed, low_vision=low_vision,
                               **(data(school.id) if school else {}))

    cache = current_app.extensions.get("public_cache")
    key = f"{name}:{int(embed)}:{int(low_vision)}"
    return cache.page(key, build) if cache is not None else build()


def _mentors(school_id):
    return {"cards": public_pages.mentors(school_id)}


def _honour(school_id):
    return {"years": public_pages.honour_board(school_id)}


@bp.route("/public/mentors")
def mentors():
    """«Наши наставники»: the mentors who agreed to be shown, with what they agreed to show."""
    return _public_page("mentors", "public/mentors.html", _mentors)


@bp.route("/public/mentors/embed")
@embeddable
def mentors_embed():
    """The same list without the portal's header, for a frame on the school's site."""
    return _public_page("mentors", "public/mentors.html", _mentors, embed=True)


@bp.route("/public/honour")
def honour():
    """The honour board «Лучшие наставники», by year."""
    return _public_page("honour", "public/honour.html", _honour)


@bp.route("/public/honour/embed")
@embeddable
def honour_embed():
    return _public_page("honour", "public/honour.html", _honour, embed=True)


@bp.route("/public/photo/<token>")
def photo(token):
    """A photo on a public page, by its random token, while the consent names the photo; shown, not downloaded."""
    found = public_pages.photo(token)
    return found.data, 200, {"Content-Type": found.mimetype, "Cache-Control": "no-store"}


@bp.route("/public/bank")
def bank_page():
    """The methodical bank's public part: what the coordinator published and the author let everyone see."""
    return _public_page("bank", "public/bank.html", lambda school_id: {"materials": bank.public(school_id)})


@bp.route("/public/bank/<token>/file")
def bank_file(token):
    """A public material's file, by its random token; audited like every download."""
    return send_download(bank.public_download(token, ip=client_ip()))


# --- the proxy's health check (deploy/nginx) ----------------------------------------------------------

@bp.route("/healthz")
def healthz():
    """200 «ok» when the database answers and is migrated to the head; 503 with the reason otherwise.
    No login, no session, no template: one query."""
    reason = serving.health()
    return (reason or "ok") + "\n", 503 if reason else 200, {"Content-Type": "text/plain; charset=utf-8"}
