"""The staff area's views live in one module per concern; this module only gathers them.
The staff member's reach is portal.web.staff_scope()."""
from portal.staff import (  # noqa: F401
    agreements, base_proposals, bases, cycle, monitoring, pairs, people, programmes, proposals, reports, roadmap,
    roster_import,
)
