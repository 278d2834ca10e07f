"""Thin views over services.recognition: every rule and its Russian message lives there."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from portal.auth.access import current_role
from portal.recognition import bp
from portal.services import ServiceError, years
from portal.services import recognition as rules
from portal.web import actor, attempt, client_ip, form_status, send_download, staff_scope
from portal.web.forms import DayField, EmptyForm, TextForm


def _is_coordinator() -> bool:
    return current_user.has_role("coordinator")


def _coordinator_scope():
    if not _is_coordinator():
        abort(403)
    return staff_scope()


def _role() -> str | None:
    return rules.role_to_nominate_as(current_user.role_names(), current_role())


def _scope_for(role):
    """The reach of the role one nominates in: a coordinator who is a curator too, acting as curator, nominates
    the mentors of the forms they curate."""
    return staff_scope(acting_as=role) if role in ("coordinator", "curator") else None


def _choices(blank: str, pairs) -> list[SelectChoice]:
    return [SelectChoice("", blank)] + [SelectChoice(str(value), title) for value, title in pairs]


class CompetitionForm(TextForm):
    kind = SelectField("Конкурс", choices=[], validate_choice=False)
    year = SelectField("Учебный год", choices=[], validate_choice=False)
    event = SelectField("Мероприятие, на котором объявят итоги (если есть)", choices=[], validate_choice=False)

    def with_choices(self, school_id):
        self.kind.choices = _choices("— выберите конкурс —", ((k, f"«{t}»") for k, t in rules.COMPETITION_KINDS))
        self.year.choices = [SelectChoice(str(y), t) for y, t in rules.year_choices()]
        self.event.choices = _choices("— без мероприятия —", ((e.id, f"{e.title}, {e.held_on:%d.%m.%Y}")
                                                              for e in rules.events(school_id)))
        return self


class NominationForm(TextForm):
    nominee = SelectField("Наставник", choices=[], validate_choice=False)
    reason = TextAreaField("За что вы выдвигаете наставника")


class EventForm(TextForm):
    kind = SelectField("Вид мероприятия", validate_choice=False,
                       choices=_choices("— выберите —", ((k, t.capitalize()) for k, t in rules.EVENT_KINDS)))
    title = StringField("Название")
    held_on = DayField("Дата")
    place = StringField("Место проведения")
    programme = TextAreaField("Программа")


class ParticipantForm(TextForm):
    person = SelectField("Участник", choices=[], validate_choice=False)


class ContestForm(TextForm):
    person = SelectField("Наставник", choices=[], validate_choice=False)
    level = SelectField("Уровень конкурса", validate_choice=False,
                        choices=_choices("— выберите —", ((k, t.capitalize()) for k, t in rules.CONTEST_LEVELS)))
    contest = StringField("Название конкурса")
    year = SelectField("Учебный год", choices=[], validate_choice=False)
    outcome = SelectField("Итог", validate_choice=False,
                          choices=[SelectChoice(k, t.capitalize()) for k, t in rules.CONTEST_OUTCOMES])


def _titles() -> dict:
    return {"competition_titles": rules.COMPETITION_TITLES, "state_titles": rules.STATE_TITLES,
            "nominator_titles": rules.NOMINATOR_TITLES, "place_titles": rules.PLACE_TITLES,
            "event_titles": rules.EVENT_KIND_TITLES, "level_titles": rules.LEVEL_TITLES,
            "outcome_titles": rules.OUTCOME_TITLES, "year_label": years.label}


# --- competitions ----------------------------------------------------------------------------------------------

def _index(form=None, status: int = 200):
    person = actor()
    coordinator = _is_coordinator()
    return render_template("recognition/index.html", competitions=rules.competitions(person.school_id),
                           is_coordinator=coordinator,
                           form=(form or CompetitionForm(fresh=True)).with_choices(person.school_id) if coordinator
                           else None, **_titles()), status


@bp.route("/")
def index():
    """The school's competitions: open ones to nominate for, decided ones with their results."""
    return _index()


