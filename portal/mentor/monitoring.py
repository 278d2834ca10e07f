"""The mentor's questionnaires (6.3–6.5) and the rounds a mentor may open for their format (6.4)."""
from flask import flash, redirect, render_template, request, url_for

from portal.mentor import bp
from portal.services import monitoring
from portal.web import actor, attempt, client_ip
from portal.web.forms import EmptyForm
from portal.web.pages.questionnaires import answer_page


def _index(form, status=200):
    person = actor()
    return render_template("monitoring/index.html", pending=monitoring.pending_for(person),
                           rounds=monitoring.mentor_rounds(person), form=form,
                           answer_endpoint="mentor.monitoring_answer"), status


@bp.route("/monitoring", endpoint="monitoring_index")
def monitoring_index():
    return _index(EmptyForm())


@bp.route("/monitoring/rounds/<int:format_id>/open", methods=["POST"], endpoint="monitoring_open_round")
def monitoring_open_round(format_id):
    form = EmptyForm()
    if form.validate_on_submit() and attempt(
            form, lambda: monitoring.open_round_as_mentor(actor(), format_id, request.form.get("kind", ""), client_ip())):
        flash("Этап мониторинга начат: участники пар формы получили анкеты.")
        return redirect(url_for("mentor.monitoring_index"), 303)
    return _index(form, 422)


@bp.route("/monitoring/<int:questionnaire_id>", methods=["GET", "POST"], endpoint="monitoring_answer")
def monitoring_answer(questionnaire_id):
    return answer_page(questionnaire_id, "mentor.monitoring_index")
