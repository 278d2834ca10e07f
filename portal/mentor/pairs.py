"""The mentor's side of the cycle (5.3–5.5, s5): the pair's page with the meeting journal, the joint plan
and, after the final meeting, the report.

The journal's forms only ever offer the next legal stages (the cycle service decides them). A meeting is
logged inline with htmx: the answer is the fresh form plus the new row appended to the journal out of band,
or the form with the message beside the field (422); without JS the same form posts and redirects (303)."""
from typing import NamedTuple

from flask import current_app, flash, redirect, render_template, request, url_for

from portal.formatting import acted_for, lines, ru_date, ru_short_date
from portal.mentor import bp
from portal.mentor.forms import MeetingForm, PlanForm, ReportForm, meeting_form
from portal.services import cycle
from portal.web import UrlPattern, actor, attempt, client_ip, form_status, pdf_response, render, wants_fragment
from portal.web.forms import EmptyForm, LazyForm
from portal.web.pages.end_request import end_request_page

CLOSED = {
    "completed": "Встречи больше не записываются: цикл завершён заключительной встречей.",
    "suspended": "Пара приостановлена: у кого-то из участников нет действующего согласия на обработку данных. "
                 "Встречи возобновятся, когда согласие будет подписано.",
    "cancelled": "Пара отменена: встречи не ведутся.",
    "ended": "Пара досрочно завершена: встречи больше не записываются.",
    "carried": "Срок программы истёк, и пара продолжает работу в программе нового учебного года: "
               "встречи записываются там.",
}
NOT_YET = "Записывать встречи пока нельзя: пара ещё не утверждена приказом директора."


def closed_reason(mentorship) -> str | None:
    """Why the journal takes no new meetings; None while the pair is active."""
    if mentorship.status == "active":
        return None
    return CLOSED.get(mentorship.status, NOT_YET)


# Below a journal this long the meeting forms are off the first screen on any display: they are built when
# the mentor scrolls to them (htmx `revealed`, the same URL with `?form=meeting` or `?form=schedule`).
FORMS_BELOW_FOLD = 10


class JournalRow(NamedTuple):
    """A journal row as the page writes it: worked out in Python once, not through Jinja's attribute lookups
    and filters per cell (the row repeats for every meeting)."""
    id: int
    stage: str
    day: str
    minutes: int
    format: str
    topic: str
    history_link: str | None  # the earlier versions' page, when the meeting was corrected
    correct_link: str
    notes: list[str]
    steps: list[str]
    verdicts: list[tuple[str, str]]  # (verdict, how the cell words it)


_LINKS: dict[str, dict] = {}


def _links() -> dict:
    """The page's links, built once per process (and script root, the only part of them a request changes):
    a row's correction and history pages, the fetched forms, the way back. `url_for` costs ≈10 µs a call."""
    root = request.script_root
    links = _LINKS.get(root)
    if links is None:
        links = _LINKS[root] = {
            "correct_url": UrlPattern("mentor.correct_meeting", "meeting_id"),
            "history_url": UrlPattern("mentor.meeting_history", "meeting_id"),
            "form_urls": {which: UrlPattern("mentor.pair", "mentorship_id", form=which)
                          for which in ("meeting", "schedule", "plan")},
            "home_url": url_for("mentor.home"),
        }
    return links


