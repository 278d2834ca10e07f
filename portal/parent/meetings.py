"""A parent's view of a minor child's pair (s7, optional): the journal read-only, and the parent may confirm
or dispute a held meeting for the child. Only a child the school linked to the parent, in that child's pair;
anything else is «not found». The meeting row swaps itself under htmx, as on the mentee's page."""
from flask import flash, redirect, url_for

from portal.parent import bp
from portal.services import cycle
from portal.web import actor, attempt, client_ip, render, wants_fragment
from portal.web.forms import MeetingVerdictForm
from portal.web.pages.end_request import end_request_page

def _page(mentorship, child, *, status=200, forms=None, **extra):
    journal = cycle.journal(mentorship.id)
    progress = cycle.progress(mentorship.id)
    forms = {m.id: MeetingVerdictForm(m.id) for m in journal["held"]} | (forms or {})
    return render("parent/child_pair.html", "mentee/_meeting.html", status=status, mentorship=mentorship,
                  child=child, **journal, progress=progress, plan=progress["plan"], agreed=progress["agreed"],
                  forms=forms, me=actor().id, can_plan=False, problem=None,
                  confirm_endpoint="parent.confirm_meeting", confirm_args={"child_id": child.id},
                  stage_titles=cycle.STAGE_TITLES, format_titles=cycle.FORMAT_TITLES, **extra)


@bp.route("/children/<int:child_id>/pairs/<int:mentorship_id>", endpoint="child_pair")
def child_pair(child_id, mentorship_id):
    mentorship, child = cycle.mentorship_for_parent(actor(), child_id, mentorship_id)
    return _page(mentorship, child)


@bp.route("/children/<int:child_id>/meetings/<int:meeting_id>/confirm", methods=["POST"])
def confirm_meeting(child_id, meeting_id):
    """The parent confirms for the child that the meeting took place, or disputes it with a comment."""
    parent = actor()
    child = cycle.child_of_parent(parent, child_id)
    meeting = cycle.meeting_for(parent, meeting_id, child=child)
    mentorship, child = cycle.mentorship_for_parent(parent, child.id, meeting.mentorship_id)
    form = MeetingVerdictForm(meeting.id, posted=True)
    if form.validate_on_submit():
        attempt(form, lambda: cycle.confirm_meeting(parent, meeting.id, form.verdict.data or "",
                                                    form.comment.data or "", ip=client_ip()))
    failed = bool(form.errors or form.form_errors)
    if not failed and not wants_fragment():
        flash("Отметка сохранена.", "success")
        return redirect(url_for("parent.child_pair", child_id=child.id, mentorship_id=mentorship.id)
                        + f"#meeting-{meeting.id}", code=303)
    return _page(mentorship, child, status=422 if failed else 200, forms={meeting.id: form} if failed else None,
                 m=meeting)


@bp.route("/children/<int:child_id>/pairs/<int:mentorship_id>/end-request", methods=["GET", "POST"],
          endpoint="end_request")
def end_request(child_id, mentorship_id):
    """Ask the form's curator, for the child, to end the child's pair (the curator decides)."""
    return end_request_page(mentorship_id, url_for("parent.home"), child_id=child_id)
