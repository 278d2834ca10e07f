"""Mentoring formats (5.1), their curators appointed by the director's order (4.3, 2.7) and each format's
programme (2.3, 5.2, 5.4): what has to exist before anyone is proposed or paired.

The coordinator adds and closes formats and appoints curators; the programme is the curator's to write
(2.7: the curator designs the programme of their form), and the coordinator's too. A format is never
deleted: closing it keeps its bases, pairs and history, it only stops new pairing.

A package of modules by aggregate; callers use `from portal.services import programmes` and
`programmes.X`, which this module re-exports:
  checks     the limits, titles and small checks the others share: text, dates, the 12-month period
  formats    the school's formats with their counts; adding, renaming, closing one
  curators   curators appointed by order, and removed
  programme  each format's programme, written by staff and read by its participants
  next_year  the next school year's programme: a draft copied from the one in force, then published
"""
from portal.services.programmes.checks import (  # noqa: F401
    KIND_TITLES, KIND_PLURALS, MENTOR_KINDS, MENTEE_KINDS, CURATOR_KINDS, RUNNING_PAIRS, ONGOING_PAIRS, MAX_NAME,
    MAX_DESCRIPTION, MAX_TITLE, MAX_PROGRAMME_TEXT, MAX_ORDER_NUMBER, PROGRAMME_TEXTS, PRESENTATIONS,
    PROGRAMME_FIELDS, CONTROL_CHARS, LINE_BREAKS, ISO_DATE, RU_DATE, EARLIEST, LATEST, parse_date, last_day,
)
from portal.services.programmes.formats import (  # noqa: F401
    kinds_text, formats_overview, format_of_school, create_format, update_format, format_summary, set_active,
)
from portal.services.programmes.curators import (  # noqa: F401
    curator_candidates, appoint_curator, curator_grant, remove_curator, coordinator_card,
)
from portal.services.programmes.programme import (  # noqa: F401
    programme_of_format, programmes_in_scope, save_programme, for_participant,
)
from portal.services.programmes.next_year import (  # noqa: F401
    history, programme_in_scope, draft_of, editable, suggested_dates, start_next_year, save_draft, publish,
    publishable_from, discard_draft, year_ending,
)