@bp.route("/competitions", methods=["POST"])
def create():
    scope = _coordinator_scope()
    form = CompetitionForm()
    if form.validate():
        made = attempt(form, lambda: rules.create_competition(scope, form.kind.data or "", form.year.data,
                                                              form.event.data, ip=client_ip()))
        if made is not None:
            flash(f"Конкурс «{rules.title_of(made)}» объявлен: выдвигайте наставников.", "success")
            return redirect(url_for("recognition.competition", competition_id=made.id), code=303)
    return _index(form, 422)


def _competition_page(found, nomination_form=None, decide_form=None, status: int = 200):
    person, role = actor(), _role()
    coordinator = _is_coordinator()
    can_nominate = found.status == "open" and role is not None
    if can_nominate and nomination_form is None:
        nomination_form = NominationForm(fresh=True)
    if nomination_form is not None:
        nomination_form.nominee.choices = _choices("— выберите наставника —", (
            (p.id, p.full_name) for p in rules.candidates(person, role, _scope_for(role))))
    return render_template(
        "recognition/competition.html", competition=found, role=role, is_coordinator=coordinator,
        nominations=rules.nominations(found, person, coordinator), nomination_form=nomination_form,
        decide_form=(decide_form or EmptyForm()) if coordinator and found.status == "open" else None,
        documents=rules.documents(person.school_id, competition_id=found.id) if coordinator else [],
        **_titles()), status


@bp.route("/competitions/<int:competition_id>")
def competition(competition_id):
    return _competition_page(rules.competition(actor().school_id, competition_id))


@bp.route("/competitions/<int:competition_id>/nominate", methods=["POST"])
def nominate(competition_id):
    person, role = actor(), _role()
    if role is None:
        abort(403)
    found = rules.competition(person.school_id, competition_id)
    form = NominationForm()
    if form.validate():
        made = attempt(form, lambda: rules.nominate(person, role, found.id, form.nominee.data, form.reason.data,
                                                    scope=_scope_for(role), ip=client_ip()))
        if made is not None:
            flash(f"{made.nominee.full_name}: выдвижение принято.", "success")
            return redirect(url_for("recognition.competition", competition_id=found.id), code=303)
    return _competition_page(found, nomination_form=form, status=422)


@bp.route("/competitions/<int:competition_id>/decide", methods=["POST"])
def decide(competition_id):
    """The jury's decision: a place per nomination (the «place-<id>» fields), recorded once."""
    scope = _coordinator_scope()
    found = rules.competition(scope.school_id, competition_id)
    form = EmptyForm()
    if form.validate():
        places = {key.removeprefix("place-"): value for key, value in request.form.items()
                  if key.startswith("place-")}
        done = attempt(form, lambda: rules.decide(scope, found.id, places, ip=client_ip()))
        if done is not None:
            flash("Итоги подведены: грамоты и благодарственные письма выданы.", "success")
            return redirect(url_for("recognition.competition", competition_id=found.id), code=303)
    return _competition_page(found, decide_form=form, status=422)


@bp.route("/competitions/<int:competition_id>/documents.pdf")
def competition_documents(competition_id):
    """Every certificate and letter of the competition, one PDF to print."""
    scope = _coordinator_scope()
    found = rules.competition(scope.school_id, competition_id)
    try:
        return send_download(rules.batch_pdf(scope, competition_id=found.id, ip=client_ip()))
    except ServiceError as refused:
        flash(refused.message, "error")
        return redirect(url_for("recognition.competition", competition_id=found.id), code=303)


@bp.route("/documents/<int:document_id>.pdf")
def document(document_id):
    return send_download(rules.document_pdf(_coordinator_scope(), document_id, ip=client_ip()))


# --- events ----------------------------------------------------------------------------------------------------

@bp.route("/events", methods=["GET", "POST"])
def events():
    scope = _coordinator_scope()
    form = EventForm()
    if request.method == "POST" and form.validate():
        made = attempt(form, lambda: rules.create_event(scope, form.kind.data or "", form.title.data,
                                                        form.held_on.day, form.place.data, form.programme.data,
                                                        ip=client_ip()))
        if made is not None:
            flash(f"Мероприятие «{made.title}» добавлено.", "success")
            return redirect(url_for("recognition.event", event_id=made.id), code=303)
    return render_template("recognition/events.html", events=rules.events(scope.school_id), form=form,
                           **_titles()), form_status(form) if request.method == "POST" else 200


