"""The director's orders (4.1, 4.13, s10). On pairs and groups: the coordinator gathers confirmed pairs into
a draft, prints it for the director, registers the signed number and date — and only then are the pairs
active. The introduction of the target model, the «Школа наставников» and the final event: drafted from the
school's data and a few typed fields. Every kind is one list, one order page, one registration (number, date,
the scan of the signed paper), one PDF and DOCX. A registered order is never edited; a correction is a new order."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from flask_wtf.file import FileField
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from portal.auth.access import home_url
from portal.coordinator import bp
from portal.services import ending
from portal.services import orders as order_rules
from portal.services import uploads
from portal.web import (
    attempt, client_ip, file_response, outcome, pdf_response, send_download, staff_scope, takes_upload,
)
from portal.web.forms import DayField, EmptyForm, Form, REQUIRED, printable, too_long



class OrderForm(Form):
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
    # Read from request.files by the view (the form itself takes the text parts only).
    scan = FileField("Скан подписанного приказа (PDF, JPEG или PNG, до 20 МБ)")


class ScanForm(OrderForm):
    scan = FileField("Скан подписанного приказа (PDF, JPEG или PNG, до 20 МБ)")


# What deleting a draft gives back, for the message after it.
_DELETED = {"pairs": "Проект приказа удалён. Его пары снова ждут приказа.",
            "changes": "Проект приказа удалён. Его изменения снова ждут приказа об изменениях.",
            "appointment": "Проект приказа удалён. Его назначения отменены."}
# What registration changed besides freezing the order, for the message after it.
_REGISTERED = {"pairs": ". Пары приказа действуют", "changes": ". Новые пары приказа действуют",
               "appointment": ". Назначенные по нему получили доступ"}


def _uploaded():
    """The posted scan's name and bytes (None when no file was chosen); one byte over the limit is read so the
    service can refuse it by size."""
    scan = request.files.get("scan")
    if scan is None or not scan.filename:
        return "", None
    return scan.filename, scan.read(uploads.MAX_BYTES + 1)


def details_form(kind: str, order=None, fresh: bool = False):
    """The typed fields of an order of this kind (services.orders.kinds.FIELDS) as a form: posted values, else
    the draft's, else the kind's defaults."""
    staff = staff_scope()
    people = [SelectChoice("", "— выберите —")] + [
        SelectChoice(str(p.id), p.full_name + (f", {p.position}" if p.position else ""))
        for p in order_rules.kinds.candidates(staff.school_id)]
    years = [SelectChoice(str(y), f"{y}/{(y + 1) % 100:02d} учебный год") for y in order_rules.kinds.year_choices()]
    attrs = {}
    for spec in order_rules.kinds.fields_of(kind):
        extra = {"description": spec.hint}
        if spec.kind == "line":
            attrs[spec.name] = StringField(spec.label, **extra)
        elif spec.kind == "text":
            attrs[spec.name] = TextAreaField(spec.label, render_kw={"rows": 6}, **extra)
        elif spec.kind == "date":
            attrs[spec.name] = DayField(spec.label, **extra)
        elif spec.kind == "year":
            attrs[spec.name] = SelectField(spec.label, choices=years, validate_choice=False, **extra)
        elif spec.kind == "person":
            attrs[spec.name] = SelectField(spec.label, choices=people, validate_choice=False, **extra)
        else:
            attrs[spec.name] = SelectMultipleField(spec.label, choices=people[1:], validate_choice=False,
                                                   render_kw={"size": 8}, **extra)
    form_class = type(f"DetailsForm_{kind}", (OrderForm,), attrs)
    if not fresh and request.method == "POST":  # only what was posted: a field left out is a field left empty
        return form_class()
    values = order_rules.kinds.details(order) if order is not None else order_rules.kinds.defaults(kind)
    data = {}
    for spec in order_rules.kinds.fields_of(kind):
        value = values.get(spec.name)
        if spec.kind in ("year", "person"):
            data[spec.name] = "" if value is None else str(value)
        elif spec.kind == "people":
            data[spec.name] = [str(v) for v in value or []]
        else:
            data[spec.name] = value or ""
    return form_class(fresh=fresh, data=data)


def _posted_details(form, kind: str) -> dict:
    """What the service checks: dates as the DayField read them (None when blank or wrong)."""
    raw = {}
    for spec in order_rules.kinds.fields_of(kind):
        field = getattr(form, spec.name)
        raw[spec.name] = field.day if spec.kind == "date" else field.data
    return raw


def _order_page(order_id, status=200, register_form=None, add_form=None, problem=None, form=None, scan_form=None):
    page = order_rules.order_page(staff_scope(), order_id)
    order = page["order"]
    typed = order.kind in order_rules.kinds.TYPED_KINDS
    return render_template("coordinator/order.html", **page, register_form=register_form or RegisterForm(fresh=True),
                           add_form=add_form or PairsForm(fresh=True), button=EmptyForm(), problem=problem,
                           details_form=(form or details_form(order.kind, order, fresh=True)) if typed else None,
                           details=order_rules.kinds.document_data(order) if typed else None,
                           scan_form=scan_form or ScanForm(fresh=True), kind_titles=order_rules.KIND_TITLES,
                           appointments=order_rules.appointment.items(order) if order.kind == "appointment" else [],
                           preview=Markup(order_rules.order_preview(staff_scope(), order_id)),
                           status_titles=order_rules.ORDER_STATUS_TITLES, class_of=order_rules.class_of), status


def _refused(order_id, form, action):
    """A button-only change on an order: done → back to the order (303); refused → the order with the reason (422)."""
    if not form.validate_on_submit():
        return _order_page(order_id, status=422, problem="Не удалось отправить форму. Обновите страницу.")
    _, refusal = outcome(action)
    return None if refusal is None else _order_page(order_id, status=422, problem=refusal.message)


def _orders_page(form=None, status=200, problem=None):
    staff = staff_scope()
    return render_template("coordinator/orders.html", orders=order_rules.orders(staff), problem=problem,
                           button=EmptyForm(), changes_draft=order_rules.changes.open_draft(staff.school_id),
                           typed_kinds=order_rules.kinds.TYPED_KINDS, kind_titles=order_rules.KIND_TITLES,
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


@bp.route("/orders/changes/new", methods=["POST"])
def order_changes_new():
    """The pending changes to pairs (ended early, cancelled, carried) into the draft of the order of changes."""
    form = EmptyForm()
    if form.validate_on_submit():
        order = attempt(form, lambda: order_rules.changes.draft(staff_scope(), ip=client_ip()))
        if order is not None:
            flash("Изменения внесены в проект приказа «О внесении изменений в состав наставнических пар». Добавьте "
                  "вновь сформированные пары, распечатайте проект на подпись директору и зарегистрируйте его.",
                  "success")
            return redirect(url_for("coordinator.order", order_id=order.id), code=303)
    problem = form.form_errors[0] if form.form_errors else "Не удалось отправить форму. Обновите страницу."
    return _orders_page(status=422, problem=problem)


@bp.route("/orders/<int:order_id>/appointments/<int:appointment_id>/remove", methods=["POST"])
def order_appointment_remove(order_id, appointment_id):
    refused = _refused(order_id, EmptyForm(), lambda: order_rules.appointment.remove(
        staff_scope(), order_id, appointment_id, ip=client_ip()))
    if refused:
        return refused
    flash("Назначение убрано из проекта приказа.", "success")
    return redirect(url_for("coordinator.order", order_id=order_id), code=303)


@bp.route("/orders/new/<kind>", methods=["GET", "POST"])
def order_new_kind(kind):
    """GET: the typed fields of a new order of this kind; POST: the draft is made from them and the school's data."""
    if kind not in order_rules.kinds.TYPED_KINDS:
        abort(404)
    form = details_form(kind)
    status = 200
    if form.is_submitted():
        if form.validate_on_submit():
            order = attempt(form, lambda: order_rules.kinds.create(staff_scope(), kind, _posted_details(form, kind),
                                                                   ip=client_ip()))
            if order is not None:
                flash("Проект приказа составлен. Проверьте его, распечатайте на подпись директору, затем "
                      "зарегистрируйте номер и дату.", "success")
                return redirect(url_for("coordinator.order", order_id=order.id), code=303)
        status = 422
    return render_template("coordinator/order_new_kind.html", form=form, kind=kind,
                           title=order_rules.KIND_TITLES[kind]), status


