"""Asking for support and following the request; the psychologist's contact and closing on the same page.

Thin views: who may ask for whom, who reads a request and who may change it live in services.support; a request
outside the reader's reach is «not found» (NotAllowed), whoever they are."""
from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

from portal.auth.access import current_role
from portal.services import support
from portal.support import bp
from portal.web import attempt, client_ip, form_status
from portal.web.forms import TextForm, too_long


class AskForm(TextForm):
    about = SelectField("Для кого нужна поддержка", choices=[], validate_choice=False)
    topic = TextAreaField("О чём вы хотели бы поговорить (необязательно)",
                          validators=[Length(max=support.MAX_TOPIC, message=too_long(support.MAX_TOPIC))])
    contact = StringField("Как с вами связаться (необязательно): телефон, почта или «подойду в школе»",
                          validators=[Length(max=support.MAX_CONTACT, message=too_long(support.MAX_CONTACT))])

    def with_choices(self, people, me):
        self.about.choices = [SelectChoice(str(p.id), "для себя" if p.id == me else f"для ребёнка: {p.full_name}")
                              for p in people]
        return self


class NoteForm(TextForm):
    note = TextAreaField("Заметка (её видят только педагоги-психологи)",
                         validators=[Length(max=support.MAX_NOTE, message=too_long(support.MAX_NOTE))])


def _account():
    return current_user._get_current_object()


def _asker():
    account = _account()
    if not support.may_ask(account):
        abort(403)
    return account


@bp.route("/")
def index():
    """«Поддержка психолога»: the person's requests (and those of their children that parents see)."""
    account = _asker()
    return render_template("support/index.html", requests=support.my_requests(account),
                           state_titles=support.STATE_TITLES, me=account.person_id)


@bp.route("/ask", methods=["GET", "POST"])
def ask():
    account = _asker()
    people = support.whom_for(account)
    form = AskForm().with_choices(people, account.person_id)
    if form.validate_on_submit():
        made = attempt(form, lambda: support.ask(account, form.about.data, form.topic.data, form.contact.data,
                                                 acting_as=current_role(), ip=client_ip()))
        if made is not None:
            flash("Просьба отправлена педагогу-психологу школы: он свяжется с вами.", "success")
            return redirect(url_for("support.request_page", request_id=made.id), code=303)
    minor_self = support.parents_would_see(account.person)
    return render_template("support/ask.html", form=form, choose=len(people) > 1, minor_self=minor_self,
                           nobody_reads=not support.has_psychologist(account.school_id)), form_status(form)


def _page(view, contact_form=None, close_form=None, status=200):
    """Two forms of one field `note` on a page: each its own id, so each label names its own box."""
    contact_form, close_form = contact_form or NoteForm(), close_form or NoteForm()
    contact_form.note.id, close_form.note.id = "contact-note", "close-note"
    return render_template("support/request.html", view=view, r=view.request, state_titles=support.STATE_TITLES,
                           asked_as_titles=support.ASKED_AS_TITLES, contact_form=contact_form, close_form=close_form,
                           me=current_user.person_id), status


@bp.route("/<int:request_id>")
def request_page(request_id):
    """The request as its reader may see it: its state for the asker; the notes and the actions for a psychologist."""
    return _page(support.request_for(_account(), request_id))


def _change(request_id, action, done):
    account = _account()
    view = support.request_for(account, request_id)
    if not view.for_psychologist:
        abort(404)
    form = NoteForm()
    if form.validate_on_submit():
        if attempt(form, lambda: action(account, view.request.id, form.note.data, ip=client_ip())) is not None:
            flash(done, "success")
            return redirect(url_for("support.request_page", request_id=view.request.id), code=303)
    view = support.request_for(account, request_id)
    forms = {"contact_form": form} if action is support.record_contact else {"close_form": form}
    return _page(view, status=422, **forms)


@bp.route("/<int:request_id>/contact", methods=["POST"])
def contact(request_id):
    return _change(request_id, support.record_contact, "Контакт записан.")


@bp.route("/<int:request_id>/close", methods=["POST"])
def close(request_id):
    return _change(request_id, support.close, "Обращение закрыто.")
