"""The mentor's pages: the programme to read (4.12) and the answer to mentees who chose them (4.13).

Pairing is voluntary on both sides: a mentee's choice waits here until the mentor confirms or
declines; a decline (after a confirmation page) sends the mentee back to the remaining proposals."""
from flask import flash, redirect, render_template, request, url_for
from wtforms import TextAreaField
from wtforms.validators import Length, ValidationError

from portal.formatting import quoted
from portal.mentor import bp
from portal.services import cycle, ending, monitoring, overview, pairing, programmes
from portal.web import actor, attempt, client_ip, form_status
from portal.web.forms import EmptyForm, TextForm, too_long


def _no_control_characters(form, field):
    """Line breaks are fine in a reason; NUL and friends are not (PostgreSQL refuses NUL outright)."""
    if field.data and any((ord(ch) < 32 and ch not in "\r\n\t") or ord(ch) == 127 for ch in field.data):
        raise ValidationError("Поле содержит недопустимые символы.")


class DeclineForm(TextForm):
    reason = TextAreaField("Причина (необязательно; её увидят наставляемый и куратор)",
                           validators=[Length(max=500, message=too_long(500)), _no_control_characters])


def _home(confirm_form=None, confirm_for: int | None = None, status: int = 200):
    person = actor()
    waiting = pairing.waiting_for_mentor(person)
    return render_template("mentor/home.html", mentorships=overview.mentorships_of_mentor(person),
                           waiting=waiting, needs=pairing.mentee_needs(waiting),
                           programmes=[row for row in programmes.for_participant(person)
                                       if "mentor" in row["bases"]],
                           form=confirm_form or EmptyForm(), confirm_for=confirm_for,
                           upcoming=cycle.upcoming_meetings(person), stage_titles=cycle.STAGE_TITLES,
                           running=cycle.RUNNING, asking=ending.ASKABLE, pending=monitoring.pending_for(person)), status


@bp.route("/")
def home():
    return _home()


@bp.route("/programmes/<int:programme_id>/acknowledge", methods=["POST"])
def acknowledge(programme_id):
    """«Ознакомлен(а) с программой» (4.12): confirming a pair needs it."""
    ack = pairing.acknowledge(actor(), programme_id, ip=client_ip())
    flash(f"Вы ознакомлены с программой {quoted(ack.programme.title)}.", "success")
    return redirect(url_for("mentor.home"), code=303)


@bp.route("/pairs/<int:mentorship_id>/confirm", methods=["POST"])
def confirm(mentorship_id):
    """The mentor agrees; a refusal (programme not read, no consent) shows beside that mentee."""
    form = EmptyForm()
    mentorship = attempt(form, lambda: pairing.confirm(actor(), mentorship_id, ip=client_ip()))
    if mentorship is None:
        return _home(form, mentorship_id, form_status(form))
    flash("Вы подтвердили пару. Её утвердят приказом директора, после этого можно начинать встречи.", "success")
    return redirect(url_for("mentor.home"), code=303)


@bp.route("/pairs/<int:mentorship_id>/decline", methods=["GET", "POST"])
def decline(mentorship_id):
    """GET asks first (with an optional reason); POST declines."""
    person = actor()
    pairing.mentorship_of_mentor(person, mentorship_id)  # another mentor's pair: 404
    pair = next((m for m in pairing.waiting_for_mentor(person) if m.id == mentorship_id), None)
    form = DeclineForm()
    if pair is not None and form.validate_on_submit():
        reason = form.reason.data or ""
        if attempt(form, lambda: pairing.decline(person, mentorship_id, reason=reason, ip=client_ip())):
            flash("Вы отказались. Наставляемый снова выберет из оставшихся кандидатов.", "success")
            return redirect(url_for("mentor.home"), code=303)
    stale = pair is None and request.method == "POST"  # already confirmed or declined: nothing changes
    return render_template("mentor/decline.html", pair=pair, form=form), 422 if stale else form_status(form)
