"""The coordinator's side of consent (4.10, 4.11): versions of the consent texts, and the personal data
a withdrawal has made due for destruction (DECISIONS.md, «Retention after withdrawal»)."""
from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from portal.coordinator import bp
from portal.services import consent as consents
from portal.web import actor, attempt, client_ip, form_status
from portal.web.forms import EmptyForm, Form, REQUIRED, too_long


class ConsentTextForm(Form):
    title = StringField("Заголовок документа",
                        validators=[DataRequired(REQUIRED), Length(max=300, message=too_long(300))])
    body = TextAreaField("Текст", validators=[DataRequired(REQUIRED), Length(max=20000, message=too_long(20000))],
                         render_kw={"rows": 28})


@bp.route("/consent-texts")
def consent_texts():
    return render_template("coordinator/consent_texts.html", kinds=consents.text_versions(current_user.school_id))


@bp.route("/consent-texts/<kind>/new", methods=["GET", "POST"])
def new_consent_text(kind):
    """A new version, pre-filled with the current one: the old version is never edited."""
    if kind not in consents.KIND_TITLES:
        abort(404)
    current = consents.current_documents(current_user.school_id).get(kind)
    form = ConsentTextForm(data={"title": current.title, "body": current.body} if current else None)
    if form.validate_on_submit():
        document = attempt(form, lambda: consents.new_version(actor(), kind, form.title.data, form.body.data,
                                                              ip=client_ip()))
        if document is not None:
            flash(f"Опубликована редакция {document.version}. Новые подписи ставятся под ней; согласия, "
                  "подписанные раньше, остаются в своей редакции.", "success")
            return redirect(url_for("coordinator.consent_texts"), code=303)
    return render_template("coordinator/consent_text_form.html", form=form, kind=kind, current=current,
                           title=consents.KIND_TITLES[kind], guide=consents.placeholder_guide(kind)), \
        form_status(form)


@bp.route("/destruction")
def destruction():
    return render_template("coordinator/destruction.html", rows=consents.destruction_plan(current_user.school_id),
                           erased=consents.ERASED, kept=consents.KEPT, days=consents.DESTRUCTION_DAYS)


@bp.route("/destruction/<int:withdrawal_id>", methods=["GET", "POST"])
def destroy(withdrawal_id):
    """GET asks «are you sure?», POST destroys; a second POST of the same row changes nothing."""
    form = EmptyForm()
    if form.validate_on_submit():
        person = consents.destroy(actor(), withdrawal_id, current_user.school_id, ip=client_ip())
        if person.destroyed_at:
            flash(f"Данные уничтожены. В портале человек теперь обозначается как «{person.full_name}».", "success")
        else:
            flash(f"Уничтожены сведения по отозванному согласию. {person.full_name} остаётся в портале "
                  "на другом основании.", "success")
        return redirect(url_for("coordinator.destruction"), code=303)
    rows = consents.destruction_plan(current_user.school_id, withdrawal_id)
    if not rows:
        abort(404)
    return render_template("coordinator/destruction.html", confirm=rows[0], form=form, rows=rows,
                           erased=consents.ERASED, kept=consents.KEPT, days=consents.DESTRUCTION_DAYS)
