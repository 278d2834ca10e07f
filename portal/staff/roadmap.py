"""The roadmap of introducing the target model (3.2, s10). The coordinator and the curators read it — the events
by deadline with their state and the evidence behind each — and download it as PDF and XLSX; the coordinator alone
fills it with the typical events while it is empty, adds, edits, marks and deletes events (a curator gets 403 on
those pages, as on any area their role lacks). Every rule and its Russian message lives in services.roadmap."""
from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from portal.documents.roadmap import roadmap_pdf
from portal.services import exports, uploads
from portal.services import roadmap as rules
from portal.staff import bp
from portal.web import (
    attempt, client_ip, file_response, form_status, outcome, pdf_response, render, send_download, staff_scope,
    takes_upload,
)
from portal.web.forms import DayField, EmptyForm, Form, TextForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route("/roadmap", endpoint="roadmap")
def roadmap_page():
    scope = staff_scope()
    today = date.today()
    rows = rules.events(scope)
    return render("staff/roadmap.html", rows=rows, today=today, summary=rules.summary(rows, today),
                  is_coordinator=scope.is_coordinator, section_titles=rules.SECTION_TITLES,
                  status_titles=rules.STATUS_TITLES, statuses=rules.STATUSES, responsible_of=rules.responsible_of,
                  document_label=rules.document_label, typical=len(rules.TYPICAL), csrf_form=EmptyForm())


@bp.route("/roadmap/<int:event_id>/evidence", endpoint="roadmap_evidence")
def roadmap_evidence(event_id):
    return send_download(rules.evidence(staff_scope(), event_id, ip=client_ip()))


@bp.route("/roadmap.pdf", endpoint="roadmap_pdf")
def roadmap_as_pdf():
    scope = staff_scope()
    data = roadmap_pdf(rules.document_data(scope))
    rules.record_download(scope, "pdf", ip=client_ip())
    return pdf_response(data, f"roadmap-{date.today().isoformat()}.pdf")


@bp.route("/roadmap.xlsx", endpoint="roadmap_xlsx")
def roadmap_as_xlsx():
    scope = staff_scope()
    headers, rows = rules.table(scope)
    data = exports.to_xlsx(headers, rows, "Дорожная карта")
    rules.record_download(scope, "xlsx", ip=client_ip())
    return file_response(data, f"roadmap-{date.today().isoformat()}.xlsx", XLSX)


def _coordinator():
    """The coordinator's scope; a curator reads the roadmap but does not change it (403)."""
    scope = staff_scope()
    if not scope.is_coordinator:
        abort(403)
    return scope


class StatusForm(TextForm):
    """The one-click buttons of the list: the state they set (the service checks it is one of the list)."""
    status = StringField()


class EventForm(Form):
    section = SelectField("Задача (п. 3.2 Положения)", choices=[], validate_choice=False)
    title = StringField("Мероприятие")
    responsible = SelectField("Ответственный сотрудник", choices=[], validate_choice=False)
    responsible_text = StringField("Кто отвечает, словами (например: «директор», «кураторы»)")
    due_on = DayField("Срок")
    status = SelectField("Состояние", choices=[SelectChoice(code, title) for code, title in rules.STATUSES],
                         validate_choice=False)
    document = SelectField("Подтверждающий документ: приказ, выданный в портале", choices=[],
                           validate_choice=False)
    file = FileField("Или файл-подтверждение (PDF, Word, Excel, PowerPoint, JPEG или PNG, до 20 МБ)")
    drop_file = BooleanField("Убрать загруженный файл")
    note = TextAreaField("Примечание")

    def with_choices(self, scope):
        self.section.choices = [SelectChoice("", "— выберите задачу —")] + [
            SelectChoice(code, title[:1].upper() + title[1:]) for code, title in rules.SECTIONS]
        self.responsible.choices = [SelectChoice("", "— не выбран —")] + [
            SelectChoice(str(p.id), p.full_name + (f" — {p.position}" if p.position else ""))
            for p in rules.candidates(scope)]
        self.document.choices = [SelectChoice("", "— нет —")] + [
            SelectChoice(str(d.id), rules.document_label(d)) for d in rules.documents(scope)]
        return self

    def data_for_service(self) -> rules.EventData:
        upload = self.file.data
        data = upload.read(uploads.MAX_BYTES + 1) if upload else None
        return rules.EventData(
            section=self.section.data or "", title=self.title.data or "", responsible_id=self.responsible.data,
            responsible_text=self.responsible_text.data or "", due_on=self.due_on.day,
            due_invalid=bool(self.due_on.errors), status=self.status.data or "", document_id=self.document.data,
            note=self.note.data or "", file_name=getattr(upload, "filename", "") or "", file_data=data or None,
            drop_file=bool(self.drop_file.data))


