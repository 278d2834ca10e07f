"""The school's questionnaires and publishing a new version of one (6.2–6.5).

A version is never edited: the coordinator starts from the current one, rewords, adds and removes
questions, checks the result on a confirmation page and publishes it; answers already given stay with
their version. Adding and removing rows is a plain form post (htmx only swaps the editor in place),
so the page works without scripts. Every rule and message is in services.monitoring.
"""
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import FieldList, Form, FormField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from portal.coordinator import bp
from portal.services import monitoring
from portal.web import client_ip, render, staff_scope
from portal.web.forms import TextForm

NEW_ROW = {"anchor": "", "answer_type": "agree", "text": ""}


class QuestionRow(Form):
    anchor = HiddenField()
    text = TextAreaField("Текст вопроса", render_kw={"rows": 2, "maxlength": monitoring.MAX_QUESTION_TEXT})
    answer_type = SelectField("Как отвечают", choices=[SelectChoice(code, title)
                                                       for code, title in monitoring.answer_type_choices()],
                              validate_choice=False)


class VersionForm(TextForm):
    based_on = HiddenField()
    title = StringField("Название анкеты", render_kw={"maxlength": monitoring.MAX_TITLE})
    questions = FieldList(FormField(QuestionRow))

    def set_rows(self, rows) -> "VersionForm":
        while len(self.questions):
            self.questions.pop_entry()
        for row in rows:
            self.questions.append_entry(row)
        return self

    def start_from(self, current, questions) -> "VersionForm":
        self.title.data, self.based_on.data = current.title, str(current.version)
        return self.set_rows([{"anchor": q.anchor, "answer_type": q.answer_type, "text": q.text} for q in questions])

    def rows(self) -> list[tuple[str, str, str]]:
        return [(row.anchor.data or "", row.answer_type.data or "", row.text.data or "") for row in self.questions]

    def without(self, index: str) -> "VersionForm":
        """The posted rows less the one whose «Удалить» was pressed (an unknown index removes nothing)."""
        rows = [row.data for row in self.questions]
        if index.isdecimal() and int(index) < len(rows):
            del rows[int(index)]
        return self.set_rows(rows)

    def with_new_row(self) -> "VersionForm":
        return self.set_rows([row.data for row in self.questions] + [NEW_ROW])

    def base_version(self) -> int | None:
        value = (self.based_on.data or "").strip()
        return int(value) if value.isdecimal() and len(value) < 10 else None

    def show(self, exc: "monitoring.InvalidVersion") -> None:
        """Each refusal beside its field; a refusal of the whole questionnaire on top of the form."""
        for (row, name), message in exc.errors.items():
            if row is None and name == "title":
                self.title.errors = list(self.title.errors) + [message]
            elif row is None or row >= len(self.questions):
                self.form_errors.append(message)
            else:
                target = self.questions[row][name]
                target.errors = list(target.errors) + [message]


def _numbered(form) -> VersionForm:
    for n, row in enumerate(form.questions, 1):
        row.text.label.text = f"Вопрос {n}"
    return form


def _editor(kind, current, form, status=200):
    return render("coordinator/questionnaire_version.html", "coordinator/_questionnaire_editor.html", status,
                  form=_numbered(form), kind=kind, kind_title=monitoring.KIND_TITLES[kind], current=current,
                  has_anchors=kind in monitoring.TWIN_KINDS,
                  type_titles=dict(monitoring.answer_type_choices()))


def _confirmation(kind, current, form, draft):
    return render_template("coordinator/questionnaire_confirm.html", form=form, draft=draft, kind=kind,
                           kind_title=monitoring.KIND_TITLES[kind], current=current,
                           twin_title=monitoring.KIND_TITLES.get(draft.twin_kind or "", ""),
                           type_titles=dict(monitoring.answer_type_choices()))


@bp.route("/questionnaires")
def questionnaires():
    return render_template("coordinator/questionnaires.html",
                           rows=monitoring.questionnaire_versions(current_user.school_id))


@bp.route("/questionnaires/<kind>/new", methods=["GET", "POST"], endpoint="publish_questionnaire")
def publish_questionnaire(kind):
    staff = staff_scope()
    current, questions = monitoring.current_version(staff, kind)
    form = VersionForm()
    if not form.validate_on_submit():
        return _editor(kind, current, form.start_from(current, questions))
    # Buttons are not named «action» or «remove»: a form's control by that name hides the form's own
    # property of the same name from scripts (htmx calls form.remove() when it swaps the editor).
    action = request.form.get("step", "")
    if "drop_row" in request.form:
        return _editor(kind, current, form.without(request.form["drop_row"]))
    if "add_row" in request.form:
        return _editor(kind, current, form.with_new_row())
    if action not in ("review", "publish"):  # «Вернуться к правке» from the confirmation
        return _editor(kind, current, form)
    try:
        if action == "publish":
            published = monitoring.publish_version(staff, kind, form.title.data, form.rows(), form.base_version(),
                                                   client_ip())
        else:
            draft = monitoring.check_version(staff, kind, form.title.data, form.rows(), form.base_version())
    except monitoring.InvalidVersion as exc:
        form.show(exc)
        return _editor(kind, current, form, 422)
    if action == "review":
        return _confirmation(kind, current, form, draft)
    flash(f"Опубликована версия {published.version}: {monitoring.KIND_TITLES[kind]}. "
          "Новые анкеты участники получат уже по ней.", "success")
    return redirect(url_for("coordinator.questionnaires"), 303)
