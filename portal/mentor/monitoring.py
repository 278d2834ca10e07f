"""The mentor's questionnaires (6.3–6.5) and the rounds a mentor may open for their format (6.4).

Answer fields are named after their questions (`q<id>`) and checked by the monitoring service, so a word
posted from outside a question's scale is refused beside that question (422)."""
from flask import flash, redirect, render_template, request, url_for

from portal.auth.forms import EmptyForm
from portal.mentor import bp
from portal.services import NotAllowed, ServiceError, monitoring
from portal.web import actor, client_ip, form_error


def _index(form, status=200):
    person = actor()
    return render_template("monitoring/index.html", pending=monitoring.pending_for(person),
                           formats=monitoring.mentor_formats(person), form=form,
                           answer_endpoint="mentor.monitoring_answer"), status


@bp.route("/monitoring", endpoint="monitoring_index")
def monitoring_index():
    return _index(EmptyForm())


@bp.route("/monitoring/rounds/<int:format_id>/open", methods=["POST"], endpoint="monitoring_open_round")
def monitoring_open_round(format_id):
    form = EmptyForm()
    if form.validate_on_submit():
        try:
            monitoring.open_round_as_mentor(actor(), format_id, request.form.get("kind", ""), client_ip())
        except NotAllowed:
            raise
        except ServiceError as exc:
            form_error(form, exc)
        else:
            flash("Этап мониторинга начат: участники пар формы получили анкеты.")
            return redirect(url_for("mentor.monitoring_index"), 303)
    return _index(form, 422)


@bp.route("/monitoring/<int:questionnaire_id>", methods=["GET", "POST"], endpoint="monitoring_answer")
def monitoring_answer(questionnaire_id):
    person = actor()
    pair_id, round_id = request.args.get("pair", type=int), request.args.get("round", type=int)
    task, response = monitoring.task_for(person, questionnaire_id, pair_id, round_id)
    form, errors = EmptyForm(), {}
    if form.validate_on_submit():
        try:
            monitoring.answer(person, questionnaire_id, pair_id, round_id, request.form, client_ip())
        except NotAllowed:
            raise
        except monitoring.InvalidAnswers as exc:
            errors = exc.errors
            form_error(form, exc)
        except ServiceError as exc:
            form_error(form, exc)
        else:
            flash("Спасибо! Ответы сохранены.")
            return redirect(url_for("mentor.monitoring_index"), 303)
    status = 422 if form.errors or form.form_errors else 200
    return render_template("monitoring/answer.html", **monitoring.answer_page(task, response), form=form,
                           errors=errors, posted=request.form if request.method == "POST" else {},
                           index_endpoint="mentor.monitoring_index"), status
