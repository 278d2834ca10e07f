"""The staff page of the second factor (TOTP): its state, turning it on with a QR code, recovery codes,
turning it off."""
from flask import abort, flash, redirect, session, url_for
from flask_login import current_user, login_required
from markupsafe import Markup

from portal.auth import bp
from portal.auth.forms import SecondFactorForm
from portal.services import totp
from portal.web import attempt, client_ip, form_status, render

# The secret offered on the setup screen, kept until the owner confirms it with a code: a reload or a
# wrong code shows the same QR code, so an app that already scanned it keeps working.
SETUP = "totp_setup"


def _staff_account():
    """The page is the staff's area: other roles get «доступ запрещён», as for any other staff page."""
    account = current_user._get_current_object()
    if not totp.may_use(account):
        abort(403)
    return account


def _recovery_codes_page(codes, *, first_time):
    """Shown once, in the response to the form that made them; nothing keeps them in the clear."""
    return render("auth/recovery_codes.html", codes=codes, first_time=first_time)


@bp.route("/account/second-factor")
@login_required
def second_factor():
    account = _staff_account()
    enabled = totp.is_enabled(account)
    return render("auth/second_factor.html", account=account, enabled=enabled, required=totp.must_set_up(account),
                  codes_left=totp.recovery_codes_left(account) if enabled else 0)


@bp.route("/account/second-factor/enable", methods=["GET", "POST"])
@login_required
def second_factor_enable():
    account = _staff_account()
    if totp.is_enabled(account):
        return redirect(url_for("auth.second_factor"))
    secret = session.get(SETUP)
    setup = totp.setup_for(account, secret) if secret else totp.begin_setup(account)
    session[SETUP] = setup.secret
    form = SecondFactorForm()
    if form.validate_on_submit():
        codes = attempt(form, lambda: totp.confirm_setup(account, setup.secret, form.code.data, form.password.data,
                                                         ip=client_ip()))
        if codes is not None:
            session.pop(SETUP, None)
            return _recovery_codes_page(codes, first_time=True)
    return render("auth/second_factor_enable.html", form=form, status=form_status(form), setup=setup,
                  qr=Markup(totp.qr_svg(setup.uri)))


@bp.route("/account/second-factor/recovery-codes", methods=["GET", "POST"])
@login_required
def recovery_codes():
    """New recovery codes replace the old ones: the password and a current code from the app."""
    account = _staff_account()
    form = SecondFactorForm()
    if form.validate_on_submit():
        codes = attempt(form, lambda: totp.renew_recovery_codes(account, form.password.data, form.code.data,
                                                                ip=client_ip()))
        if codes is not None:
            return _recovery_codes_page(codes, first_time=False)
    return render("auth/second_factor_confirm.html", form=form, status=form_status(form), enabled=totp.is_enabled(account),
                  action="renew")


@bp.route("/account/second-factor/disable", methods=["GET", "POST"])
@login_required
def second_factor_disable():
    account = _staff_account()
    form = SecondFactorForm()
    if form.validate_on_submit():
        done = attempt(form, lambda: totp.disable(account, form.password.data, form.code.data, ip=client_ip()))
        if done is not None:
            flash("Второй фактор отключён. Для входа теперь достаточно пароля.", "success")
            return redirect(url_for("auth.second_factor"), code=303)
    return render("auth/second_factor_confirm.html", form=form, status=form_status(form), enabled=totp.is_enabled(account),
                  action="disable")
