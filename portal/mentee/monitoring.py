"""The mentee's questionnaires (6.3–6.5): entry and exit about themselves, process and satisfaction in rounds.

Answer fields are named after their questions (`q<id>`) and checked by the monitoring service, so a word
posted from outside a question's scale is refused beside that question (422)."""
from flask import flash, redirect, render_template, request, url_for

from portal.auth.forms import EmptyForm
from portal.mentee import bp
from portal.services import NotAllowed, ServiceError, monitoring
from portal.web import actor, client_ip, form_error


@bp.route("/monitoring", endpoint="monitoring_index")
def monitoring_index():
    return render_template("monitoring/index.html", pending=monitoring.pending_for(actor()), form=EmptyForm(),
                           answer_endpoint="mentee.monitoring_answer")


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
            return redirect(url_for("mentee.monitoring_index"), 303)
    status = 422 if form.errors or form.form_errors else 200
    return render_template("monitoring/answer.html", **monitoring.answer_page(task, response), form=form,
                           errors=errors, posted=request.form if request.method == "POST" else {},
                           index_endpoint="mentee.monitoring_index"), status
