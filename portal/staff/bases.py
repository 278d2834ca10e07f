"""The bases pages (4.4, 4.5, 4.9): who is in each base of a format, who may take part today and who
still waits for consent — and the forms that nominate, edit and remove members."""
import re

from flask import abort, flash, redirect, render_template, request, url_for

from portal.formatting import agree
from portal.names import full_name
from portal.services import bases as base_rules
from portal.services import class_teachers, ending
from portal.staff import bp
from portal.staff.base_forms import MemberForm, NominateForm
from portal.web import attempt, client_ip, form_status, render, staff_scope, wants_fragment
from portal.web.forms import EndPairForm

STATUS_CHOICES = (
    ("current", "все, кроме выбывших"),
    ("awaiting_consent", "ожидает согласия"),
    ("active", "участвует"),
    ("left", "выбыл"),
    ("all", "все"),
)
INTO_BASE = {base: f"в {title}" for base, title in base_rules.BASE_ACCUSATIVE.items()}
CLASS_NAME = re.compile(r"(\d+)\s*(.*)")


def _filters() -> dict:
    """The list's filter, from the query string (page, htmx) or the nominate form's hx-include."""
    status = request.values.get("status", "current")
    return {"status": status if status in base_rules.STATUS_FILTERS else "current",
            "q": request.values.get("q", "").strip()[:100]}


def _lists(staff, fmt, filters: dict) -> dict:
    return {"fmt": fmt, "filters": filters, "status_choices": STATUS_CHOICES,
            "rows": base_rules.members(staff, fmt, filters["status"], filters["q"]),
            "sees_categories": staff.sees_categories(fmt.id), "base_titles": base_rules.BASE_TITLES,
            "status_titles": base_rules.STATUS_TITLES, "into_base": INTO_BASE}


def _class_order(title: str):
    """«5А» before «10Б»: classes sort by number, then letter."""
    match = CLASS_NAME.match(title)
    return (0, int(match.group(1)), match.group(2)) if match else (1, 0, title)


def _groups(people) -> list[tuple[str, list]]:
    """The select's option groups: students by class, everyone else by who they are."""
    groups: dict[str, list] = {}
    for person in people:
        if person.kind == "student":
            title = person.school_class.name if person.school_class else "без класса"
        else:
            title = base_rules.KIND_TITLES.get(person.kind, person.kind)
        groups.setdefault(title, []).append(person)
    return sorted(groups.items(), key=lambda item: _class_order(item[0]))


def _nominate_form(fmt, base: str, submitted: bool = False) -> NominateForm:
    form = NominateForm(prefix=base) if submitted else NominateForm(formdata=None, prefix=base)
    return form.for_base(fmt, base)


def _nominate_context(staff, fmt, forms: dict) -> dict:
    return {"forms": forms, "candidates": {base: _groups(base_rules.candidates(staff, fmt, base)) for base in forms}}


@bp.route("/bases")
def bases():
    """Every format in reach with both bases counted by status, and how many class teachers' proposals wait."""
    staff = staff_scope()
    return render_template("staff/bases.html", rows=base_rules.overview(staff),
                           base_titles=base_rules.BASE_TITLES, proposals_waiting=class_teachers.pending_count(staff))


@bp.route("/bases/<int:format_id>")
def format_bases(format_id):
    """Both bases side by side; the filter asks this URL for the lists alone."""
    staff = staff_scope()
    fmt = staff.check_format(format_id)
    context = _lists(staff, fmt, _filters())
    if not wants_fragment():
        context.update(_nominate_context(staff, fmt, {base: _nominate_form(fmt, base)
                                                      for base in base_rules.BASE_TITLES}))
    return render("staff/bases_format.html", "staff/_base_lists.html", **context)


def _nominated(staff, fmt, base: str, membership):
    """After a nomination: back to the bases (303), or under htmx a fresh form in place of this one and the
    lists (with the new row) swapped out of band."""
    message = (f"{membership.person.full_name} {agree(membership.person, 'добавлен(а)')} {INTO_BASE[base]}: "
               f"{base_rules.STATUS_TITLES[membership.status]}.")
    if not wants_fragment():
        flash(message, "success")
        return redirect(url_for("staff.format_bases", format_id=fmt.id), code=303)
    context = _lists(staff, fmt, _filters())
    context.update(base=base, form=_nominate_form(fmt, base), message=message,
                   people=_groups(base_rules.candidates(staff, fmt, base)))
    return render("staff/_base_nominated.html", **context)


