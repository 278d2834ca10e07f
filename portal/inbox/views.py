from flask import abort, flash, redirect, url_for
from flask_login import current_user

from portal.inbox import bp
from portal.services import notifications
from portal.web import render
from portal.web.forms import EmptyForm
from portal.web.notices import link_of


@bp.route("/")
def index():
    """Newest first; each item opens the page where its task is done."""
    person_id = current_user.person_id
    items = notifications.inbox(person_id)
    return render("inbox/index.html", "inbox/_items.html", items=items, form=EmptyForm(),
                  unread=sum(1 for item in items if item.read_at is None))


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
