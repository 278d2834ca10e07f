"""Thin views over services.training: every rule and its Russian message lives there."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from portal.formatting import ru_date
from portal.services import training as rules
from portal.services import uploads
from portal.training import bp
from portal.web import attempt, client_ip, form_status, outcome, pdf_response, send_download, takes_upload
from portal.web.forms import DayField, EmptyForm, Form, TextForm


def _actor() -> rules.Actor:
    return rules.Actor(current_user.person, frozenset(current_user.role_names()))


def _coordinator() -> rules.Actor:
    """The coordinator's pages: another role is turned away (403), as from the proposals' review."""
    actor = _actor()
    if not actor.is_coordinator:
        abort(403)
    return actor


def _upload(field) -> tuple[str, bytes | None]:
    upload = field.data
    data = upload.read(uploads.MAX_BYTES + 1) if upload and hasattr(upload, "read") else None
    return getattr(upload, "filename", "") or "", data or None


class ProgrammeForm(TextForm):
    title = StringField("Название программы")
    hours = StringField("Объём, академических часов", render_kw={"inputmode": "numeric"})
    topics = TextAreaField("Темы занятий (каждая с новой строки)")
    min_attendance = StringField("Для завершения посетить не меньше, % занятий", default="75",
                                 render_kw={"inputmode": "numeric"})


class MaterialForm(Form):
    file = FileField("Материал (PDF, Word, Excel, PowerPoint, JPEG или PNG, до 20 МБ)")


class GroupForm(TextForm):
    title = StringField("Название группы")
    trainer = SelectField("Ведущий занятий", choices=[], validate_choice=False)
    is_open = BooleanField("Наставники и кураторы могут записаться сами", default=True)

    def with_choices(self, school_id, keep=None):
        """`keep`: the group's present trainer, offered even if no longer among the school's staff and partners."""
        people = rules.trainers(school_id)
        if keep is not None and all(p.id != keep.id for p in people):
            people.append(keep)
        self.trainer.choices = [SelectChoice("", "— выберите сотрудника —")] + [
            SelectChoice(str(p.id), p.full_name) for p in people]
        return self


class SessionForm(TextForm):
    held_on = DayField("Дата занятия")
    starts_at = StringField("Время начала", render_kw={"placeholder": "15:00"})
    place = StringField("Место")
    topic = StringField("Тема занятия")


class EnrolForm(TextForm):
    person = SelectField("Наставник или куратор", choices=[], validate_choice=False)

    def with_choices(self, school_id, enrolled: set[int]):
        self.person.choices = [SelectChoice("", "— выберите —")] + [
            SelectChoice(str(p.id), p.full_name) for p in rules.trainees(school_id) if p.id not in enrolled]
        return self


class CourseForm(Form):
    title = StringField("Название курса")
    provider = StringField("Кто проводил (организация)")
    hours = StringField("Объём, часов", render_kw={"inputmode": "numeric"})
    completed_on = DayField("Дата окончания")
    file = FileField("Скан сертификата или удостоверения (PDF, JPEG или PNG, до 20 МБ)")


@bp.route("/")
def index():
    """The school's programmes and groups; the actor's own groups, certificates and external courses."""
    actor = _actor()
    programmes = rules.programmes(actor.school_id)
    if not actor.holds_a_role:  # a trainer only: the groups they lead
        for p in programmes:
            p.groups_list = [g for g in p.groups_list if rules.led_by(actor, g)]
        programmes = [p for p in programmes if p.groups_list]
    return render_template("training/index.html", actor=actor, programmes=programmes,
                           mine=rules.my_enrolments(actor.person), courses=rules.my_courses(actor.person))


@bp.route("/programmes/new", methods=["GET", "POST"])
def new_programme():
    actor = _coordinator()
    form = ProgrammeForm()
    if request.method == "POST" and form.validate():
        data = rules.ProgrammeData(form.title.data, form.hours.data, form.topics.data, form.min_attendance.data)
        made = attempt(form, lambda: rules.create_programme(actor, data, ip=client_ip()))
        if made is not None:
            flash("Программа создана. Добавьте материалы и группы.", "success")
            return redirect(url_for("training.programme", programme_id=made.id), code=303)
    return render_template("training/programme_new.html", form=form, programme=None), form_status(form)


@bp.route("/programmes/<int:programme_id>/edit", methods=["GET", "POST"])
def edit_programme(programme_id):
    """Title, hours, topics; the share of sessions to attend only while no certificate has been issued."""
    actor = _coordinator()
    found = rules.programme(actor, programme_id)
    fixed = rules.certified(found.id)
    form = ProgrammeForm(data={"title": found.title, "hours": str(found.hours), "topics": found.topics,
                               "min_attendance": str(found.min_attendance)})
    if fixed:
        form.min_attendance.render_kw = dict(form.min_attendance.render_kw or {}, readonly=True,
                                             **{"aria-describedby": "min_attendance-fixed"})
    if request.method == "POST" and form.validate():
        data = rules.ProgrammeData(form.title.data, form.hours.data, form.topics.data, form.min_attendance.data)
        saved = attempt(form, lambda: rules.update_programme(actor, found.id, data, ip=client_ip()))
        if saved is not None:
            flash(f"Программа «{saved.title}» сохранена.", "success")
            return redirect(url_for("training.programme", programme_id=found.id), code=303)
    return render_template("training/programme_new.html", form=form, programme=found,
                           fixed=rules.MIN_ATTENDANCE_FIXED if fixed else None), form_status(form)


@bp.route("/programmes/<int:programme_id>/delete", methods=["GET", "POST"])
def delete_programme(programme_id):
    """GET asks «are you sure?» and says what goes; POST deletes a programme with no groups."""
    actor = _coordinator()
    summary = rules.programme_summary(actor, programme_id)
    form = EmptyForm()
    if form.validate_on_submit():
        gone = attempt(form, lambda: rules.delete_programme(actor, summary["programme"].id, ip=client_ip()))
        if gone is not None:
            flash(f"Программа «{gone.title}» удалена.", "success")
            return redirect(url_for("training.index"), code=303)
        summary = rules.programme_summary(actor, programme_id)
    return render_template("training/programme_delete.html", form=form, **summary), form_status(form)


def _programme_page(actor, found, material_form=None, group_form=None, status=200):
    return render_template(
        "training/programme.html", actor=actor, programme=found, materials=rules.materials(found.id),
        groups=[g for p in rules.programmes(actor.school_id) if p.id == found.id for g in p.groups_list],
        material_form=material_form or MaterialForm(formdata=None),
        group_form=group_form or GroupForm(fresh=True).with_choices(actor.school_id)), status


@bp.route("/programmes/<int:programme_id>")
def programme(programme_id):
    actor = _actor()
    return _programme_page(actor, rules.programme(actor, programme_id))


@bp.route("/programmes/<int:programme_id>/materials", methods=["POST"])
@takes_upload
def add_material(programme_id):
    actor = _coordinator()
    found = rules.programme(actor, programme_id)
    form = MaterialForm()
    if form.validate():
        name, data = _upload(form.file)
        if attempt(form, lambda: rules.add_material(actor, found.id, name, data, ip=client_ip())) is not None:
            flash("Материал добавлен.", "success")
            return redirect(url_for("training.programme", programme_id=found.id), code=303)
    return _programme_page(actor, found, material_form=form, status=form_status(form))


@bp.route("/programmes/<int:programme_id>/groups", methods=["POST"])
def add_group(programme_id):
    actor = _coordinator()
    found = rules.programme(actor, programme_id)
    form = GroupForm().with_choices(actor.school_id)
    if form.validate():
        made = attempt(form, lambda: rules.create_group(actor, found.id, form.title.data, form.trainer.data,
                                                        form.is_open.data, ip=client_ip()))
        if made is not None:
            flash("Группа создана. Добавьте расписание занятий.", "success")
            return redirect(url_for("training.group", group_id=made.id), code=303)
    return _programme_page(actor, found, group_form=form, status=form_status(form))


@bp.route("/groups/<int:group_id>/edit", methods=["GET", "POST"])
def edit_group(group_id):
    actor = _coordinator()
    found = rules.group(actor, group_id)
    form = GroupForm(data={"title": found.title, "trainer": str(found.trainer_id), "is_open": found.is_open}
                     ).with_choices(actor.school_id, keep=found.trainer)
    if request.method == "POST" and form.validate():
        saved = attempt(form, lambda: rules.update_group(actor, found.id, form.title.data, form.trainer.data,
                                                         form.is_open.data, ip=client_ip()))
        if saved is not None:
            flash(f"Группа «{saved.title}» сохранена.", "success")
            return redirect(url_for("training.group", group_id=found.id), code=303)
    return render_template("training/group_edit.html", form=form, group=found), form_status(form)


@bp.route("/groups/<int:group_id>/delete", methods=["GET", "POST"])
def delete_group(group_id):
    """GET asks «are you sure?» and says what goes; POST deletes a group nobody is enrolled in."""
    actor = _coordinator()
    summary = rules.group_summary(actor, group_id)
    found = summary["group"]
    form = EmptyForm()
    if form.validate_on_submit():
        gone = attempt(form, lambda: rules.delete_group(actor, found.id, ip=client_ip()))
        if gone is not None:
            flash(f"Группа «{gone.title}» удалена вместе с расписанием.", "success")
            return redirect(url_for("training.programme", programme_id=found.programme_id), code=303)
        summary = rules.group_summary(actor, group_id)
    return render_template("training/group_delete.html", form=form, **summary), form_status(form)


@bp.route("/materials/<int:material_id>")
def material(material_id):
    return send_download(rules.material_download(_actor(), material_id, ip=client_ip()))


def _group_page(actor, found, session_form=None, enrol_form=None, status=200):
    schedule = rules.sessions([found.id])
    people = rules.roster(found)
    enrolled = {p.enrolment.person_id for p in people}
    return render_template(
        "training/group.html", actor=actor, group=found, schedule=schedule, people=people,
        mine=next((p for p in people if p.enrolment.person_id == actor.person.id), None),
        may_mark=rules.may_mark(actor, found), ahead=rules.ahead, button=EmptyForm(),
        session_form=session_form or SessionForm(fresh=True),
        enrol_form=enrol_form or EnrolForm(fresh=True).with_choices(actor.school_id, enrolled)), status


@bp.route("/groups/<int:group_id>")
def group(group_id):
    actor = _actor()
    found = rules.group(actor, group_id)
    if not actor.holds_a_role and not rules.led_by(actor, found):
        abort(404)  # a trainer only: another group is «not found», like any object outside one's reach
    return _group_page(actor, found)


@bp.route("/groups/<int:group_id>/sessions", methods=["POST"])
def add_session(group_id):
    actor = _coordinator()
    found = rules.group(actor, group_id)
    form = SessionForm()
    if form.validate():
        made = attempt(form, lambda: rules.add_session(actor, found.id, form.held_on.day, form.starts_at.data,
                                                       form.place.data, form.topic.data, ip=client_ip()))
        if made is not None:
            flash("Занятие добавлено в расписание.", "success")
            return redirect(url_for("training.group", group_id=found.id), code=303)
    return _group_page(actor, found, session_form=form, status=form_status(form))


@bp.route("/groups/<int:group_id>/enrol", methods=["POST"])
def enrol(group_id):
    """The coordinator enrols a mentor or curator."""
    actor = _coordinator()
    found = rules.group(actor, group_id)
    enrolled = {p.enrolment.person_id for p in rules.roster(found)}
    form = EnrolForm().with_choices(actor.school_id, enrolled)
    if form.validate():
        if attempt(form, lambda: rules.enrol(actor, found.id, form.person.data or "", ip=client_ip())) is not None:
            flash("Записан(а) в группу; ему или ей придёт уведомление.", "success")
            return redirect(url_for("training.group", group_id=found.id), code=303)
    return _group_page(actor, found, enrol_form=form, status=form_status(form))


@bp.route("/groups/<int:group_id>/join", methods=["POST"])
def join(group_id):
    """A mentor or curator enrols themself in an open group."""
    actor = _actor()
    if not actor.trains:
        abort(403)  # the coordinator enrols others, not themself
    found = rules.group(actor, group_id)
    form = EmptyForm()
    if form.validate_on_submit():
        _, refusal = outcome(lambda: rules.enrol(actor, found.id, ip=client_ip()))
        if refusal is None:
            flash("Вы записаны в группу.", "success")
        else:
            flash(refusal.message, "error")
    return redirect(url_for("training.group", group_id=found.id), code=303)


@bp.route("/groups/<int:group_id>/complete", methods=["POST"])
def complete(group_id):
    """The coordinator sums up the group: certificates for everyone who met the programme's rule."""
    actor = _coordinator()
    found = rules.group(actor, group_id)
    form = EmptyForm()
    if form.validate_on_submit():
        done, refusal = outcome(lambda: rules.complete(actor, found.id, ip=client_ip()))
        if refusal is not None:
            flash(refusal.message, "error")
        elif done:
            flash(f"Выдано сертификатов: {len(done)}.", "success")
        else:
            flash("Новых сертификатов нет: никто больше не выполнил условие программы.", "info")
    return redirect(url_for("training.group", group_id=found.id), code=303)


