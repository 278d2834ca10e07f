"""The roster, a person's card and export (3.2), guardianship and invitations (4.11), the external mentor's
agreement (4.14)."""
import json

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, Regexp

from portal.ids import id_arg
from portal.models.people import PERSON_KINDS, SEX_CHOICES
from portal.services import people as records
from portal.services import recognition, resets, training
from portal.staff import bp
from portal.web import UrlPattern, attempt, client_ip, render, staff_scope, wants_fragment
from portal.web.forms import EmptyForm, Form, printable, too_long


class GuardianForm(Form):
    """A parent chosen from the roster (parent_id) or typed by hand; ids are re-checked by the service."""

    parent_id = StringField("Родитель из списка школы", validators=[
        Optional(), Regexp(r"^\d{1,9}$", message="Выберите родителя из списка.")])
    basis = SelectField("Основание полномочий", choices=[SelectChoice(b, b) for b in records.GUARDIAN_BASES],
                        validate_choice=False)
    surname = StringField("Фамилия", validators=[Length(max=100, message=too_long(100)), printable])
    first_name = StringField("Имя", validators=[Length(max=100, message=too_long(100)), printable])
    patronymic = StringField("Отчество", validators=[Length(max=100, message=too_long(100)), printable])
    sex = SelectField("Пол", choices=[SelectChoice("", "— выберите —")] + [SelectChoice(k, t) for k, t in SEX_CHOICES],
                      validate_choice=False)
    phone = StringField("Телефон", validators=[Length(max=50, message=too_long(50)), printable])
    document = StringField("Документ о полномочиях: вид, серия и номер, дата", validators=[
        Length(max=records.DOCUMENT_LIMIT, message=too_long(records.DOCUMENT_LIMIT)), printable])


class InviteForm(Form):
    """The invitation button; the reason matters only for a reset (an account that has a password)."""

    reason = StringField("Причина сброса пароля", validators=[
        Length(max=resets.REASON_LIMIT, message=too_long(resets.REASON_LIMIT)), printable])


class EmailForm(Form):
    """The address on the card; the service checks it and says why in Russian."""

    email = StringField("Электронная почта (для уведомлений, если в школе настроена почта)",
                        validators=[Length(max=records.EMAIL_LIMIT, message=too_long(records.EMAIL_LIMIT))],
                        render_kw={"type": "email", "maxlength": records.EMAIL_LIMIT})


def _roster_filters() -> dict:
    filters = {"q": records.clean(request.args.get("q")),
               "kind": request.args.get("kind", "") if request.args.get("kind") in records.KIND_TITLES else "",
               "class": request.args.get("class", type=id_arg) or ""}
    return {k: v for k, v in filters.items() if v}


@bp.route("/people", endpoint="people")
def roster():
    """Search, filters and pages on one URL; htmx gets only the rows."""
    staff = staff_scope()
    filters = _roster_filters()
    page = records.roster(staff, surname=filters.get("q", ""), kind=filters.get("kind", ""),
                          class_id=filters.get("class"), page=request.args.get("page", type=id_arg) or 1)
    context = {"roster": page, "filters": filters, "kind_titles": records.KIND_TITLES,
               "person_url": UrlPattern("staff.person", "person_id")}
    if wants_fragment():
        return render("staff/people.html", "staff/_people_rows.html", **context)
    return render("staff/people.html", classes=records.classes_of(staff.school_id), kinds=PERSON_KINDS, **context)


def _card(staff, person_id, *, guardian_form=None, invite_form=None, email_form=None, status=200):
    data = records.card(staff, person_id)
    if email_form is None:
        email_form = EmailForm(formdata=None, email=data["person"].email)
    parent_q = records.clean(request.args.get("parent_q"))
    return render_template(
        "staff/person.html", **data, is_coordinator=staff.is_coordinator, parent_q=parent_q,
        training_history=training.history(staff.school_id, [data["person"].id]),
        recognition=recognition.of_person(data["person"].id), recognition_titles=recognition.TITLES,
        candidates=records.parent_candidates(staff, parent_q) if data["may_have_parents"] else [],
        guardian_form=guardian_form or GuardianForm(formdata=None), invite_form=invite_form or InviteForm(formdata=None),
        csrf_form=EmptyForm(), email_form=email_form,
        role_titles=records.ROLE_TITLES, base_titles=records.BASE_TITLES,
        status_titles=records.MEMBER_STATUS_TITLES, kind_titles=records.KIND_TITLES), status


