"""Thin views over services.voice: every rule and its Russian message lives there."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from portal.auth.access import current_role
from portal.proposals import bp
from portal.services import uploads
from portal.services import voice as rules
from portal.web import actor, attempt, client_ip, form_status, render, send_download, staff_scope, takes_upload
from portal.web.forms import Form, TextForm


def _is_coordinator() -> bool:
    return current_user.has_role("coordinator")


def _role() -> str | None:
    return rules.role_to_write_as(current_user.role_names(), current_role())


class ProposalForm(Form):
    child = SelectField("За кого из детей вы пишете", choices=[], validate_choice=False)
    topic = SelectField("О чём предложение", validate_choice=False, choices=[SelectChoice("", "— выберите —")] + [
        SelectChoice(code, title[:1].upper() + title[1:]) for code, title in rules.PROPOSAL_TOPICS])
    mentoring_format = SelectField("Форма наставничества, которой оно касается (если касается одной)", choices=[],
                                   validate_choice=False)
    text = TextAreaField("Ваше предложение")
    file = FileField("Файл к предложению, если нужен (PDF, Word, Excel, PowerPoint, JPEG или PNG, до 20 МБ)")
    publish_agreed = BooleanField("Согласен(на) показать предложение всем участникам, если его примут")

    def with_choices(self, person, role):
        self.child.choices = [SelectChoice("", "— выберите ребёнка —")] + [
            SelectChoice(str(c.id), c.full_name) for c in (rules.children_of(person) if role == "parent" else [])]
        self.mentoring_format.choices = [SelectChoice("", "— не касается одной формы —")] + [
            SelectChoice(str(f.id), f.name) for f in rules.formats_of(person.school_id)]
        return self

    def data_for_service(self) -> rules.ProposalData:
        upload = self.file.data
        data = upload.read(uploads.MAX_BYTES + 1) if upload else None
        return rules.ProposalData(topic=self.topic.data or "", format_id=self.mentoring_format.data,
                                  text=self.text.data if isinstance(self.text.data, str) else "",
                                  child_id=self.child.data, publish_agreed=bool(self.publish_agreed.data),
                                  file_name=getattr(upload, "filename", "") or "", file_data=data or None)


class AgreementForm(TextForm):
    agreed = BooleanField("Согласен(на) показать предложение всем участникам")


class StateForm(TextForm):
    """The coordinator's buttons: the action they take, and the answer the author reads."""
    action = StringField()
    answer = TextAreaField("Ответ автору (обязателен, чтобы принять или отклонить)")


@bp.route("/")
def index():
    """The person's own proposals (and those a parent wrote for them) with their state and answer."""
    person = actor()
    return render_template("proposals/index.html", proposals=rules.mine(person), role=_role(),
                           is_coordinator=_is_coordinator(), **_titles())


def _titles() -> dict:
    return {"topic_titles": rules.TOPIC_TITLES, "state_titles": rules.STATE_TITLES,
            "role_titles": rules.ROLE_TITLES}


@bp.route("/new", methods=["GET", "POST"])
@takes_upload
def new():
    person, role = actor(), _role()
    form = ProposalForm().with_choices(person, role)
    if request.method == "POST" and form.validate():
        made = attempt(form, lambda: rules.submit(person, role, form.data_for_service(), ip=client_ip()))
        if made is not None:
            flash("Предложение отправлено координатору. Ответ появится здесь, о нём придёт уведомление.", "success")
            return redirect(url_for("proposals.show", proposal_id=made.id), code=303)
    return render_template("proposals/new.html", form=form, role=role), form_status(form)


def _show(proposal, state_form=None, status: int = 200):
    person = actor()
    mine = proposal.author_id == person.id
    return render_template(
        "proposals/show.html", proposal=proposal, mine=mine, is_coordinator=_is_coordinator(),
        published=rules.is_published(proposal), actions=rules.ACTIONS,
        agreement_form=AgreementForm(fresh=True, agreed=proposal.publish_agreed) if mine else None,
        state_form=state_form or (StateForm(fresh=True) if _is_coordinator() else None), **_titles()), status


@bp.route("/<int:proposal_id>")
def show(proposal_id):
    return _show(rules.readable(actor(), proposal_id, _is_coordinator()))


@bp.route("/<int:proposal_id>/agreement", methods=["POST"])
def agreement(proposal_id):
    """The author's «согласен(на) на публикацию», on or off."""
    person = actor()
    proposal = rules.readable(person, proposal_id)
    form = AgreementForm()
    if form.validate_on_submit():
        changed = rules.set_agreement(person, proposal.id, form.agreed.data, ip=client_ip())
        flash("Вы согласились показать предложение всем участникам, когда его примут." if changed.publish_agreed
              else "Согласие на публикацию снято: предложение видят только вы и координатор.", "success")
    return redirect(url_for("proposals.show", proposal_id=proposal.id), code=303)


@bp.route("/<int:proposal_id>/state", methods=["POST"])
def change_state(proposal_id):
    """The coordinator takes the proposal under review, answers it, publishes it or takes it down."""
    if not _is_coordinator():
        abort(403)
    scope = staff_scope()
    proposal = rules.readable(scope.person, proposal_id, is_coordinator=True)
    form = StateForm()
    if form.validate_on_submit():
        action = form.action.data or ""
        changed = attempt(form, lambda: rules.change_state(scope, proposal.id, action, form.answer.data or "",
                                                           ip=client_ip()))
        if changed is not None:
            flash(rules.ACTION_DONE[action], "success")
            return redirect(url_for("proposals.show", proposal_id=proposal.id), code=303)
    return _show(proposal, form, form_status(form))


@bp.route("/<int:proposal_id>/file")
def attachment(proposal_id):
    return send_download(rules.attachment(actor(), proposal_id, _is_coordinator(), ip=client_ip()))


@bp.route("/review")
def review():
    """The coordinator's list of the school's proposals, filtered by state, form and topic (a fixed query count)."""
    if not _is_coordinator():
        abort(403)
    scope = staff_scope()
    filters = rules.parse_filters(scope, request.args.get("state"), request.args.get("format"),
                                  request.args.get("topic"))
    return render("proposals/review.html", "proposals/_review_rows.html", proposals=rules.for_review(scope, filters),
                  filters=filters, counts=rules.counts(scope.school_id), all_formats=list(scope.formats()),
                  states=list(rules.PROPOSAL_STATES), topics=list(rules.PROPOSAL_TOPICS), **_titles())


@bp.route("/published")
def published():
    """Accepted proposals published with their authors' agreement: every participant reads them."""
    return render_template("proposals/published.html", proposals=rules.published(actor().school_id), **_titles())