@bp.route("/bases/<int:format_id>/nominate", methods=["POST"])
def nominate(format_id):
    staff = staff_scope()
    fmt = staff.check_format(format_id)
    base = request.form.get("base", "")
    if base not in base_rules.BASE_TITLES:
        abort(400)
    form = _nominate_form(fmt, base, submitted=True)
    if form.validate_on_submit():
        if form.person_id() is None:
            form.person.errors = list(form.person.errors) + ["Выберите человека из списка."]
            membership = None
        else:
            membership = attempt(form, lambda: base_rules.nominate(staff, fmt, form.person_id(), base,
                                                                   ip=client_ip(), **form.values()))
        if membership is not None:
            return _nominated(staff, fmt, base, membership)
    if wants_fragment():  # the form alone, its messages beside the fields
        context = {"fmt": fmt, "base": base, "form": form, "into_base": INTO_BASE,
                   "people": _groups(base_rules.candidates(staff, fmt, base))}
    else:
        context = _lists(staff, fmt, _filters())
        context.update(_nominate_context(staff, fmt, {b: form if b == base else _nominate_form(fmt, b)
                                                      for b in base_rules.BASE_TITLES}))
    return render("staff/bases_format.html", "staff/_base_nominate.html", status=422, **context)


@bp.route("/bases/members/<int:membership_id>/edit", methods=["GET", "POST"])
def edit_member(membership_id):
    staff = staff_scope()
    membership = base_rules.member(staff, membership_id)
    form = MemberForm().for_base(membership.mentoring_format, membership.base)
    if request.method == "GET":
        categories = base_rules.member_categories(staff, membership)
        form.categories.data = [c.code for c in categories]
        if "other_text" in form:
            form.other_text.data = next((c.other_text for c in categories if c.code == "other"), "")
        for name in ("needs", "can_help_with", "capacity"):
            if name in form:
                form[name].data = getattr(membership, name)
    elif form.validate_on_submit():
        if attempt(form, lambda: base_rules.update_member(staff, membership.id, ip=client_ip(), **form.values())):
            flash(f"Данные участника сохранены: {membership.person.full_name}.", "success")
            return redirect(url_for("staff.format_bases", format_id=membership.mentoring_format_id), code=303)
    return render_template("staff/bases_member_edit.html", form=form, membership=membership,
                           base_titles=base_rules.BASE_TITLES, status_titles=base_rules.STATUS_TITLES), \
        form_status(form)


@bp.route("/bases/members/<int:membership_id>/remove", methods=["GET", "POST"])
def remove_member(membership_id):
    """4.9 with a confirmation first: the member becomes «выбыл», the row stays. A member still in a pair of
    the form: the page asks for the reason, and the pair ends (or is cancelled) in the same step."""
    staff = staff_scope()
    membership = base_rules.member(staff, membership_id)
    pairs = [ending.pair_in_scope(staff, p.id) for p in base_rules.open_pairs(membership)] \
        if membership.status != "left" else []
    form = EndPairForm()
    if form.validate_on_submit():
        reason = form.reason.data if pairs else None
        if attempt(form, lambda: base_rules.remove_member(staff, membership.id, ip=client_ip(), end_reason=reason,
                                                          end_text=form.text.data)):
            ended = " Участие в парах этой формы прекращено, места у наставников освободились." if pairs else ""
            flash(f"{membership.person.full_name} {agree(membership.person, 'выбыл(а)')} из базы. "
                  f"Запись сохранена со статусом «выбыл».{ended}",
                  "success")
            return redirect(url_for("staff.format_bases", format_id=membership.mentoring_format_id), code=303)
    return render_template("staff/bases_member_remove.html", form=form, membership=membership, pairs=pairs,
                           whom=full_name(membership.person, "accusative"), base_titles=base_rules.BASE_TITLES), \
        form_status(form)
