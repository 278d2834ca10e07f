"""The mentee's questionnaires (6.3–6.5): entry and exit about themselves, process and satisfaction in rounds."""
from flask import render_template

from portal.mentee import bp
from portal.services import monitoring
from portal.web import actor
from portal.web.forms import EmptyForm
from portal.web.pages.questionnaires import answer_page


@bp.route("/monitoring", endpoint="monitoring_index")
def monitoring_index():
    return render_template("monitoring/index.html", pending=monitoring.pending_for(actor()), form=EmptyForm(),
                           answer_endpoint="mentee.monitoring_answer")


@bp.route("/monitoring/<int:questionnaire_id>", methods=["GET", "POST"], endpoint="monitoring_answer")
def monitoring_answer(questionnaire_id):
    return answer_page(questionnaire_id, "mentee.monitoring_index")