@bp.route("/sessions/<int:session_id>/attendance", methods=["GET", "POST"])
def attendance(session_id):
    """One form per session: tick who was there (the trainer, a curator or the coordinator)."""
    actor = _actor()
    found = rules.session(actor, session_id)
    if not rules.may_mark(actor, found.group):
        abort(404)  # a session one does not mark is «not found», like any object outside one's reach
    form = EmptyForm()
    if request.method == "POST" and form.validate_on_submit():
        present = attempt(form, lambda: rules.mark_attendance(actor, found.id, request.form.getlist("present"),
                                                              ip=client_ip()))
        if present is not None:
            flash(f"Посещаемость занятия {found.held_on.strftime('%d.%m.%Y')} сохранена.", "success")
            return redirect(url_for("training.group", group_id=found.group_id), code=303)
    people = rules.roster(found.group)
    marks = rules.attendance_of([found.id])
    return render_template("training/attendance.html", session=found, group=found.group, people=people,
                           marks=marks, form=form, ahead=rules.ahead(found)), 422 if form.errors or form.form_errors else 200


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
def edit_session(session_id):
    actor = _coordinator()
    found = rules.session(actor, session_id)
    form = SessionForm(data={"held_on": found.held_on.isoformat(), "starts_at": found.starts_at,
                             "place": found.place, "topic": found.topic})
    if request.method == "POST" and form.validate():
        saved = attempt(form, lambda: rules.update_session(actor, found.id, form.held_on.day, form.starts_at.data,
                                                           form.place.data, form.topic.data, ip=client_ip()))
        if saved is not None:
            flash(f"Занятие {ru_date(saved.held_on)} сохранено.", "success")
            return redirect(url_for("training.group", group_id=found.group_id), code=303)
    return render_template("training/session_edit.html", form=form, session=found, group=found.group
                           ), form_status(form)


