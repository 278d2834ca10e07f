"""The consent gate (4.10, 4.11): signing, withdrawal, destruction — and one answer to «may this person take part?».

Every later feature asks `may_take_part` (or `participation_gate` for a list) before it proposes,
pairs, logs or surveys anyone: without a valid consent (for a minor, a parent's) the answer is no.

A package of modules by aggregate; callers use `from portal.services import consent as consents` and
`consents.X`, which this module re-exports:
  texts        the school's consent texts, their versions and checks, the text filled in
  gate         may a person take part; who may sign for whom
  signing      the e-signature agreement, signing a consent, what signing opens
  issuing      the signed document frozen at signing, its PDF
  withdrawal   withdrawing a consent and what it closes at once
  destruction  destroying the data a withdrawal covers
"""
from portal.services.consent.texts import (  # noqa: F401
    TEXTS, KIND_TITLES, MIN_TEXT_LENGTH, BLANK, PLACEHOLDERS, PLACEHOLDER_NAMES, REQUIRED_PLACEHOLDERS, sha256,
    seed_documents, current_documents, text_versions, placeholder_guide, new_version, SigningDetails, render_text,
    PUBLIC_FIELD_TITLES, public_fields_of, public_fields_text,
)
from portal.services.consent.gate import (  # noqa: F401
    MINOR_KIND_FOR_BASE, PARTICIPATION_KINDS, PRE_ACTIVE, required_kind, bases_opened_by, valid_consents,
    consented_kinds, participation_gate, may_take_part, require_participation, guardianship, subject_for_signer,
    signs_online, kinds_for, has_esign_agreement,
)
from portal.services.consent.signing import (  # noqa: F401
    accept_esign_agreement, sign, esign_agreement, esign_agreement_for, signing_overview,
)
from portal.services.consent.issuing import freeze_late, issued_document, consent_pdf  # noqa: F401
from portal.services.consent.withdrawal import (  # noqa: F401
    DESTRUCTION_DAYS, consent_for, withdraw, withdrawal_of, withdrawal_effects,
)
from portal.services.consent.destruction import (  # noqa: F401
    ERASED, ERASED_PARTLY, KEPT, destruction_list, destruction_plan, destroy, destroy_due,
)
# Names callers reach through the old module (consents.NotAllowed, consents.ConsentDocument).
from portal.models import ConsentDocument  # noqa: F401,E402
from portal.services import NotAllowed, ServiceError  # noqa: F401,E402
