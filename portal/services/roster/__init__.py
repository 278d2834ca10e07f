"""The school's roster (4.4, 4.5, 4.9, 3.2): people added one by one or from the class lists that
Russian school systems export as CSV.

The roster is the school's own record (DECISIONS.md, "Roster vs bases"), so a class list may also
carry each child's parent: the link it creates is confirmed by the importing staff member, which is
what lets that parent sign for the child later. A file is all or nothing: `plan_import` validates
every row without writing, `commit_import` validates again under the roster lock and writes
everything in one transaction, in bulk, so 2,000 rows take seconds.

A package of modules by aggregate; callers use `from portal.services import roster` and `roster.X`,
which this module re-exports:
  person   one person's data, the same rules for the form and a row of a file; adding one person
  reading  a class list's encoding, delimiter and header
  imports  planning and committing a class list
"""
from portal.services.roster.person import (  # noqa: F401
    STUDENT_AGES, KIND_TITLES, KIND_WORDS, SEX_WORDS, NAME_RE, CLASS_RE, DMY_RE, ISO_RE, PHONE_RE, EMAIL_RE,
    CONTROL_RE, clean_person, person_key, add_person,
)
from portal.services.roster.reading import (  # noqa: F401
    MAX_ROWS, COLUMNS, COLUMN_TITLES, REQUIRED_COLUMNS, ENCODING_PROBLEM, decode, read_rows,
)
from portal.services.roster.imports import (  # noqa: F401
    MAX_FILE_BYTES, CHUNK, BASE_TITLES, ImportRefused, ImportRow, ImportPlan, plan_import, ImportResult,
    commit_import,
)