def journal_rows(held, verdicts: dict, mentee_ids: set, corrected: set, links: dict) -> list[JournalRow]:
    """The held meetings as rows, each with its verdicts as the cell words them: «подтверждена (Иванова О. Н.)
    05.03.2026: «комментарий»». A verdict names its author when the pair has several mentees or someone else
    gave it (a parent, named with the child they acted for, s8)."""
    several = len(mentee_ids) > 1
    correct_url, history_url = links["correct_url"], links["history_url"]
    stage_titles, format_titles = cycle.STAGE_TITLES, cycle.FORMAT_TITLES
    rows = []
    for m in held:
        meeting_id = m.id
        cell = []
        for v in verdicts.get(meeting_id, ()):
            verdict = v.verdict
            text = "подтверждена" if verdict == "confirmed" else "оспорена"
            if v.for_child:
                text += f" ({acted_for(v.person, v.for_child, named=several)})"
            elif several or v.person_id not in mentee_ids:
                text += f" ({v.person.short_name})"
            comment = v.comment
            text += f" {ru_short_date(v.created_at)}: «{comment}»" if comment else f" {ru_short_date(v.created_at)}"
            cell.append((verdict, text))
        rows.append(JournalRow(meeting_id, stage_titles[m.stage], ru_date(m.held_on), m.duration_minutes,
                               format_titles[m.format], m.topic,
                               history_url(meeting_id) if meeting_id in corrected else None,
                               correct_url(meeting_id), lines(m.notes), lines(m.next_steps), cell))
    return rows


def pair_data(person, mentorship_id: int) -> dict:
    """What the pair's page shows (`cycle.mentor_pair`) with its journal rows worked out."""
    data = cycle.mentor_pair(person, mentorship_id)
    mentee_ids = {p.id for p in data["mentees"]}
    return dict(data, mentee_ids=mentee_ids,
                journal=journal_rows(data["held"], data["verdicts"], mentee_ids, data["corrected"], _links()))


def kept_pair_data(person, mentorship_id: int) -> dict:
    """`pair_data`, kept until the next audited change when the app keeps it (JOURNAL_CACHE, services/kept.py):
    the journal read again — a reload, a form fetched below it, the way back from a correction — costs the
    stamp's query instead of the pair's five and ≈100 rows made into objects. The key holds the mentor, so
    the access check is part of what is kept: a mentor who may not see the pair gets the 404 every time."""
    kept = current_app.extensions.get("journal_cache")
    if kept is None:
        return pair_data(person, mentorship_id)
    return kept.get(("mentor pair", person.id, mentorship_id, request.script_root),
                    lambda: pair_data(person, mentorship_id))


def _context(data: dict, *, log_form=None, schedule_form=None, plan_form=None, plan_open=False,
             forms_open=True, **extra) -> dict:
    """The page's context. The plan's form is built only when it shows with the page — no plan yet, or opened
    (`plan_open`: after an error, or `?form=plan`); otherwise it waits in a closed «Изменить план», fetched
    when opened (it is 24 fields, the page's largest single cost). The meeting forms likewise wait below a
    long journal (`forms_open` False): a slot in their place fetches each when it comes into view."""
    if plan_form is None and (plan_open or not data["plan"]) and data["mentorship"].status == "active":
        plan_form = PlanForm().fill(data["plan"], data["tasks"]) if data["plan"] else PlanForm()
    if forms_open:
        log_form = log_form or meeting_form(data["next_stages"], planned=False)
        schedule_form = schedule_form or meeting_form(data["plannable_stages"], planned=True)
    return dict(data, **_links(), log_form=log_form, schedule_form=schedule_form,
                plan_form=plan_form, button=LazyForm(), closed=closed_reason(data["mentorship"]),
                stage_titles=cycle.STAGE_TITLES, plan_first=cycle.PLAN_FIRST, format_titles=cycle.FORMAT_TITLES,
                **extra)


def _page(data: dict, status: int = 200, **forms):
    return render("mentor/pair.html", status=status, **_context(data, **forms))


MEETING_FORMS = {"meeting": False, "schedule": True}  # `?form=` → scheduling