@bp.route("/orders/<int:order_id>")
def order(order_id):
    return _order_page(order_id)


@bp.route("/orders/<int:order_id>/details", methods=["POST"])
def order_details(order_id):
    """The typed fields of a draft changed; a registered order is refused (422) and stays as it was."""
    order = order_rules.order_page(staff_scope(), order_id)["order"]
    if order.kind not in order_rules.kinds.TYPED_KINDS:
        abort(404)
    form = details_form(order.kind, order)
    if form.validate_on_submit():
        done = attempt(form, lambda: order_rules.kinds.update(staff_scope(), order_id,
                                                              _posted_details(form, order.kind), ip=client_ip()))
        if done is not None:
            flash("Проект приказа изменён. Распечатайте его заново.", "success")
            return redirect(url_for("coordinator.order", order_id=order_id), code=303)
    problem = form.form_errors[0] if form.form_errors else None
    return _order_page(order_id, status=422, form=form, problem=problem)


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
        kind = order_rules.order_of(staff_scope(), order_id, order_rules.ALL_KINDS).kind
        refused = _refused(order_id, form, lambda: order_rules.delete_draft(staff_scope(), order_id, ip=client_ip()))
        if refused:
            return refused
        flash(_DELETED.get(kind, "Проект приказа удалён."), "success")
        return redirect(url_for("coordinator.orders"), code=303)
    page = order_rules.order_page(staff_scope(), order_id)
    return render_template("coordinator/order_delete.html", form=form, **page)