def _event_page(scope, found, form=None, status: int = 200):
    form = form or ParticipantForm(fresh=True)
    form.person.choices = _choices("— выберите участника —", ((p.id, p.full_name) for p in rules.people_to_add(scope)))
    return render_template("recognition/event.html", event=found, participants=rules.participants(found), form=form,
                           competitions=[c for c in rules.competitions(scope.school_id) if c.event_id == found.id],
                           documents=rules.documents(scope.school_id, event_id=found.id), **_titles()), status


@bp.route("/events/<int:event_id>")
def event(event_id):
    scope = _coordinator_scope()
    return _event_page(scope, rules.event(scope, event_id))


@bp.route("/events/<int:event_id>/participants", methods=["POST"])
def add_participant(event_id):
    scope = _coordinator_scope()
    found = rules.event(scope, event_id)
    form = ParticipantForm()
    if form.validate():
        made = attempt(form, lambda: rules.add_participant(scope, found.id, form.person.data, ip=client_ip()))
        if made is not None:
            flash(f"{made.person.full_name} — в списке участников.", "success")
            return redirect(url_for("recognition.event", event_id=found.id), code=303)
    return _event_page(scope, found, form, status=422)


@bp.route("/events/<int:event_id>/documents.pdf")
def event_documents(event_id):
    """Every certificate and letter of the competitions announced at the event, one PDF to print."""
    scope = _coordinator_scope()
    found = rules.event(scope, event_id)
    try:
        return send_download(rules.batch_pdf(scope, event_id=found.id, ip=client_ip()))
    except ServiceError as refused:
        flash(refused.message, "error")
        return redirect(url_for("recognition.event", event_id=found.id), code=303)


# --- outside contests ------------------------------------------------------------------------------------------

@bp.route("/contests", methods=["GET", "POST"])
def contests():
    scope = _coordinator_scope()
    form = _contest_form(scope)
    if request.method == "POST" and form.validate():
        made = attempt(form, lambda: rules.record_contest(scope, form.person.data, form.level.data or "",
                                                          form.contest.data, form.year.data, form.outcome.data or "",
                                                          ip=client_ip()))
        if made is not None:
            flash(f"Выдвижение внесено: {made.contest}.", "success")
            return redirect(url_for("recognition.contests"), code=303)
    return _contests_page(scope, form, form_status(form) if request.method == "POST" else 200)


def _contest_form(scope, fresh: bool = False) -> ContestForm:
    form = ContestForm(fresh=fresh)
    form.person.choices = _choices("— выберите наставника —", (
        (p.id, p.full_name) for p in rules.candidates(scope.person, "coordinator", scope)))
    form.year.choices = [SelectChoice(str(y), t) for y, t in rules.year_choices()]
    return form


def _contests_page(scope, form, status: int = 200, outcome_form=None):
    return render_template("recognition/contests.html", contests=rules.contests(scope.school_id), form=form,
                           outcome_form=outcome_form or EmptyForm(), outcomes=rules.CONTEST_OUTCOMES,
                           **_titles()), status


@bp.route("/contests/<int:contest_id>/outcome", methods=["POST"])
def contest_outcome(contest_id):
    """The outcome of an outside contest, recorded when it is known."""
    scope = _coordinator_scope()
    form = EmptyForm()
    if form.validate():
        done = attempt(form, lambda: rules.set_outcome(scope, contest_id, request.form.get("outcome", ""),
                                                       ip=client_ip()))
        if done is not None:
            flash(f"Итог внесён: {done.contest} — {rules.OUTCOME_TITLES[done.outcome]}.", "success")
            return redirect(url_for("recognition.contests"), code=303)
    return _contests_page(scope, _contest_form(scope, fresh=True), 422, outcome_form=form)