@bp.route("/pairs/<int:mentorship_id>")
def pair(mentorship_id):
    """The pair's page; `?form=plan` opens the form of a new plan version, `?form=meeting` or `?form=schedule`
    a meeting form below a long journal (the form alone, when htmx asks)."""
    data = kept_pair_data(actor(), mentorship_id)
    which = request.args.get("form")
    plan_open = which == "plan"
    if plan_open and wants_fragment() and data["mentorship"].status == "active":
        return render("mentor/_plan_form.html", **_context(data, plan_open=True))
    if which in MEETING_FORMS and wants_fragment():
        context = _context(data)
        scheduling = MEETING_FORMS[which]
        return render("mentor/_meeting_form.html", **context, scheduling=scheduling,
                      form=context["schedule_form" if scheduling else "log_form"])
    return _page(data, plan_open=plan_open,
                 forms_open=which in MEETING_FORMS or len(data["held"]) < FORMS_BELOW_FOLD)


@bp.route("/pairs/<int:mentorship_id>/meetings", methods=["POST"])
def log_meeting(mentorship_id):
    """A held meeting for the journal, or (with `planned=1`, the small form) one scheduled ahead."""
    person = actor()
    planned = request.form.get("planned") == "1"
    data = pair_data(person, mentorship_id)
    form = meeting_form(data["plannable_stages" if planned else "next_stages"], planned=planned, posted=True)
    meeting = repeated = None
    if form.validate_on_submit():
        logged = attempt(form, lambda: cycle.record_meeting(person, mentorship_id, form.meeting_data(planned),
                                                            ip=client_ip()))
        if logged is not None:
            meeting, repeated = logged  # repeated: a double submit, the meeting was logged already
    posted_as = {"schedule_form" if planned else "log_form": form}
    if meeting is None:
        if wants_fragment():
            return render("mentor/_meeting_form.html", status=422, **_context(data, **posted_as), form=form,
                          scheduling=planned)
        return _page(data, 422, **posted_as)
    what = "Запланировано" if planned else "Записано"
    message = ("Эта встреча уже записана." if repeated else
               f"{what}: {cycle.STAGE_TITLES[meeting.stage]}, {ru_date(meeting.held_on)}")
    if not wants_fragment():
        flash(message, "success")
        anchor = "#planned-meetings" if planned else f"#meeting-{meeting.id}"
        return redirect(url_for("mentor.pair", mentorship_id=mentorship_id) + anchor, code=303)
    context = _context(pair_data(person, mentorship_id))
    return render("mentor/_meeting_logged.html", **context, meeting=meeting, scheduling=planned,
                  repeated=repeated, message=message)


@bp.route("/meetings/<int:meeting_id>/correct", methods=["GET", "POST"])
def correct_meeting(meeting_id):
    """The form pre-filled; saving makes a new version and the earlier one stays in the history."""
    person = actor()
    meeting, replaced_by = cycle.meeting_of_mentor(person, meeting_id)
    form = MeetingForm(posted=True)
    del form.stage  # the stage is part of the order of stages; a correction does not re-choose it
    if request.method == "GET":
        form.fill(meeting)
    elif form.validate_on_submit():
        fixed = attempt(form, lambda: cycle.correct_meeting(
            person, meeting.id, form.meeting_data(meeting.status == "planned"), ip=client_ip()))
        if fixed is not None:
            flash("Исправление сохранено. Прежняя версия записи осталась в истории.", "success")
            return redirect(url_for("mentor.pair", mentorship_id=meeting.mentorship_id) + f"#meeting-{fixed.id}",
                            code=303)
    return render_template("mentor/meeting_correct.html", form=form, meeting=meeting, replaced_by=replaced_by,
                           stage_titles=cycle.STAGE_TITLES), form_status(form)


@bp.route("/meetings/<int:meeting_id>/history")
def meeting_history(meeting_id):
    return render_template("mentor/meeting_history.html", **cycle.versions_of(actor(), meeting_id),
                           stage_titles=cycle.STAGE_TITLES, format_titles=cycle.FORMAT_TITLES)


# --- the joint plan (s5 «разработать совместно», 5.5) ---------------------------------------------