def _form_for(scope, row=None, posted: bool = True) -> EventForm:
    """The form as posted, or (a GET, or `posted` False) filled from the event."""
    if (posted and request.method == "POST") or row is None:
        return EventForm().with_choices(scope)
    return EventForm(formdata=None, data={
        "section": row.section, "title": row.title, "responsible": str(row.responsible_id or ""),
        "responsible_text": row.responsible_text, "due_on": row.due_on.isoformat(), "status": row.status,
        "document": str(row.document_id or ""), "note": row.note}).with_choices(scope)


def _edit(scope, row):
    form = _form_for(scope, row)
    if request.method == "POST" and form.validate():
        saved = attempt(form, lambda: rules.save(scope, row.id if row else None, form.data_for_service(),
                                                 ip=client_ip()))
        if saved is not None:
            flash(f"Мероприятие «{saved.title}» {'изменено' if row else 'добавлено'}.", "success")
            return redirect(url_for("staff.roadmap") + f"#event-{saved.id}", code=303)
    return render_template("staff/roadmap_event.html", form=form, row=row), form_status(form)


@bp.route("/roadmap/new", methods=["GET", "POST"], endpoint="roadmap_new")
@takes_upload
def roadmap_new():
    return _edit(_coordinator(), None)


@bp.route("/roadmap/<int:event_id>", methods=["GET", "POST"], endpoint="roadmap_event")
@takes_upload
def roadmap_event(event_id):
    scope = _coordinator()
    return _edit(scope, rules.event(scope, event_id))


@bp.route("/roadmap/fill", methods=["POST"], endpoint="roadmap_fill")
def roadmap_fill():
    """«Заполнить типовой дорожной картой»: offered while the school's roadmap is empty."""
    scope = _coordinator()
    form = EmptyForm()
    if form.validate_on_submit():
        filled, refusal = outcome(lambda: rules.fill_typical(scope, ip=client_ip()))
        if refusal is not None:
            flash(refusal.message, "error")
        else:
            flash(f"Дорожная карта заполнена: {len(filled)} типовых мероприятий на учебный год. "
                  "Проверьте сроки и ответственных.", "success")
    return redirect(url_for("staff.roadmap"), code=303)


@bp.route("/roadmap/<int:event_id>/status", methods=["POST"], endpoint="roadmap_status")
def roadmap_status(event_id):
    """One click: «выполняется», «выполнено» or back to «запланировано»."""
    scope = _coordinator()
    row = rules.event(scope, event_id)
    form = StatusForm()
    if form.validate_on_submit():
        changed, refusal = outcome(lambda: rules.set_status(scope, row.id, form.status.data or "", ip=client_ip()))
        if refusal is None:
            flash(f"«{changed.title}»: {rules.STATUS_TITLES[changed.status]}.", "success")
            return redirect(url_for("staff.roadmap") + f"#event-{row.id}", code=303)
        flash(refusal.message, "error")
    return redirect(url_for("staff.roadmap") + f"#event-{row.id}", code=303)


@bp.route("/roadmap/<int:event_id>/delete", methods=["GET", "POST"], endpoint="roadmap_delete")
def roadmap_delete(event_id):
    """GET asks «are you sure?», POST deletes."""
    scope = _coordinator()
    row = rules.event(scope, event_id)
    form = EmptyForm()
    if form.validate_on_submit():
        rules.delete(scope, row.id, ip=client_ip())
        flash(f"Мероприятие «{row.title}» удалено из дорожной карты.", "success")
        return redirect(url_for("staff.roadmap"), code=303)
    return render_template("staff/roadmap_delete.html", form=form, row=row)
