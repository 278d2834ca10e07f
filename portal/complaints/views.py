"""Thin views over services.complaints: who may file, read, explain and decide — and every Russian message — live
there; a complaint outside the reader's reach is «not found» (NotAllowed)."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import BooleanField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice

from portal.auth.access import current_role
from portal.complaints import bp
from portal.services import NotAllowed, ending, results
from portal.services import complaints as rules
from portal.services.staff import scope_for
from portal.web import actor, attempt, client_ip, form_status, render
from portal.web.forms import TextForm


def _scope():
    """The staff scope of a curator or the coordinator; None for everyone else."""
    try:
        return scope_for(current_user._get_current_object())
    except NotAllowed:
        return None


def _role() -> str | None:
    return rules.role_to_file_as(current_user.role_names(), current_role())


def _titles() -> dict:
    return {"role_titles": rules.ROLE_TITLES, "state_titles": rules.STATE_TITLES,
            "outcome_titles": rules.OUTCOME_TITLES}


class ComplaintForm(TextForm):
    pair = SelectField("Пара, на работу которой вы жалуетесь", choices=[], validate_choice=False)
    text = TextAreaField("Суть жалобы")
    name_shown = BooleanField("Наставник может видеть моё имя")

    def with_choices(self, choices):
        self.pair.choices = [SelectChoice("", "— выберите пару —")] + [SelectChoice(c.key, c.title) for c in choices]
        return self


class ExplanationForm(TextForm):
    explanation = TextAreaField("Ваше объяснение")


class DecisionForm(TextForm):
    outcome = SelectField("Решение", validate_choice=False, choices=[SelectChoice("", "— выберите решение —")] + [
        SelectChoice(code, title[:1].upper() + title[1:]) for code, title in rules.COMPLAINT_OUTCOMES])
    decision = TextAreaField("Текст решения (его прочтут заявитель и наставник)")


@bp.route("/")
def index():
    """The complainant's side: the complaints the person filed, filed for them, or their minor children's."""
    if _role() is None:
        abort(403)
    scope = _scope()
    return render_template("complaints/index.html", complaints=rules.mine(actor()), is_staff=scope is not None,
                           **_titles())


@bp.route("/new", methods=["GET", "POST"])
def new():
    role = _role()
    if role is None:
        abort(403)
    person, scope = actor(), _scope()
    choices = rules.pairs_to_complain_about(person, role, scope)
    form = ComplaintForm().with_choices(choices)
    if request.method == "POST" and form.validate():
        made = attempt(form, lambda: rules.file(person, role, form.pair.data, form.text.data, form.name_shown.data,
                                                scope, ip=client_ip()))
        if made is not None:
            flash("Жалоба подана. Наставник даст объяснение, решение примет координатор; "
                  "о решении придёт уведомление.", "success")
            return redirect(url_for("complaints.show", complaint_id=made.id), code=303)
    return render_template("complaints/new.html", form=form, role=role, has_pairs=bool(choices)), form_status(form)


def _show(view, explanation_form=None, decision_form=None, status: int = 200):
    pair = view.complaint.mentorship
    return render_template(
        "complaints/show.html", view=view, c=view.complaint,
        explanation_form=explanation_form or (ExplanationForm(fresh=True) if view.as_mentor else None),
        decision_form=decision_form or (DecisionForm(fresh=True) if view.is_coordinator else None),
        may_end=view.is_coordinator and ending.may_end(pair), **_titles()), status


@bp.route("/<int:complaint_id>")
def show(complaint_id):
    return _show(rules.readable(actor(), complaint_id, _scope()))


@bp.route("/<int:complaint_id>/explain", methods=["POST"])
def explain(complaint_id):
    """The mentor's written explanation."""
    person = actor()
    view = rules.readable(person, complaint_id, _scope())
    if not view.as_mentor:
        abort(404)
    form = ExplanationForm()
    if form.validate_on_submit():
        if attempt(form, lambda: rules.explain(person, view.complaint.id, form.explanation.data,
                                               ip=client_ip())) is not None:
            flash("Объяснение отправлено координатору.", "success")
            return redirect(url_for("complaints.show", complaint_id=view.complaint.id), code=303)
    return _show(view, explanation_form=form, status=422)


@bp.route("/<int:complaint_id>/decide", methods=["POST"])
def decide(complaint_id):
    """The coordinator's decision."""
    scope = _scope()
    if scope is None or not scope.is_coordinator:
        abort(403)
    view = rules.readable(scope.person, complaint_id, scope)
    form = DecisionForm()
    if form.validate_on_submit():
        if attempt(form, lambda: rules.decide(scope, view.complaint.id, form.outcome.data, form.decision.data,
                                              ip=client_ip())) is not None:
            flash("Решение принято: его увидят заявитель и наставник.", "success")
            return redirect(url_for("complaints.show", complaint_id=view.complaint.id), code=303)
    return _show(view, decision_form=form, status=422)


@bp.route("/review")
def review():
    """The coordinator's list of the school's complaints, a curator's of their forms; filtered by state and form."""
    scope = _scope()
    if scope is None:
        abort(403)
    filters = rules.parse_filters(scope, request.args.get("state"), request.args.get("format"))
    return render("complaints/review.html", "complaints/_review_rows.html",
                  complaints=rules.for_staff(scope, filters), filters=filters, counts=rules.counts(scope),
                  all_formats=list(scope.formats()), states=list(rules.COMPLAINT_STATES),
                  is_coordinator=scope.is_coordinator, **_titles())


@bp.route("/my-work")
def my_work():
    """«Оценка моей работы»: the complaints about the mentor's pairs and their mentees' satisfaction, aggregated."""
    if not current_user.has_role("mentor"):
        abort(403)
    person = actor()
    return render_template("complaints/my_work.html", complaints=rules.about_me(person),
                           satisfaction=rules.satisfaction(person), hidden_text=results.HIDDEN, **_titles())