@bp.route("/people/<int:person_id>", endpoint="person")
def card(person_id):
    staff = staff_scope()
    if wants_fragment() and "parent_q" in request.args:  # the parent search on a child's card
        staff.circle_person(person_id)
        parent_q = records.clean(request.args.get("parent_q"))
        return render("staff/person.html", "staff/_person_parent_choices.html", parent_q=parent_q,
                      candidates=records.parent_candidates(staff, parent_q), guardian_form=GuardianForm(formdata=None))
    return _card(staff, person_id)


@bp.route("/people/<int:person_id>/export", endpoint="person_export")
def export(person_id):
    """Subject-access request (152-ФЗ art. 14): everything held about the person, as one JSON file."""
    staff = staff_scope()
    if not staff.is_coordinator:
        abort(403)
    data = records.export(staff, person_id, ip=client_ip())
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="person-{person_id}.json"', "Cache-Control": "no-store"})


@bp.route("/people/<int:person_id>/guardians", methods=["POST"], endpoint="link_parent")
def link_parent(person_id):
    staff = staff_scope()
    form = GuardianForm()
    if form.validate_on_submit():
        new_parent = records.NewParent(form.surname.data or "", form.first_name.data or "",
                                       form.patronymic.data or "", form.sex.data or "", form.phone.data or "")
        parent_id = int(form.parent_id.data or 0) or None
        link = attempt(form, lambda: records.link_parent(staff, person_id, parent_id=parent_id, new_parent=new_parent,
                                                         basis=form.basis.data or "", document=form.document.data or "",
                                                         ip=client_ip()))
        if link is not None and link.confirmed_at is not None:
            flash(f"Связь подтверждена: {link.parent.full_name} может подписывать согласия за ребёнка.", "success")
        elif link is not None:
            flash(f"Связь ожидает подтверждения координатора: пока он не сверит документ, {link.parent.full_name} "
                  "не видит ребёнка в портале и не может подписывать за него согласия.", "success")
        if link is not None:
            return redirect(url_for("staff.person", person_id=person_id), code=303)
    return _card(staff, person_id, guardian_form=form, status=422)


@bp.route("/people/<int:person_id>/email", methods=["POST"], endpoint="person_email")
def person_email(person_id):
    """The e-mail address on the card: set, corrected or removed; a bad one is refused beside the field."""
    staff = staff_scope()
    form = EmailForm()
    if form.validate_on_submit():
        person = attempt(form, lambda: records.set_email(staff, person_id, form.email.data, ip=client_ip()))
        if person is not None:
            flash("Адрес электронной почты сохранён." if person.email else "Адрес электронной почты удалён.",
                  "success")
            return redirect(url_for("staff.person", person_id=person_id), code=303)
    return _card(staff, person_id, email_form=form, status=422)


@bp.route("/guardianships/<int:link_id>/remove", methods=["GET", "POST"], endpoint="unlink_parent")
def unlink_parent(link_id):
    staff = staff_scope()
    link = records.guardianship_for(staff, link_id)
    form = EmptyForm()
    if form.validate_on_submit():
        records.unlink_parent(staff, link.id, ip=client_ip())
        flash(f"Связь снята: {link.parent.full_name} больше не может подписывать согласия за ребёнка.", "success")
        return redirect(url_for("staff.person", person_id=link.child.id), code=303)
    return render_template("staff/person.html", unlink=link, form=form)


@bp.route("/people/<int:person_id>/invitation", methods=["POST"], endpoint="invite")
def invite(person_id):
    """The code is shown once, on this response's printable slip; only its hash is kept."""
    staff = staff_scope()
    form = InviteForm()
    if form.validate_on_submit():
        ttl = current_app.config["INVITATION_TTL"]
        result = attempt(form, lambda: records.invite(staff, person_id, ttl, reason=form.reason.data or "",
                                                      ip=client_ip()))
        if result is not None:
            account, code = result
            return render_template("staff/slip.html", account=account, code=code, ttl_days=ttl.days)
    return _card(staff, person_id, invite_form=form, status=422)
