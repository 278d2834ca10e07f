"""Where each kind of notification sends its reader: the page on which the task is done.

Services write notifications without knowing URLs (they never import Flask); the inbox and the mail
worker both ask here, so a link is made in one place. A kind whose page needs the object's id names the
view argument it fills."""
from flask import url_for

# kind -> (endpoint, the view argument that takes the notification's object id, or None)
LINKS: dict[str, tuple[str, str | None]] = {
    "consent.to_sign": ("consent.overview", None),
    "consent.to_resign": ("consent.overview", None),
    "programme.to_acknowledge": ("public.index", None),
    "proposal.made": ("mentee.choice", None),
    "choice.to_confirm": ("mentor.home", None),
    "choice.declined": ("mentee.choice", None),
    "order.registered": ("public.index", None),
    "meeting.to_confirm": ("mentee.home", None),
    "meeting.disputed": ("mentor.home", None),
    "meeting.disputed_staff": ("staff.cycle_index", None),
    "plan.to_agree": ("mentee.home", None),
    "questionnaire.waiting": ("public.index", None),
    "questionnaire.overdue": ("public.index", None),
    "pair.ended": ("public.index", None),
    "pair.cancelled": ("public.index", None),
    "pair.end_requested": ("staff.pair", "mentorship_id"),
    "account.invited": ("public.index", None),
    "password.reset": ("auth.password", None),
}


def link_of(item, **options) -> str:
    """The address of the page where `item`'s task is done (`_external=True` for a mail)."""
    endpoint, argument = LINKS.get(item.kind, ("public.index", None))
    arguments = {argument: item.object_id} if argument and item.object_id is not None else {}
    return url_for(endpoint, **arguments, **options)
