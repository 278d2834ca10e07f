"""The mentee's side of the cycle (s7): the pair's journal to confirm or dispute, and the joint plan (s5, 5.5).

A meeting row is its own htmx target: «Подтвердить» or «Оспорить» swaps the row for its new state (200),
or for itself with the message beside the comment (422); without JS the same form posts and redirects.
The plan is «разработан совместно»: the mentee confirms the mentor's version or proposes a changed one."""
import re
from datetime import date

from flask import flash, redirect, request, url_for
from wtforms import StringField, TextAreaField
from wtforms.validators import Length, ValidationError

from portal.mentee import bp
from portal.services import cycle
from portal.web import actor, attempt, client_ip, outcome, render, wants_fragment
from portal.web.forms import EmptyForm, Form, MeetingVerdictForm, too_long
from portal.web.pages.end_request import end_request_page

MAX_TASKS = 50
NUMBER = re.compile(r"\d{1,4}", re.ASCII)
TASK_DUE = re.compile(r"^(?P<title>.*?)[\s,;—–-]*(?:до\s+)?(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})\s*$",
                      re.ASCII | re.IGNORECASE)


class RowForm(Form):
    """Text fields filled from the posted text parts only (as TextForm), and only for the form that was posted:
    a page re-rendered after a POST shows its other forms blank."""

    def __init__(self, posted: bool = False, **kwargs):
        submitted = posted and request.method == "POST" and request.form
        super().__init__(formdata=request.form if submitted else None, **kwargs)


def parse_tasks(text: str) -> list[tuple[str, date | None]]:
    """One task a line, its deadline as a date at the end of the line: «Прочитать главу 3 — 15.11.2025»."""
    tasks = []
    for number, line in enumerate((text or "").splitlines(), 1):
        line = " ".join(line.split())
        if not line:
            continue
        found = TASK_DUE.match(line)
        if found is None:
            tasks.append((line, None))
            continue
        try:
            due = date(int(found["y"]), int(found["m"]), int(found["d"]))
        except ValueError:
            day = f"{found['d']}.{found['m']}.{found['y']}"
            raise ValidationError(f"Строка {number}: такой даты нет — {day}.") from None
        tasks.append((found["title"] or line, due))
    if len(tasks) > MAX_TASKS:
        raise ValidationError(f"Не больше {MAX_TASKS} задач.")
    return tasks


def tasks_text(tasks) -> str:
    return "\n".join(f"{t.title} — {t.due_on:%d.%m.%Y}" if t.due_on else t.title for t in tasks)


class PlanForm(RowForm):
    goals = TextAreaField("Цели наставничества", validators=[Length(max=5000, message=too_long(5000))])
    planned_meetings = StringField("Сколько встреч запланировать (п. 5.5 Положения)", render_kw={
        "inputmode": "numeric", "maxlength": 3})
    tasks = TextAreaField("Задачи: по одной в строке, срок — датой в конце строки (ДД.ММ.ГГГГ)",
                          validators=[Length(max=20000, message=too_long(20000))])

    def validate_planned_meetings(self, field):
        text = (field.data or "").strip()
        if text and not NUMBER.fullmatch(text):
            raise ValidationError("Укажите число встреч цифрами.")

    def validate_tasks(self, field):
        self.task_list = parse_tasks(field.data)

    def data_for_service(self) -> cycle.PlanData:
        text = (self.planned_meetings.data or "").strip()
        return cycle.PlanData(goals=self.goals.data or "", planned_meetings=int(text) if text else None,
                              tasks=self.task_list)


def plan_form_for(progress: dict) -> PlanForm:
    """The current plan as the starting point of a changed one."""
    plan = progress["plan"]
    return PlanForm(data={"goals": plan.goals, "planned_meetings": str(plan.planned_meetings),
                          "tasks": tasks_text(progress["task_list"])} if plan else None)


