"""The mentee's pages: the programme to read (4.12) and the mentor-choice screen (s8).

The choice screen is one URL for the page and each format's card area: a «Выбрать» click swaps the
area in place under htmx, and without JS the same form posts and redirects."""
from flask import flash, redirect, render_template, request, url_for

from portal.formatting import quoted
from portal.mentee import bp
from portal.names import full_name
from portal.services import cycle, ending, monitoring, overview, pairing, programmes
from portal.web import actor, client_ip, outcome, render, wants_fragment
from portal.web.forms import EmptyForm


def _programmes(person) -> list[dict]:
    """The programmes of the formats the person is a mentee in, to read before choosing (4.12)."""
    return [row for row in programmes.for_participant(person) if "mentee" in row["bases"]]


@bp.route("/")
def home():
    person = actor()
    return render_template("mentee/home.html", mentorships=overview.mentorships_of_mentee(person),
                           programmes=_programmes(person),
                           choices=pairing.proposals_for(person), form=EmptyForm(),
                           upcoming=cycle.upcoming_meetings(person), stage_titles=cycle.STAGE_TITLES,
                           running=cycle.RUNNING, asking=ending.ASKABLE, pending=monitoring.pending_for(person))


@bp.route("/programmes/<int:programme_id>/acknowledge", methods=["POST"])
def acknowledge(programme_id):
    """«Ознакомлен(а) с программой»: from the home page, or from the choice screen it returns to."""
    ack = pairing.acknowledge(actor(), programme_id, ip=client_ip())
    flash(f"Вы ознакомлены с программой {quoted(ack.programme.title)}.", "success")
    back = "mentee.choice" if request.form.get("back") == "choice" else "mentee.home"
    return redirect(url_for(back), code=303)


def _choice_context(person, error: str | None = None, error_format: int | None = None) -> dict:
    rows = pairing.proposals_for(person)
    parents = pairing.chosen_by_parents(row["pair"].id for row in rows if row["pair"] is not None)
    chosen = {row["format"].id: {"name": full_name(row["pair"].mentor, "accusative"), "by": parents.get(row["pair"].id)}
              for row in rows if row["pair"] is not None}
    declined = pairing.declined_for(person)
    shown = {row["format"].id for row in rows}
    # A format whose every proposal was declined still shows: the note, and the wait for new candidates.
    rows += [{"format": proposals[0].mentoring_format, "cards": [], "pair": None}
             for format_id, proposals in declined.items() if format_id not in shown]
    return {"rows": rows, "chosen": chosen, "declined": declined,
            "programmes": {row["format"].id: row for row in _programmes(person)},
            "error": error, "error_format": error_format,
            "form": EmptyForm()}


@bp.route("/choice")
def choice():
    return render_template("mentee/choice.html", **_choice_context(actor()))


@bp.route("/choice/<int:proposal_id>", methods=["POST"])
def choose(proposal_id):
    """Take the proposed mentor's place; a refusal (no place left, programme not read) shows in place."""
    person = actor()
    proposal = pairing.proposal_of(person, proposal_id)  # not proposed to this mentee: 404
    _, refusal = outcome(lambda: pairing.choose(person, proposal.id, ip=client_ip()))
    error = refusal.message if refusal is not None else None
    if error is None and not wants_fragment():
        flash("Выбор сохранён. Ждём подтверждения наставника.", "success")
        return redirect(url_for("mentee.choice"), code=303)
    context = _choice_context(person, error=error, error_format=proposal.mentoring_format_id)
    row = next((r for r in context["rows"] if r["format"].id == proposal.mentoring_format_id), None)
    if row is None:  # nothing left open in this format: the area says so, with the refusal
        row = {"format": proposal.mentoring_format, "cards": [], "pair": None}
    return render("mentee/choice.html", "mentee/_choice_format.html", status=422 if error else 200,
                  row=row, **context)