@bp.route("/pairs/<int:mentorship_id>/plan", methods=["POST"])
def propose_plan(mentorship_id):
    """A new version of the plan, confirmed by the mentor; the mentee confirms it on their page."""
    person = actor()
    data = pair_data(person, mentorship_id)
    form = PlanForm(posted=True)
    plan = None
    if form.validate_on_submit():
        plan_data = form.plan_data()
        if plan_data is not None:
            plan = attempt(form, lambda: cycle.propose_plan(person, mentorship_id, plan_data, ip=client_ip()))
    if plan is None:
        return _page(data, 422, plan_form=form)
    flash(f"План (вариант {plan.version}) сохранён и подтверждён вами. Нужно подтверждение наставляемого.",
          "success")
    return redirect(url_for("mentor.pair", mentorship_id=mentorship_id) + "#plan", code=303)


@bp.route("/plans/<int:plan_id>/confirm", methods=["POST"])
def confirm_plan(plan_id):
    person = actor()
    plan = cycle.plan_of_mentor(person, plan_id)
    form = EmptyForm()
    if form.validate_on_submit():
        confirmed = attempt(form, lambda: cycle.confirm_plan(person, plan.id, ip=client_ip()))
        if confirmed is not None:
            flash("План согласован." if cycle.is_agreed(confirmed)
                  else "Вы подтвердили план. Нужно подтверждение наставляемого.", "success")
            return redirect(url_for("mentor.pair", mentorship_id=plan.mentorship_id) + "#plan", code=303)
    return _page(pair_data(person, plan.mentorship_id), 422, plan_errors=form.form_errors)


@bp.route("/tasks/<int:task_id>/done", methods=["POST"])
def task_done(task_id):
    person = actor()
    task = cycle.task_of_mentor(person, task_id)
    form = EmptyForm()
    if form.validate_on_submit():
        if attempt(form, lambda: cycle.mark_task_done(person, task.id, ip=client_ip())) is not None:
            flash(f"Задача «{task.title}» выполнена.", "success")
            return redirect(url_for("mentor.pair", mentorship_id=task.plan.mentorship_id) + "#plan", code=303)
    return _page(pair_data(person, task.plan.mentorship_id), 422, plan_errors=form.form_errors)


# --- the final report (s5) ------------------------------------------------------------------------

@bp.route("/pairs/<int:mentorship_id>/report", methods=["GET", "POST"])
def report(mentorship_id):
    """Written once, after the final meeting; then it downloads as a PDF."""
    person = actor()
    mentorship, written = cycle.report_of(person, mentorship_id)
    form = ReportForm(posted=True)
    if request.method == "POST" and written is not None:
        form.form_errors.append("Отчёт по этой паре уже составлен.")
    elif form.validate_on_submit():
        if attempt(form, lambda: cycle.write_report(person, mentorship_id, **form.values(), ip=client_ip())):
            flash("Отчёт сохранён. Его можно скачать в PDF.", "success")
            return redirect(url_for("mentor.report", mentorship_id=mentorship_id), code=303)
    return render_template("mentor/report.html", form=form, mentorship=mentorship, report=written,
                           mentees=cycle.mentees_of(mentorship.id), progress=cycle.progress(mentorship.id)), \
        form_status(form)


@bp.route("/pairs/<int:mentorship_id>/report.pdf")
def report_pdf(mentorship_id):
    person = actor()
    _, written = cycle.report_of(person, mentorship_id)
    if written is None:
        flash("Сначала напишите отчёт: PDF составляется из него.", "info")
        return redirect(url_for("mentor.report", mentorship_id=mentorship_id), code=303)
    return pdf_response(cycle.report_pdf(person, mentorship_id), f"otchet-{mentorship_id}.pdf")


@bp.route("/pairs/<int:mentorship_id>/end-request", methods=["GET", "POST"], endpoint="end_request")
def end_request(mentorship_id):
    """Ask the form's curator to end the pair (the curator decides)."""
    return end_request_page(mentorship_id, url_for("mentor.home"))
