from flask import abort, flash, redirect, url_for
from flask_login import current_user
from wtforms import BooleanField

from portal.inbox import bp
from portal.services import mail, notifications
from portal.web import client_ip, render
from portal.web import mail as web_mail
from portal.web.forms import EmptyForm, TextForm
from portal.web.notices import link_of


class MailForm(TextForm):
    mail = BooleanField("Присылать уведомления на почту")


@bp.route("/")
def index():
    """Newest first; each item opens the page where its task is done."""
    person_id = current_user.person_id
    items = notifications.inbox(person_id)
    person = current_user.person
    # The mail switch: only where the school has mail and the person an address on their card.
    mail_form = MailForm(mail=not person.mail_off) if web_mail.enabled() and person.email else None
    return render("inbox/index.html", "inbox/_items.html", items=items, form=EmptyForm(), mail_form=mail_form,
                  address=person.email, unread=sum(1 for item in items if item.read_at is None))


@bp.route("/mail", methods=["POST"])
def mail_setting():
    """«Присылать уведомления на почту» on or off: the person's own choice, with an audit record."""
    form = MailForm()
    if form.validate_on_submit():
        off = not form.mail.data
        if mail.set_mail_off(current_user.person, off, actor=current_user.person, ip=client_ip(), via="inbox"):
            flash("Уведомления на почту отключены." if off else "Уведомления будут приходить на почту.", "success")
    return redirect(url_for("inbox.index"), code=303)


@bp.route("/<int:item_id>")
def open_item(item_id):
    """Opening an item marks it read and goes to its task (another person's item is a 404)."""
    item = notifications.open_item(current_user.person_id, item_id)
    if item is None:
        abort(404)
    return redirect(link_of(item), code=303)


@bp.route("/read-all", methods=["POST"])
def read_all():
    form = EmptyForm()
    if form.validate_on_submit():
        if notifications.read_all(current_user.person_id):
            flash("Все уведомления отмечены прочитанными.", "success")
    return redirect(url_for("inbox.index"), code=303)