def _page(mentorship, *, status=200, forms=None, plan_form=None, problem=None, **extra):
    """The pair page's context; `forms` and `plan_form` carry a posted form back with its messages."""
    journal = cycle.journal(mentorship.id)
    progress = cycle.progress(mentorship.id)
    forms = {m.id: MeetingVerdictForm(m.id) for m in journal["held"]} | (forms or {})
    return render("mentee/pair.html", "mentee/_meeting.html", status=status, mentorship=mentorship,
                  **journal, progress=progress, plan=progress["plan"], agreed=progress["agreed"],
                  plan_form=plan_form or plan_form_for(progress), button=EmptyForm(),
                  forms=forms, me=actor().id, confirm_endpoint="mentee.confirm_meeting", confirm_args={},
                  can_plan=True, problem=problem, stage_titles=cycle.STAGE_TITLES,
                  format_titles=cycle.FORMAT_TITLES, **extra)


@bp.route("/pairs/<int:mentorship_id>", endpoint="pair")
def pair_page(mentorship_id):
    return _page(cycle.mentorship_for_mentee(actor(), mentorship_id))


@bp.route("/meetings/<int:meeting_id>/confirm", methods=["POST"])
def confirm_meeting(meeting_id):
    """«Подтвердить, что встреча состоялась» or «Оспорить» with a comment (s7)."""
    person = actor()
    meeting = cycle.meeting_for(person, meeting_id)
    mentorship = cycle.mentorship_for_mentee(person, meeting.mentorship_id)
    form = MeetingVerdictForm(meeting.id, posted=True)
    if form.validate_on_submit():
        attempt(form, lambda: cycle.confirm_meeting(person, meeting.id, form.verdict.data or "",
                                                    form.comment.data or "", ip=client_ip()))
    failed = bool(form.errors or form.form_errors)
    if not failed and not wants_fragment():
        flash("Отметка сохранена.", "success")
        return redirect(url_for("mentee.pair", mentorship_id=mentorship.id) + f"#meeting-{meeting.id}", code=303)
    return _page(mentorship, status=422 if failed else 200, forms={meeting.id: form} if failed else None,
                 m=meeting)


@bp.route("/plans/<int:plan_id>/confirm", methods=["POST"])
def confirm_plan(plan_id):
    """«Подтвердить план»: with both confirmations the plan is agreed (s5, 5.5)."""
    person = actor()
    plan, mentorship = cycle.plan_for_mentee(person, plan_id)
    plan, refusal = outcome(lambda: cycle.confirm_plan(person, plan.id, ip=client_ip()))
    if refusal is not None:
        return _page(mentorship, status=422, problem=refusal.message)
    flash("План согласован." if cycle.is_agreed(plan) else "Вы подтвердили план. Ждём подтверждения наставника.",
          "success")
    return redirect(url_for("mentee.pair", mentorship_id=mentorship.id) + "#plan", code=303)


@bp.route("/pairs/<int:mentorship_id>/plan", methods=["POST"])
def propose_plan(mentorship_id):
    """A changed plan from the mentee: it needs the mentor's confirmation again."""
    person = actor()
    mentorship = cycle.mentorship_for_mentee(person, mentorship_id)
    form = PlanForm(posted=True)
    if form.validate_on_submit() and attempt(
            form, lambda: cycle.propose_plan(person, mentorship.id, form.data_for_service(), ip=client_ip())):
        flash("Вы предложили новый вариант плана. Он вступит в силу, когда его подтвердит наставник.", "success")
        return redirect(url_for("mentee.pair", mentorship_id=mentorship.id) + "#plan", code=303)
    return _page(mentorship, status=422, plan_form=form)


@bp.route("/pairs/<int:mentorship_id>/end-request", methods=["GET", "POST"], endpoint="end_request")
def end_request(mentorship_id):
    """Ask the form's curator to end the pair (the curator decides)."""
    return end_request_page(mentorship_id, url_for("mentee.home"))
