"""Answering a questionnaire: one view body for the mentor's and the mentee's areas, each on a URL of its own
(blueprints do not import each other, so the shared body lives here, beneath both).

Answer fields are named after their questions (`q<id>`) and checked by the monitoring service, so a word
posted from outside a question's scale is refused beside that question (422)."""
from flask import flash, redirect, render_template, request, url_for

from portal.ids import id_arg
from portal.services import monitoring
from portal.web import actor, client_ip, form_error, form_status, outcome
from portal.web.forms import EmptyForm


def answer_page(questionnaire_id: int, index_endpoint: str):
    person = actor()
    pair_id, round_id = request.args.get("pair", type=id_arg), request.args.get("round", type=id_arg)
    task, response = monitoring.task_for(person, questionnaire_id, pair_id, round_id)
    form, errors = EmptyForm(), {}
    if form.validate_on_submit():
        _, refusal = outcome(lambda: monitoring.answer(person, questionnaire_id, pair_id, round_id, request.form,
                                                       client_ip()))
        if refusal is None:
            flash("Спасибо! Ответы сохранены.")
            return redirect(url_for(index_endpoint), 303)
        errors = refusal.errors if isinstance(refusal, monitoring.InvalidAnswers) else {}
        form_error(form, refusal)
    return render_template("monitoring/answer.html", **monitoring.answer_page(task, response), form=form,
                           errors=errors, posted=request.form if request.method == "POST" else {},
                           index_endpoint=index_endpoint, respondent=person), form_status(form)
