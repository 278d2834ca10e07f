"""Thin views over services.public_pages, services.honour and services.bank: the rules live there."""
from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from portal.ids import parse_id
from portal.motivation import bp
from portal.services import bank, honour, public_pages, uploads
from portal.web import actor, attempt, client_ip, form_status, render, send_download, takes_upload
from portal.web.forms import EmptyForm, Form, TextForm


def _holds(*roles) -> bool:
    return any(current_user.has_role(role) for role in roles)


def _only(*roles) -> None:
    if not _holds(*roles):
        abort(403)


def _upload(field) -> tuple[str, bytes | None]:
    data = field.data
    return (getattr(data, "filename", "") or "", data.read(uploads.MAX_BYTES + 1) or None) if data else ("", None)


# --- a mentor's own page for «Наши наставники» ----------------------------------------------------------------

class ProfileForm(Form):
    text = TextAreaField("О себе: несколько предложений для страницы «Наши наставники»")
    photo = FileField("Фотография (JPEG или PNG, до 20 МБ)")
    remove_photo = BooleanField("Убрать фотографию")


@bp.route("/profile", methods=["GET", "POST"])
@takes_upload
def profile():
    """The mentor's text and photo; the public page shows them only as far as their consent allows."""
    _only("mentor", "curator")
    person = actor()
    current = public_pages.profile_of(person)
    form = ProfileForm(data={"text": current.text if current else ""})
    if form.validate_on_submit():
        name, data = _upload(form.photo)
        text = form.text.data if isinstance(form.text.data, str) else ""
        if attempt(form, lambda: public_pages.save_profile(person, text, name, data, bool(form.remove_photo.data),
                                                           ip=client_ip())):
            flash("Сохранено. На публичной странице видно только то, что разрешает ваше согласие.", "success")
            return redirect(url_for("motivation.profile"), code=303)
    fields = public_pages.consented(person.school_id).get(person.id)
    return render_template("motivation/profile.html", form=form, profile=current,
                           fields=fields[1] if fields else None,
                           field_titles=public_pages.FIELD_TITLES), form_status(form)


# --- the honour board, kept by the coordinator ---------------------------------------------------------------

class HonourForm(Form):
    person = SelectField("Кого отметить", choices=[], validate_choice=False)
    year = StringField("Год", render_kw={"inputmode": "numeric"})
    title = StringField("Звание или награда", render_kw={"placeholder": "Наставник года"})
    text = TextAreaField("Коротко: за что")
    photo = FileField("Фотография для доски почёта, если есть (JPEG или PNG)")


@bp.route("/honour", methods=["GET", "POST"])
@takes_upload
def honour_board():
    _only("coordinator")
    person = actor()
    form = HonourForm(data={"year": str(date.today().year)} if request.method == "GET" else None)
    form.person.choices = [SelectChoice("", "— выберите —")] + [
        SelectChoice(str(p.id), p.full_name) for p in honour.people_to_choose(person)]
    if form.validate_on_submit():
        name, data = _upload(form.photo)
        year = parse_id(form.year.data)
        added = attempt(form, lambda: honour.add_entry(person, parse_id(form.person.data), form.title.data or "",
                                                       year if year is not None else -1, form.text.data or "",
                                                       photo_name=name, photo_data=data, ip=client_ip()))
        if added is not None:
            flash("Запись внесена на доску почёта.", "success")
            return redirect(url_for("motivation.honour_board"), code=303)
    return render_template("motivation/honour.html", form=form, rows=honour.entries(person)), form_status(form)


@bp.route("/honour/<int:entry_id>/remove", methods=["GET", "POST"])
def honour_remove(entry_id):
    """«Удалить запись?» — asked first, done by the button."""
    _only("coordinator")
    person = actor()
    row = next((r for r in honour.entries(person) if r["entry"].id == entry_id), None)
    if row is None:
        abort(404)
    form = EmptyForm()
    if form.validate_on_submit():
        honour.remove_entry(person, entry_id, ip=client_ip())
        flash("Запись удалена с доски почёта.", "success")
        return redirect(url_for("motivation.honour_board"), code=303)
    return render_template("motivation/honour_remove.html", form=form, row=row)


# --- the methodical bank --------------------------------------------------------------------------------------

class MaterialForm(Form):
    title = StringField("Название")
    mentoring_format = SelectField("Форма наставничества", choices=[], validate_choice=False)
    topic = StringField("Тема", render_kw={"placeholder": "Например: адаптация, проектная работа"})
    description = TextAreaField("Описание: для кого материал и как им пользоваться")
    file = FileField("Файл (PDF, Word, Excel, PowerPoint, JPEG или PNG, до 20 МБ)")
    publish_agreed = BooleanField("Согласен(на) на публикацию материала в копилке для участников программы")
    public_agreed = BooleanField("Можно показывать материал всем, без входа в портал (на публичной странице)")


