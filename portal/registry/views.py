"""The registry page and its downloads; every rule (who reads what, who uploads) is services/registry.py's."""
from flask import abort, flash, redirect, url_for
from flask_login import current_user
from portal.web.forms import Form
from flask_wtf.file import FileField
from wtforms import TextAreaField

from portal.registry import bp
from portal.services import registry, uploads
from portal.web import attempt, client_ip, form_status, pdf_response, render, send_download, takes_upload


class TargetModelForm(Form):
    file = FileField("Файл целевой модели (PDF или документ Word, до 20 МБ)")
    note = TextAreaField("Что изменилось в этой редакции (необязательно)")

    def upload(self) -> tuple[str, bytes | None]:
        """The file's name and bytes; a text posted in place of the file counts as no file."""
        upload = self.file.data
        if not hasattr(upload, "read"):
            return "", None
        return getattr(upload, "filename", "") or "", upload.read(uploads.MAX_BYTES + 1) or None


def _reader() -> registry.Reader:
    return registry.reader_for(current_user._get_current_object())


def _page(reader, form=None):
    form = form or TargetModelForm(formdata=None)
    return render("registry/index.html", reader=reader, form=form, status=form_status(form),
                  **registry.page(reader))


@bp.route("/", endpoint="index")
def index():
    return _page(_reader())


@bp.route("/target-model", methods=["POST"], endpoint="upload_target_model")
@takes_upload
def upload_target_model():
    """A new version of the target model: the coordinator's (anyone else gets 403, as on any area they lack)."""
    reader = _reader()
    if not reader.is_coordinator:
        abort(403)
    form = TargetModelForm()
    if form.validate_on_submit():
        name, data = form.upload()
        version = attempt(form, lambda: registry.upload_target_model(reader.scope, name, data, form.note.data or "",
                                                                      ip=client_ip()))
        if version is not None:
            flash(f"Загружена редакция {version.number} целевой модели наставничества.", "success")
            return redirect(url_for("registry.index") + "#target-model", code=303)
    return _page(reader, form)


@bp.route("/target-model/<int:version_id>", endpoint="target_model_file")
def target_model_file(version_id):
    return send_download(registry.target_model_file(_reader(), version_id, ip=client_ip()))


@bp.route("/orders/<int:order_id>.pdf", endpoint="order_pdf")
def order_pdf(order_id):
    reader = _reader()
    if not reader.is_staff:
        abort(403)
    document, data = registry.order_pdf(reader, order_id, ip=client_ip())
    return pdf_response(data, f"prikaz-{document.order_id}.pdf")


@bp.route("/issued/<kind>", endpoint="issued")
def issued_list(kind):
    reader = _reader()
    if not reader.is_coordinator:
        abort(403)
    rows = registry.issued_list(reader, kind)  # a kind not listed there is «not found»
    return render("registry/issued.html", rows=rows, kind=kind, title=registry.issued.KIND_TITLES[kind],
                  limit=registry.LIST_LIMIT)


@bp.route("/issued/<int:document_id>.pdf", endpoint="issued_pdf")
def issued_pdf(document_id):
    reader = _reader()
    if not reader.is_coordinator:
        abort(403)
    document, data = registry.issued_pdf(reader, document_id, ip=client_ip())
    return pdf_response(data, f"document-{document.id}.pdf")
