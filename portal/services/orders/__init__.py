"""The director's order on pairs and groups (4.1, 4.13, s10), and every pair's history.

A pair becomes active only when the order approving it is registered with the number and date the
director signed on paper; until then it is «в проекте приказа» and no meeting can be logged. A
registered order is the record of what the director signed, so nothing here changes one: a
correction is a new order pointing at it. Orders are the coordinator's (4.2); the pairs pages are
for the coordinator and the format's curator.

A package of modules by aggregate; callers use `from portal.services import orders as order_rules` and
`order_rules.X`, which this module re-exports:
  reading       pairs with their members, format and mentor, gathered into groups; who may touch an order
  drafting      the orders page; a draft's pairs added, removed, merged into a group; a draft deleted
  registration  the number and date the director signed, corrections, the frozen order and its PDF
  history       the pairs list and a pair's card with its history
  appointment   «О назначении координатора и кураторов»: appointing a curator drafts it, registering it grants
  changes       «О внесении изменений в состав наставнических пар»: pairs ended early, carried and newly formed
  kinds         the orders not about pairs (the introduction, the «Школа наставников», the final event): their
                typed fields, drafted and edited; registered, frozen and printed (PDF and DOCX) by registration
"""
from portal.services.orders.reading import (  # noqa: F401
    PAIRS_TITLE, KIND_TITLES, ALL_KINDS, PAIR_KINDS, ORDER_STATUS_TITLES, PROPOSAL_STATUS_TITLES, STATE_TITLES, FROZEN, MAX_PAIRS, PAIR_FILTERS,
    Mentor, MentorClass, class_of, mentees_of, pair_label, Group, order_of,
)
from portal.services.orders.drafting import (  # noqa: F401
    MERGED_REASON, orders, ready_pairs, order_page, create_draft, add_pairs, remove_pair, delete_draft,
    merge_group,
)
from portal.services.orders.registration import (  # noqa: F401
    MAX_NUMBER, school_today, clean_number, register, correction_title, start_correction, document, freeze_late,
    order_pdf, order_docx, order_preview, attach_scan, order_scan,
)
# The check a test makes late, as if another registration had not committed yet.
from portal.services.orders.registration import _holder_of  # noqa: F401
from portal.services.orders import appointment, changes, kinds  # noqa: F401
from portal.services.orders.history import HISTORY_LIMIT, pairs, pair  # noqa: F401