class AgreementForm(TextForm):
    publish_agreed = BooleanField("Согласен(на) на публикацию материала в копилке для участников программы")
    public_agreed = BooleanField("Можно показывать материал всем, без входа в портал")


class ReviewForm(TextForm):
    action = StringField()


def _format_choices(school_id):
    return [SelectChoice("", "— для любой формы —")] + [SelectChoice(str(f.id), f.name)
                                                        for f in bank.formats_of(school_id)]


@bp.route("/bank")
def bank_index():
    """Published materials (searchable by form and topic), past years' programmes, and one's own materials."""
    person = actor()
    search = bank.parse_search(person.school_id, request.args.get("format"), request.args.get("topic"))
    adds = _holds(*bank.ADDER_ROLES)
    return render("motivation/bank.html", "motivation/_bank_rows.html",
                  materials=bank.published(person.school_id, search), search=search,
                  formats=bank.formats_of(person.school_id), topics=bank.topics(person.school_id),
                  programmes=bank.past_programmes(person.school_id), mine=bank.mine(person) if adds else [],
                  adds=adds, reviews=_holds("coordinator"), state_titles=bank.STATE_TITLES)


@bp.route("/bank/new", methods=["GET", "POST"])
@takes_upload
def material_new():
    _only(*bank.ADDER_ROLES)
    person = actor()
    form = MaterialForm()
    form.mentoring_format.choices = _format_choices(person.school_id)
    if form.validate_on_submit():
        name, data = _upload(form.file)
        made = attempt(form, lambda: bank.submit(person, current_user.role_names(), bank.MaterialData(
            title=form.title.data or "", format_id=form.mentoring_format.data, topic=form.topic.data or "",
            description=form.description.data or "", publish_agreed=bool(form.publish_agreed.data),
            public_agreed=bool(form.public_agreed.data), file_name=name, file_data=data), ip=client_ip()))
        if made is not None:
            flash("Материал отправлен координатору: после проверки он появится в копилке.", "success")
            return redirect(url_for("motivation.material", material_id=made.id), code=303)
    return render_template("motivation/material_new.html", form=form), form_status(form)


@bp.route("/bank/review")
def bank_review():
    _only("coordinator")
    return render_template("motivation/bank_review.html", materials=bank.for_review(actor()),
                           state_titles=bank.STATE_TITLES)


def _material_page(material, review_form=None, status: int = 200):
    person = actor()
    mine = material.author_id == person.id
    return render_template(
        "motivation/material.html", material=material, mine=mine, state_titles=bank.STATE_TITLES,
        published=bank.is_published(material), public=bank.is_public(material),
        agreement_form=AgreementForm(fresh=True, publish_agreed=material.publish_agreed,
                                     public_agreed=material.public_agreed) if mine else None,
        review_form=review_form or (ReviewForm(fresh=True) if _holds("coordinator") else None)), status


@bp.route("/bank/<int:material_id>")
def material(material_id):
    return _material_page(bank.readable(actor(), material_id, _holds("coordinator")))


@bp.route("/bank/<int:material_id>/file")
def material_file(material_id):
    return send_download(bank.download(actor(), material_id, _holds("coordinator"), ip=client_ip()))


@bp.route("/bank/<int:material_id>/agreement", methods=["POST"])
def material_agreement(material_id):
    """The author's two ticks: publish in the bank, and show publicly."""
    _only(*bank.ADDER_ROLES)
    person = actor()
    found = bank.readable(person, material_id)
    form = AgreementForm()
    if form.validate_on_submit():
        changed = bank.set_agreement(person, found.id, form.publish_agreed.data, form.public_agreed.data,
                                     ip=client_ip())
        flash("Согласие сохранено." if changed.publish_agreed
              else "Согласие на публикацию снято: материал видят только вы и координатор.", "success")
    return redirect(url_for("motivation.material", material_id=found.id), code=303)


@bp.route("/bank/<int:material_id>/review", methods=["POST"])
def material_review(material_id):
    """The coordinator publishes the material or returns it to its author."""
    _only("coordinator")
    person = actor()
    found = bank.readable(person, material_id, is_coordinator=True)
    form = ReviewForm()
    if form.validate_on_submit():
        action = form.action.data or ""
        if attempt(form, lambda: bank.review(person, found.id, action, ip=client_ip())) is not None:
            flash(bank.ACTION_DONE[action], "success")
            return redirect(url_for("motivation.material", material_id=found.id), code=303)
    return _material_page(found, form, form_status(form))
