"""Personal records (персонифицированный учёт, 3.2): the roster, a person's card and export, guardianship, invitations.

Every read here costs a fixed number of queries whatever the person's history, so a card or an
export of a long-serving mentor is as cheap as a newcomer's. Guardianship is what lets a parent sign
for a child (4.11), so only staff create it, checked against the roster.

A package of modules by aggregate; callers use `from portal.services import people as records` and
`records.X`, which this module re-exports:
  listing         the roster a page at a time, the titles the people pages share, `clean`
  cards           a person's card and the readers it shares with the export
  subject_access  the subject-access export (152-ФЗ art. 14)
  guardianship    linking a parent to a child, the coordinator's confirmation of a curator's link
  invitations     the account, its login and roles, and the invitation code
  contacts        the e-mail address on the card, which mail goes to
"""
from portal.services.people.listing import (  # noqa: F401
    PAGE_SIZE, HISTORY_LIMIT, KIND_TITLES, BASE_TITLES, MEMBER_STATUS_TITLES, CONSENT_TITLES,
    GUARDIANSHIP_STATUS_TITLES, GUARDIAN_BASES, clean, RosterPage, surname_matches, roster, classes_of,
    parent_candidates,
)
from portal.services.people.cards import consent_rows, card  # noqa: F401
from portal.services.people.subject_access import export  # noqa: F401
from portal.services.people.guardianship import (  # noqa: F401
    NewParent, DOCUMENT_LIMIT, REASON_LIMIT, link_parent, guardianship_for, unlink_parent, pending_links,
    pending_link, confirm_link, reject_link,
)
from portal.services.people.contacts import EMAIL_LIMIT, clean_email, set_email  # noqa: F401
from portal.services.people.invitations import TRANSLIT, translit, login_for, implied_roles, invite  # noqa: F401
# A name callers reach through the old module (records.ROLE_TITLES).
from portal.models.accounts import ROLE_TITLES  # noqa: F401,E402
