"""Each format's mentorship programme (2.3, 2.7, 5.2, 5.4): written by the format's curator or the
coordinator, read and acknowledged by the participants before pairing (4.12)."""
from flask import flash, redirect, render_template, request, url_for
from wtforms import StringField, TextAreaField

from portal.services import carrying
from portal.services import programmes as programme_rules
from portal.staff import bp
from portal.web import attempt, client_ip, form_status, staff_scope
from portal.web.forms import EmptyForm, TextForm

DATE = {"type": "date"}


class ProgrammeForm(TextForm):
    """Dates travel as text: services.programmes parses them and answers in Russian beside the field."""

    title = StringField("Название программы", render_kw={"maxlength": programme_rules.MAX_TITLE})
    goals = TextAreaField("Цели и задачи", render_kw={"rows": 6})
    expected_results = TextAreaField("Ожидаемые результаты", render_kw={"rows": 6})
    starts_on = StringField("Начало", render_kw=DATE)
    ends_on = StringField("Окончание (не больше 12 месяцев от начала)", render_kw=DATE)
    presented_student_conference_on = StringField("Ученическая конференция", render_kw=DATE)
    presented_teachers_council_on = StringField("Педагогический совет", render_kw=DATE)
    presented_parents_council_on = StringField("Родительский совет", render_kw=DATE)

    def values(self) -> dict:
        return {name: self[name].data or "" for name in programme_rules.PROGRAMME_FIELDS}


def _form_data(programme) -> dict | None:
    """The saved programme as the form shows it; dates in the date field's own ГГГГ-ММ-ДД."""
    if programme is None:
        return None
    data = {}
    for name in programme_rules.PROGRAMME_FIELDS:
        value = getattr(programme, name)
        data[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return data


@bp.route("/programmes")
def programmes():
    """The formats in reach with their programmes: the curator's way in from the menu."""
    return render_template("staff/programmes.html", rows=programme_rules.programmes_in_scope(staff_scope()))


class NextYearForm(TextForm):
    """On the programme page beside the programme's own form: the page gives it the prefix «next», so its
    fields' ids and names differ from that form's."""

    starts_on = StringField("Начало нового учебного года", render_kw=DATE)
    ends_on = StringField("Окончание (не больше 12 месяцев от начала)", render_kw=DATE)


def _programme_page(staff, fmt, current, acknowledged, form, next_form=None, status=200):
    """The format's programme page: the one in force to edit, the next year's draft or the way to start it,
    the past years to read, and the pairs their years left unfinished."""
    years = programme_rules.history(fmt.id)  # the draft among them, if there is one
    draft = next((p for p in years if p.is_draft), None)
    if next_form is None and current is not None and draft is None:
        starts, ends = programme_rules.suggested_dates(current)
        next_form = NextYearForm(fresh=True, prefix="next", data={"starts_on": starts.isoformat(), "ends_on": ends.isoformat()})
    past = [p for p in years if not p.is_draft and (current is None or p.id != current.id)]
    return render_template("staff/programme.html", form=form, fmt=fmt, programme=current, acknowledged=acknowledged,
                           is_coordinator=staff.is_coordinator, draft=draft, next_form=next_form, past=past,
                           year_ending=current is not None and programme_rules.year_ending(current),
                           unfinished=carrying.unfinished(staff, fmt.id)), status


@bp.route("/formats/<int:format_id>/programme", methods=["GET", "POST"])
def programme(format_id):
    staff = staff_scope()
    fmt, current, acknowledged = programme_rules.programme_of_format(staff, format_id)
    form = ProgrammeForm(data=_form_data(current) if request.method == "GET" else None)
    if form.validate_on_submit():
        saved = attempt(form, lambda: programme_rules.save_programme(staff, fmt.id, form.values(), ip=client_ip()))
        if saved is not None:
            flash(f"Программа формы «{fmt.name}» сохранена.", "success")
            return redirect(url_for("staff.programme", format_id=fmt.id), code=303)
    return _programme_page(staff, fmt, current, acknowledged, form, status=form_status(form))


@bp.route("/formats/<int:format_id>/next-year", methods=["POST"])
def next_year(format_id):
    """«Новый учебный год»: the programme in force copied as a draft with the dates given (5.4)."""
    staff = staff_scope()
    fmt, current, acknowledged = programme_rules.programme_of_format(staff, format_id)
    draft = programme_rules.draft_of(fmt.id)
    if draft is not None:  # pressed twice, or in two tabs: the draft is there already
        flash("Черновик программы нового учебного года уже подготовлен.", "success")
        return redirect(url_for("staff.programme_year", programme_id=draft.id), code=303)
    next_form = NextYearForm(prefix="next")
    if next_form.validate_on_submit():
        draft = attempt(next_form, lambda: programme_rules.start_next_year(
            staff, fmt.id, {"starts_on": next_form.starts_on.data, "ends_on": next_form.ends_on.data},
            ip=client_ip()))
        if draft is not None:
            flash("Черновик программы нового учебного года готов: проверьте текст, представьте программу "
                  "и опубликуйте её.", "success")
            return redirect(url_for("staff.programme_year", programme_id=draft.id), code=303)
    return _programme_page(staff, fmt, current, acknowledged, ProgrammeForm(fresh=True, data=_form_data(current)),
                           next_form=next_form, status=form_status(next_form))


@bp.route("/programmes/<int:programme_id>", methods=["GET", "POST"])
def programme_year(programme_id):
    """One programme by its year: the next year's draft to edit, a past year to read (never to edit)."""
    staff = staff_scope()
    fmt, programme = programme_rules.programme_in_scope(staff, programme_id)
    if not programme.is_draft and programme_rules.editable(programme):
        return redirect(url_for("staff.programme", format_id=fmt.id))
    form = None
    if programme.is_draft:
        form = ProgrammeForm(data=_form_data(programme) if request.method == "GET" else None)
        if form.validate_on_submit():
            saved = attempt(form, lambda: programme_rules.save_draft(staff, programme.id, form.values(),
                                                                     ip=client_ip()))
            if saved is not None:
                flash("Черновик программы сохранён.", "success")
                return redirect(url_for("staff.programme_year", programme_id=programme.id), code=303)
    return render_template("staff/programme_year.html", fmt=fmt, programme=programme, form=form,
                           is_coordinator=staff.is_coordinator,
                           publishable_from=programme_rules.publishable_from(programme) if programme.is_draft else None,
                           ), form_status(form) if form else 200


CHANGES = {
    "publish": (programme_rules.publish, "Программа нового учебного года опубликована: участники баз получили "
                                         "просьбу ознакомиться с ней."),
    "discard": (programme_rules.discard_draft, "Черновик программы удалён."),
}


@bp.route("/programmes/<int:programme_id>/<any(publish, discard):change>", methods=["GET", "POST"])
def programme_change(programme_id, change):
    """Publishing the draft (everyone in the bases is asked to read it) or discarding it: asked first."""
    staff = staff_scope()
    fmt, programme = programme_rules.programme_in_scope(staff, programme_id)
    form = EmptyForm()
    if programme.is_draft and form.validate_on_submit():
        act, done = CHANGES[change]
        attempt(form, lambda: act(staff, programme.id, ip=client_ip()))
        if form_status(form) == 200:
            flash(done, "success")
            return redirect(url_for("staff.programme", format_id=fmt.id), code=303)
    return render_template("staff/programme_change.html", fmt=fmt, programme=programme, form=form, change=change,
                           publishable_from=programme_rules.publishable_from(programme) if programme.is_draft else None,
                           ), form_status(form)