@bp.route("/orders/<int:order_id>/register", methods=["POST"])
@takes_upload
def order_register(order_id):
    form = RegisterForm()
    if form.validate_on_submit():
        scan_name, scan = _uploaded()
        done = attempt(form, lambda: order_rules.register(staff_scope(), order_id, form.number.data, form.dated_on.day,
                                                          ip=client_ip(), scan_name=scan_name, scan=scan))
        if done is not None:
            flash(f"Приказ № {done.number} зарегистрирован{_REGISTERED.get(done.kind, '')}.", "success")
            current_user.forget_roles()  # the order may have relieved this very coordinator
            if not current_user.has_role("coordinator"):
                flash("По этому приказу вы больше не координатор: страницы координатора вам больше не доступны.",
                      "success")
                return redirect(home_url(), code=303)
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


@bp.route("/orders/<int:order_id>/docx")
def order_docx(order_id):
    """The same order as a Word document: the same text as the PDF (both from one HTML)."""
    return file_response(order_rules.order_docx(staff_scope(), order_id), f"prikaz-{order_id}.docx",
                         uploads.MIME_TYPES["docx"])


@bp.route("/orders/<int:order_id>/scan", methods=["GET", "POST"])
@takes_upload
def order_scan(order_id):
    """GET downloads the scan of the signed order (audited); POST attaches one to a registered order without it."""
    if request.method == "GET":
        return send_download(order_rules.order_scan(staff_scope(), order_id, ip=client_ip()))
    form = ScanForm()
    if form.validate_on_submit():
        scan_name, scan = _uploaded()
        done = attempt(form, lambda: order_rules.attach_scan(staff_scope(), order_id, scan_name, scan, ip=client_ip()))
        if done is not None:
            flash("Скан подписанного приказа приложен.", "success")
            return redirect(url_for("coordinator.order", order_id=order_id), code=303)
    problem = form.form_errors[0] if form.form_errors else None
    return _order_page(order_id, status=422, scan_form=form, problem=problem)

