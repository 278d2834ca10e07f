"""The director's order on pairs and groups (4.1, 4.13, s10): the coordinator gathers confirmed pairs into
a draft, prints it for the director, registers the signed number and date — and only then are the pairs
active. A registered order is never edited; a correction is a new order."""

from flask import flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length

from portal.coordinator import bp
from portal.services import ending
from portal.services import orders as order_rules
from portal.web import attempt, client_ip, outcome, pdf_response, staff_scope
from portal.web.forms import REQUIRED, DayField, EmptyForm, printable, too_long



class OrderForm(FlaskForm):
    """Filled from the posted text parts only (see TextForm); `fresh=True` gives an empty form on any request,
    for the page's other forms when one of them was posted."""

    def __init__(self, fresh: bool = False, **kwargs):
        submitted = not fresh and request.method == "POST"
        super().__init__(formdata=request.form if submitted and request.form else None, **kwargs)


class PairsForm(OrderForm):
    """Ticked pairs; the ids are re-checked by the service, so a forged one is a 404."""

    mentorships = SelectMultipleField("Пары", validate_choice=False)

    def ids(self) -> list:
        return self.mentorships.data or []


class RegisterForm(OrderForm):
    number = StringField("Номер приказа", validators=[DataRequired(REQUIRED), Length(max=50, message=too_long(50)),
                                                      printable])
    dated_on = DayField("Дата приказа", validators=[DataRequired(REQUIRED)])


def _order_page(order_id, status=200, register_form=None, add_form=None, problem=None):
    page = order_rules.order_page(staff_scope(), order_id)
    return render_template("coordinator/order.html", **page, register_form=register_form or RegisterForm(fresh=True),
                           add_form=add_form or PairsForm(fresh=True), button=EmptyForm(), problem=problem,
                           status_titles=order_rules.ORDER_STATUS_TITLES, class_of=order_rules.class_of), status


def _refused(order_id, form, action):
    """A button-only change on an order: done → back to the order (303); refused → the order with the reason (422)."""
    if not form.validate_on_submit():
        return _order_page(order_id, status=422, problem="Не удалось отправить форму. Обновите страницу.")
    _, refusal = outcome(action)
    return None if refusal is None else _order_page(order_id, status=422, problem=refusal.message)


def _orders_page(form=None, status=200):
    staff = staff_scope()
    return render_template("coordinator/orders.html", orders=order_rules.orders(staff),
                           ready=order_rules.ready_pairs(staff), form=form or PairsForm(fresh=True),
                           changes=ending.changes_for_next_order(staff),
                           status_titles=order_rules.ORDER_STATUS_TITLES, class_of=order_rules.class_of), status


@bp.route("/orders")
def orders():
    return _orders_page()


@bp.route("/orders/new", methods=["POST"])
def order_new():
    form = PairsForm()
    if form.validate_on_submit():
        order = attempt(form, lambda: order_rules.create_draft(staff_scope(), form.ids(),
                                                               ip=client_ip()))
        if order is not None:
            flash("Проект приказа составлен. Распечатайте его на подпись директору, затем зарегистрируйте номер и дату.",
                  "success")
            return redirect(url_for("coordinator.order", order_id=order.id), code=303)
    return _orders_page(form=form, status=422)


@bp.route("/orders/<int:order_id>")
def order(order_id):
    return _order_page(order_id)


@bp.route("/orders/<int:order_id>/items", methods=["POST"])
def order_add(order_id):
    form = PairsForm()
    if form.validate_on_submit():
        done = attempt(form, lambda: order_rules.add_pairs(staff_scope(), order_id, form.ids(),
                                                           ip=client_ip()))
        if done is not None:
            flash("Пары добавлены в проект приказа. Распечатайте его заново.", "success")
            return redirect(url_for("coordinator.order", order_id=order_id), code=303)
    problem = form.form_errors[0] if form.form_errors else None
    return _order_page(order_id, status=422, add_form=form, problem=problem)


@bp.route("/orders/<int:order_id>/items/<int:mentorship_id>/remove", methods=["POST"])
def order_item_remove(order_id, mentorship_id):
    refused = _refused(order_id, EmptyForm(),
                       lambda: order_rules.remove_pair(staff_scope(), order_id, mentorship_id, ip=client_ip()))
    if refused:
        return refused
    flash("Пара убрана из проекта приказа и снова ждёт приказа.", "success")
    return redirect(url_for("coordinator.order", order_id=order_id), code=303)


@bp.route("/orders/<int:order_id>/merge/<int:mentorship_id>", methods=["GET", "POST"])
def order_merge(order_id, mentorship_id):
    """GET asks «объединить в группу?», POST does it."""
    form = EmptyForm()
    if form.is_submitted():
        refused = _refused(order_id, form,
                           lambda: order_rules.merge_group(staff_scope(), order_id, mentorship_id, ip=client_ip()))
        if refused:
            return refused
        flash("Пары наставника объединены в группу.", "success")
        return redirect(url_for("coordinator.order", order_id=order_id), code=303)
    page = order_rules.order_page(staff_scope(), order_id)
    group = next((g for f in page["formats"] for g in f["groups"] if any(p.id == mentorship_id for p in g.pairs)),
                 None)
    if group is None:
        return render_template("errors/404.html"), 404
    return render_template("coordinator/order_merge.html", order=page["order"], group=group, form=form)


@bp.route("/orders/<int:order_id>/delete", methods=["GET", "POST"])
def order_delete(order_id):
    """GET asks «удалить проект?», POST deletes it; a registered order is never deleted."""
    form = EmptyForm()
    if form.is_submitted():
        refused = _refused(order_id, form, lambda: order_rules.delete_draft(staff_scope(), order_id, ip=client_ip()))
        if refused:
            return refused
        flash("Проект приказа удалён. Его пары снова ждут приказа.", "success")
        return redirect(url_for("coordinator.orders"), code=303)
    page = order_rules.order_page(staff_scope(), order_id)
    return render_template("coordinator/order_delete.html", form=form, **page)


@bp.route("/orders/<int:order_id>/register", methods=["POST"])
def order_register(order_id):
    form = RegisterForm()
    if form.validate_on_submit():
        done = attempt(form, lambda: order_rules.register(staff_scope(), order_id, form.number.data, form.dated_on.day,
                                                          ip=client_ip()))
        if done is not None:
            flash(f"Приказ № {done.number} зарегистрирован. Пары приказа действуют.", "success")
            return redirect(url_for("coordinator.order", order_id=order_id), code=303)
    problem = form.form_errors[0] if form.form_errors else None
    return _order_page(order_id, status=422, register_form=form, problem=problem)


@bp.route("/orders/<int:order_id>/correct", methods=["POST"])
def order_correct(order_id):
    holder = {}
    refused = _refused(order_id, EmptyForm(), lambda: holder.setdefault(
        "order", order_rules.start_correction(staff_scope(), order_id, ip=client_ip())))
    if refused:
        return refused
    flash("Составлен проект приказа о внесении изменений. Добавьте в него пары.", "success")
    return redirect(url_for("coordinator.order", order_id=holder["order"].id), code=303)


@bp.route("/orders/<int:order_id>/pdf")
def order_pdf(order_id):
    return pdf_response(order_rules.order_pdf(staff_scope(), order_id), f"prikaz-{order_id}.pdf")

