"""Filling the school's roster: one person by hand, or class lists from a CSV file (4.4, 4.5, 4.9).

An import takes two requests: the upload validates every row and shows a preview, the commit writes.
Between them the file waits on the server, under the instance folder as `imports/<token>.csv` with
the token in the (signed) session, rather than travelling back through the page in a hidden field:
children's personal data should not round-trip through the browser a second time, a 2 MB list would
bloat the page by a third again in base64, and what is committed is byte for byte what was previewed.
The commit claims the file by renaming it (atomic, so a double click imports once), validates it
again and deletes it; files left behind by an abandoned preview are swept on the next upload.
"""
import os
import re
import secrets
import time
from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, session, url_for
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice

from portal.models.bases import BASES
from portal.models.people import PERSON_KINDS, SEX_CHOICES
from portal.services import roster
from portal.staff import bp
from portal.web import attempt, client_ip, form_status, staff_scope
from portal.web.forms import EmptyForm, Form

PENDING = "roster_import"
TOKEN_RE = re.compile(r"^[0-9a-f]{32}$")
STALE_SECONDS = 12 * 3600
SHOWN_PROBLEMS = 200
SHOWN_ROWS = 10


class PersonForm(Form):
    """Only the fields a person has; the rules (and their Russian messages) live in roster.add_person."""
    kind = SelectField("Кто это", choices=[SelectChoice(k, t) for k, t in PERSON_KINDS], default="student",
                       validate_choice=False)
    surname = StringField("Фамилия")
    first_name = StringField("Имя")
    patronymic = StringField("Отчество (если есть)")
    sex = SelectField("Пол", choices=[SelectChoice("", "— выберите —")]
                      + [SelectChoice(k, t) for k, t in SEX_CHOICES], validate_choice=False)
    birth_date = StringField("Дата рождения (для обучающегося обязательна)", render_kw={"type": "date"})
    school_class = StringField("Класс (для обучающегося), например 7Б", render_kw={"maxlength": 10})
    position = StringField("Должность")
    organisation = StringField("Организация (для внешнего участника)")
    phone = StringField("Телефон", render_kw={"type": "tel"})
    email = StringField("Электронная почта", render_kw={"type": "email"})

    FIELDS = ("kind", "surname", "first_name", "patronymic", "sex", "birth_date", "school_class", "position",
              "organisation", "phone", "email")


def _format_id(value):
    """A chosen format id; garbage becomes -1, which the service refuses as «not in your scope» (404)."""
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


class ImportForm(Form):
    file = FileField("Файл CSV со списком", validators=[FileRequired("Выберите файл со списком.")])
    mentoring_format = SelectField("Включить всех из списка в базу формы", coerce=_format_id, validate_choice=False)
    base = SelectField("База", choices=[SelectChoice(code, title) for code, title in reversed(BASES)],
                       validate_choice=False)


@bp.route("/people/new", methods=["GET", "POST"])
def new_person():
    staff = staff_scope()
    form = PersonForm()
    if form.validate_on_submit():
        data = {name: form[name].data for name in PersonForm.FIELDS}
        person = attempt(form, lambda: roster.add_person(staff, data, ip=client_ip()))
        if person is not None:
            flash(f"{person.full_name} — в списке школы.", "success")
            return redirect(url_for("staff.person", person_id=person.id), code=303)
    return render_template("staff/person_form.html", form=form), form_status(form)


def _import_form(staff) -> ImportForm:
    form = ImportForm()
    form.mentoring_format.choices = ([SelectChoice("", "— не включать —")]
                                     + [SelectChoice(f.id, f.name) for f in staff.formats()])
    return form


def _imports_dir() -> Path:
    path = Path(current_app.config["INSTANCE_PATH"]) / "imports"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _keep(data: bytes) -> str:
    """Store the previewed file (readable by the portal only) and sweep previews nobody committed."""
    folder = _imports_dir()
    now = time.time()
    for old in folder.iterdir():
        try:
            if now - old.stat().st_mtime > STALE_SECONDS:
                old.unlink()
        except OSError:
            pass
    token = secrets.token_hex(16)
    fd = os.open(folder / f"{token}.csv", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    return token


def _claim(token) -> bytes | None:
    """Take the previewed file exactly once; a second click (or a stale session) finds nothing."""
    if not isinstance(token, str) or not TOKEN_RE.match(token):
        return None
    folder = _imports_dir()
    claimed = folder / f"{token}.{secrets.token_hex(4)}.claimed"
    try:
        os.rename(folder / f"{token}.csv", claimed)
    except OSError:
        return None
    try:
        return claimed.read_bytes()
    finally:
        claimed.unlink(missing_ok=True)


def _forget_pending() -> None:
    pending = session.pop(PENDING, None)
    if pending:
        _claim(pending.get("token"))


def _page(form, *, plan=None, problems=(), status=200):
    return render_template("staff/import.html", form=form, plan=plan, problems=list(problems)[:SHOWN_PROBLEMS],
                           more_problems=max(0, len(problems) - SHOWN_PROBLEMS), shown_rows=SHOWN_ROWS,
                           commit_form=EmptyForm(), is_coordinator=staff_scope().is_coordinator, kind_titles=roster.KIND_TITLES, sexes=dict(SEX_CHOICES),
                           max_mb=roster.MAX_FILE_BYTES // (1024 * 1024)), status


@bp.route("/people/import", methods=["GET", "POST"])
def import_people():
    staff = staff_scope()
    form = _import_form(staff)
    if not form.validate_on_submit():
        return _page(form, status=form_status(form))
    upload = form.file.data
    data = upload.read(roster.MAX_FILE_BYTES + 1)
    format_id = form.mentoring_format.data
    base = form.base.data if format_id is not None else ""
    plan = attempt(form, lambda: roster.plan_import(staff, data, format_id, base))
    if plan is None:
        return _page(form, status=422)
    if plan.problems:
        return _page(form, problems=plan.problems, status=422)
    _forget_pending()
    session[PENDING] = {"token": _keep(data), "format_id": format_id, "base": base}
    return _page(form, plan=plan)


@bp.route("/people/import/commit", methods=["POST"])
def import_commit():
    staff = staff_scope()
    pending = session.pop(PENDING, None) or {}
    data = _claim(pending.get("token"))
    if data is None:
        flash("Этот файл уже импортирован или его предпросмотр устарел: загрузите файл ещё раз.", "error")
        return redirect(url_for("staff.import_people"), code=303)
    form = _import_form(staff)
    try:
        result = attempt(form, lambda: roster.commit_import(staff, data, pending.get("format_id"),
                                                            pending.get("base", ""), ip=client_ip()))
    except roster.ImportRefused as exc:
        return _page(form, problems=exc.problems, status=422)
    if result is None:
        return _page(form, status=422)
    parts = [f"Импортировано человек: {result.people}"]
    if result.classes_created:
        parts.append(f"новых классов: {result.classes_created}")
    if result.guardianships and staff.is_coordinator:
        parts.append(f"связей «родитель — ребёнок»: {result.guardianships}")
    elif result.guardianships:
        parts.append(f"связей «родитель — ребёнок», ожидающих подтверждения координатора: {result.guardianships}")
    if result.nominated:
        parts.append(f"включено в базу и ожидают согласия: {result.nominated}")
    flash("; ".join(parts) + ".", "success")
    return redirect(url_for("staff.people"), code=303)
