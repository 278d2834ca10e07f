import time

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, logout_user

from portal.auth import bp
from portal.auth.access import current_role, home_url, safe_next, start_session
from portal.auth.forms import (
    ForgotForm, InvitationForm, LoginCodeForm, LoginForm, PasswordChangeForm, RoleSwitchForm,
)
from portal.regulation import regulation_sections
from portal.services import accounts, password_mail, totp
from portal.web import attempt, client_ip, form_status, render
from portal.web import mail as web_mail
from portal.web.forms import EmptyForm

# A correct password with the second factor on waits this long for the code, then starts over.
PENDING_LOGIN_SECONDS = 5 * 60
PENDING = "pending_login"


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(home_url())
    form = LoginForm()
    if session.pop("expired", False):
        flash("Сеанс завершён. Войдите снова.", "info")
    if form.validate_on_submit():
        account = accounts.authenticate(form.login.data, form.password.data, ip=client_ip())
        if account is not None and totp.is_enabled(account):
            return _await_code(account, request.args.get("next"))
        if account is not None:
            return _signed_in(account, request.args.get("next"))
        form.form_errors.append(accounts.GENERIC_LOGIN_ERROR)
    status = form_status(form)
    return render("auth/login.html", form=form, status=status, mail_reset=web_mail.enabled())


SENT = ("Если для этого логина в портале указан адрес электронной почты, на него отправлено письмо со ссылкой "
        "для нового пароля. Ссылка действует 1 час. Письма нет — попросите в школе приглашение.")


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot():
    """«Забыли пароль?»: a single-use link by mail (services/password_mail.py). Only where the school has mail;
    the answer is the same whatever the login."""
    if not web_mail.enabled():
        abort(404)
    if current_user.is_authenticated:
        return redirect(home_url())
    form = ForgotForm()
    if form.validate_on_submit():
        password_mail.request_reset(
            form.login.data, web_mail.settings(), lambda code: web_mail.external("auth.invitation", code=code),
            web_mail.external("public.index"), ip=client_ip())
        flash(SENT, "info")
        return redirect(url_for("auth.login"), code=303)
    return render("auth/forgot.html", form=form, status=form_status(form))


def _signed_in(account, next_url):
    start_session(account)
    return redirect(safe_next(next_url) or home_url(), code=303)


def _await_code(account, next_url):
    """The password was right; the session is not logged in until the code is too.

    The session version travels along, so a logout or password change meanwhile voids the step."""
    session.clear()
    session[PENDING] = {"id": account.id, "version": account.session_version, "login": account.login,
                        "at": time.time(), "next": safe_next(next_url)}
    return redirect(url_for("auth.login_code"), code=303)


def _pending():
    """The half-finished login in this session, or None once it is missing or older than five minutes."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict):
        return None
    if time.time() - pending.get("at", 0) > PENDING_LOGIN_SECONDS:
        session.pop(PENDING, None)
        session["expired_code"] = True
        return None
    return pending


@bp.route("/login/code", methods=["GET", "POST"])
def login_code():
    """The second step of a login with the second factor on: the code from the authenticator app."""
    if current_user.is_authenticated:
        return redirect(home_url())
    pending = _pending()
    account = pending and accounts.load_for_session(pending["id"], pending["version"])
    if not account:
        session.pop(PENDING, None)
        if session.pop("expired_code", False):
            flash("Время на ввод кода истекло. Войдите снова.", "info")
        return redirect(url_for("auth.login"))
    form = LoginCodeForm()
    if form.validate_on_submit():
        right = attempt(form, lambda: totp.verify_login(account, form.code.data, ip=client_ip()))
        if right:
            return _signed_in(account, pending["next"])
        if right is False:
            form.code.errors = [totp.WRONG_CODE]
    return render("auth/login_code.html", form=form, status=form_status(form))


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    if EmptyForm().validate_on_submit():
        accounts.end_all_sessions(current_user._get_current_object(), ip=client_ip())
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"), code=303)


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        account = attempt(form, lambda: accounts.change_password(
            current_user._get_current_object(), form.old_password.data, form.new_password.data, ip=client_ip()))
        if account is not None:
            role = session.get("role")
            start_session(account)  # this browser stays in; every other session has ended
            session["role"] = role
            flash("Пароль изменён. Остальные сеансы завершены.", "success")
            if request.htmx:
                # The new session has a new CSRF token: reload the whole page so every form on it
                # (the logout button, the role switch) carries that token, and the message shows.
                return "", 204, {"HX-Redirect": url_for("auth.password")}
            return redirect(url_for("auth.password"), code=303)
    return render("auth/password.html", "auth/_password_form.html", status=form_status(form), form=form)


@bp.route("/invitation", methods=["GET", "POST"])
def invitation():
    form = InvitationForm()
    # The link of a «Забыли пароль?» mail brings the code along: the page only asks for the new password.
    from_mail = request.method == "GET" and bool(request.args.get("code"))
    if from_mail:
        form.code.data = request.args["code"][:40]
    if form.validate_on_submit():
        account = attempt(form, lambda: accounts.redeem_invitation(form.code.data, form.password.data, ip=client_ip()))
        if account is not None and totp.is_enabled(account):
            # A mailed link replaces the password, never the second factor: the login still asks for the code.
            flash(f"Пароль сохранён. Войдите с новым паролем и кодом из приложения. Ваш логин: {account.login}",
                  "success")
            return redirect(url_for("auth.login"), code=303)
        if account is not None:
            start_session(account)
            flash(f"Пароль сохранён. Ваш логин: {account.login}", "success")
            return redirect(home_url(), code=303)
    return render("auth/invitation.html", form=form, status=form_status(form), from_mail=from_mail)


@bp.route("/role", methods=["POST"])
@login_required
def switch_role():
    form = RoleSwitchForm()
    if form.validate_on_submit() and current_user.has_role(form.role.data):
        session["role"] = form.role.data
    return redirect(home_url(), code=303)


@bp.route("/regulation")
def regulation():
    return render_template("auth/regulation.html", sections=regulation_sections())


@bp.route("/regulation/acknowledge", methods=["GET", "POST"])
@login_required
def acknowledge():
    form = EmptyForm()
    if form.validate_on_submit():
        accounts.acknowledge_regulation(current_user._get_current_object(), ip=client_ip())
        return redirect(home_url(), code=303)
    return render_template("auth/acknowledge.html", form=form, sections=regulation_sections())


@bp.route("/no-roles")
@login_required
def no_roles():
    if current_role():  # the page tells an account it has no role: never show it to one that has
        return redirect(home_url())
    return render_template("auth/no_roles.html", role=current_role())
