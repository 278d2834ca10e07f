"""Each format's mentorship programme (2.3, 2.7, 5.2, 5.4): written by the format's curator or the
coordinator, read and acknowledged by the participants before pairing (4.12)."""
from flask import flash, redirect, render_template, request, url_for
from wtforms import StringField, TextAreaField

from portal.services import programmes as programme_rules
from portal.staff import bp
from portal.web import attempt, client_ip, form_status, staff_scope
from portal.web.forms import TextForm

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
    return render_template("staff/programme.html", form=form, fmt=fmt, programme=current, acknowledged=acknowledged,
                           is_coordinator=staff.is_coordinator), form_status(form)
