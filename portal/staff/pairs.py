"""Pairs and groups for staff (4.13): where each pair stands, and its history step by step — who chose,
who confirmed, which order approved it. A curator sees the pairs of their own formats only."""
from flask import flash, redirect, render_template, request, url_for

from portal.formatting import role
from portal.ids import id_arg
from portal.services import carrying, ending
from portal.services import orders as order_rules
from portal.staff import bp
from portal.web import attempt, client_ip, form_status, outcome, staff_scope
from portal.web.filters import read_year
from portal.web.forms import EmptyForm, EndPairForm

STATE_FILTERS = (
    ("current", "все текущие"),
    ("waiting", "ждут приказа"),
    ("active", "действуют"),
    ("over", "завершены и отменены"),
    ("all", "все"),
)


@bp.route("/pairs", endpoint="pairs")
def pair_list():
    staff = staff_scope()
    state = request.args.get("state", "current")
    state = state if state in order_rules.PAIR_FILTERS else "current"
    format_id = request.args.get("format", type=id_arg)
    format_id = format_id if format_id in staff.format_ids else None
    year, years = read_year(staff.format_ids)
    return render_template("staff/pairs.html", pairs=order_rules.pairs(staff, state, format_id, year), state=state,
                           format_id=format_id, formats=list(staff.formats()), state_filters=STATE_FILTERS,
                           year=year, years=years,
                           is_coordinator=staff.is_coordinator, class_of=order_rules.class_of,
                           may_end=ending.may_end, early=ending.ends_early)


@bp.route("/pairs/<int:mentorship_id>", endpoint="pair")
def pair_card(mentorship_id):
    staff = staff_scope()
    data = order_rules.pair(staff, mentorship_id)
    return render_template("staff/pair.html", **data, end_requests=ending.end_requests(data["pair"]),
                           carried_into=carrying.carried_into(data["pair"]),
                           unfinished=carrying.is_unfinished(data["pair"]),
                           may_end=ending.may_end(data["pair"]), early=ending.ends_early(data["pair"]),
                           is_coordinator=staff.is_coordinator, class_of=order_rules.class_of)


@bp.route("/pairs/<int:mentorship_id>/end", methods=["GET", "POST"], endpoint="pair_end")
def pair_end(mentorship_id):
    """«Завершить досрочно» (a working pair) or «Отменить пару» (not yet approved): reason, text, confirmation."""
    staff = staff_scope()
    pair = ending.pair_in_scope(staff, mentorship_id)
    form = EndPairForm()
    if ending.may_end(pair) and form.validate_on_submit():
        mentees = order_rules.mentees_of(pair)
        back = (f"{role(mentees[0], 'наставляемый').capitalize()} снова ждёт" if len(mentees) == 1
                else "Наставляемые снова ждут")
        ended = attempt(form, lambda: ending.end_pair(staff, pair.id, form.reason.data, form.text.data, ip=client_ip()))
        if ended:
            flash(f"Пара {order_rules.pair_label(pair)} {ended.status_title}. "
                  f"Место у наставника освободилось. {back} наставника в очереди.", "success")
            return redirect(url_for("staff.pair", mentorship_id=pair.id), code=303)
    return render_template("staff/pair_end.html", pair=pair, form=form, may_end=ending.may_end(pair),
                           early=ending.ends_early(pair), class_of=order_rules.class_of), form_status(form)


@bp.route("/pairs/<int:mentorship_id>/carry", methods=["GET", "POST"], endpoint="pair_carry")
def pair_carry(mentorship_id):
    """«Перенести в новый год»: an unfinished pair of a year that is over goes on in the programme in force."""
    staff = staff_scope()
    pair, refusal = outcome(lambda: carrying.to_carry(staff, mentorship_id))
    if pair is None:
        flash(refusal.message, "error")
        return redirect(url_for("staff.pair", mentorship_id=mentorship_id), code=303)
    form = EmptyForm()
    if form.validate_on_submit():
        carried = attempt(form, lambda: carrying.carry_over(staff, pair.id, ip=client_ip()))
        if carried is not None:
            flash(f"Пара {order_rules.pair_label(pair)} перенесена в программу нового учебного года"
                  + (": она ждёт приказа директора." if carried.id != pair.id else "."), "success")
            return redirect(url_for("staff.pair", mentorship_id=carried.id), code=303)
    return render_template("staff/pair_carry.html", pair=pair, form=form, class_of=order_rules.class_of), \
        form_status(form)