@bp.route("/sessions/<int:session_id>/delete", methods=["GET", "POST"])
def delete_session(session_id):
    """GET asks «are you sure?»; POST takes the session out of the schedule — refused once its attendance is marked
    or the group has been summed up."""
    actor = _coordinator()
    found = rules.session(actor, session_id)
    form = EmptyForm()
    if form.validate_on_submit():
        gone = attempt(form, lambda: rules.delete_session(actor, found.id, ip=client_ip()))
        if gone is not None:
            flash(f"Занятие {ru_date(gone.held_on)} удалено из расписания.", "success")
            return redirect(url_for("training.group", group_id=found.group_id), code=303)
    return render_template("training/session_delete.html", form=form, session=found, group=found.group,
                           refusal=rules.session_refusal(found)), form_status(form)


@bp.route("/certificates/<int:enrolment_id>")
def certificate(enrolment_id):
    data, document = rules.certificate_pdf(_actor(), enrolment_id)
    return pdf_response(data, f"certificate-{document.code}.pdf")


@bp.route("/courses/new", methods=["GET", "POST"])
@takes_upload
def new_course():
    actor = _actor()
    if not actor.trains:
        abort(403)  # courses are recorded by mentors and curators, each their own
    form = CourseForm()
    if request.method == "POST" and form.validate():
        name, data = _upload(form.file)
        course = rules.CourseData(form.title.data or "", form.provider.data or "", form.hours.data,
                                  form.completed_on.day, name, data)
        if attempt(form, lambda: rules.record_course(actor, course, ip=client_ip())) is not None:
            flash("Курс записан в вашу историю обучения.", "success")
            return redirect(url_for("training.index"), code=303)
    return render_template("training/course_new.html", form=form), form_status(form)


@bp.route("/courses/<int:course_id>/file")
def course_file(course_id):
    return send_download(rules.course_file(_actor(), course_id, ip=client_ip()))
