"""Where each kind of notification sends its reader: the page on which the task is done.

Services write notifications without knowing URLs (they never import Flask); the inbox and the mail
worker both ask here, so a link is made in one place. A kind whose page needs the object's id names the
view argument it fills. A kind done on a different page by a mentor and by a mentee (reading the programme,
a registered order, a questionnaire) maps each side to its page; the side is read from the item's object
(`notifications.side_of`), so the link is valid for the role the recipient holds on that side."""
from flask import url_for

from portal.services import notifications

Link = tuple[str, str | None]

# kind -> (endpoint, the view argument that takes the notification's object id, or None),
# or {"mentor": …, "mentee": …} for kinds whose page depends on the recipient's side.
LINKS: dict[str, Link | dict[str, Link]] = {
    # The consent pages are shared by every role; the overview lists whom the reader signs for.
    "consent.to_sign": ("consent.overview", None),
    # «Ознакомлен(а) с программой» is a button of the home page of the base's side (object: the membership).
    "programme.to_acknowledge": {"mentor": ("mentor.home", None), "mentee": ("mentee.home", None)},
    "proposal.made": ("mentee.choice", None),
    # The mentor answers a choice on the home page («Ждут вашего решения»), where confirm and decline are.
    "choice.to_confirm": ("mentor.home", None),
    "choice.declined": ("mentee.choice", None),
    "order.registered": {"mentor": ("mentor.pair", "mentorship_id"), "mentee": ("mentee.pair", "mentorship_id")},
    # The pair's page holds the journal with «подтвердить / оспорить» and the plan (object: the pair).
    "meeting.to_confirm": ("mentee.pair", "mentorship_id"),
    "meeting.disputed": ("mentor.pair", "mentorship_id"),
    "meeting.disputed_staff": ("staff.pair", "mentorship_id"),
    "plan.to_agree": ("mentee.pair", "mentorship_id"),
    "questionnaire.waiting": {"mentor": ("mentor.monitoring_index", None),
                              "mentee": ("mentee.monitoring_index", None)},
    "questionnaire.overdue": {"mentor": ("mentor.monitoring_index", None),
                              "mentee": ("mentee.monitoring_index", None)},
    # The person's home says what happened to the pair; the curator's pair page lists the requests to end it.
    "pair.ended": ("public.index", None),
    "pair.cancelled": ("public.index", None),
    "pair.left": ("public.index", None),
    "pair.carried": ("public.index", None),
    "pair.end_requested": ("staff.pair", "mentorship_id"),
    # Nothing to do but read it: the inbox itself.
    "email.changed": ("inbox.index", None),
    # An invitation and a reset are both done by entering the new code on the invitation page.
    "account.invited": ("auth.invitation", None),
    "password.reset": ("auth.invitation", None),
    # A class teacher's proposal waits on the curator's list of proposals; the decision on the teacher's own list.
    "base_proposal.made": ("staff.base_proposals", None),
    "base_proposal.accepted": ("class_teacher.proposals", None),
    "base_proposal.declined": ("class_teacher.proposals", None),
    # A participant's proposal (s6, s8, s9): its page, where the coordinator answers and the author reads the answer.
    "improvement.submitted": ("proposals.show", "proposal_id"),
    "improvement.answered": ("proposals.show", "proposal_id"),
    # A complaint has one page for everyone who may read it: the mentor explains there, the coordinator decides.
    "complaint.filed": ("complaints.show", "complaint_id"),
    "complaint.explained": ("complaints.show", "complaint_id"),
    "complaint.decided": ("complaints.show", "complaint_id"),
    # A material of the methodical bank (3.2, s9): its page, where the coordinator publishes and the author reads.
    "bank.submitted": ("motivation.material", "material_id"),
    "bank.reviewed": ("motivation.material", "material_id"),
    # A support request has one page for everyone who may read it: the psychologist acts there, the asker and a
    # parent follow its state.
    "support.requested": ("support.request_page", "request_id"),
    "support.child_asked": ("support.request_page", "request_id"),
    "support.taken_up": ("support.request_page", "request_id"),
    # «Школа наставников»: the group's page has the schedule; the certificate is on the person's training page.
    "training.enrolled": ("training.group", "group_id"),
    "training.certificate": ("training.index", None),
}


def link_of(item, **options) -> str:
    """The address of the page where `item`'s task is done (`_external=True` for a mail)."""
    link = LINKS.get(item.kind, ("public.index", None))
    if isinstance(link, dict):
        link = link[notifications.side_of(item)]
    endpoint, argument = link
    if argument is None:
        return url_for(endpoint, **options)
    if item.object_id is None:  # a page of one object, and the item names none: the inbox, never an error
        return url_for("inbox.index", **options)
    return url_for(endpoint, **{argument: item.object_id}, **options)
