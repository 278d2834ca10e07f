"""The data step of migration 006: documents issued before documents were frozen are frozen now.

`flask db-upgrade` runs `freeze_missing()` right after the migrations, in the same command, so an
upgraded school never serves a consent, a registered order or a final report without its issued
document. Each is rendered from what it renders today and marked `frozen_late_at`: the portal does
not pretend it knows what was printed before. Running it again finds nothing to do.
"""
from collections import Counter

from peewee import JOIN

from portal.db import atomic_write
from portal.models import Consent, ConsentDocument, FinalReport, IssuedDocument, Order
from portal.services import audit, issued
from portal.services import consent as consents
from portal.services import cycle, orders

BATCH = 200


def _missing(model, link, *where):
    query = (model.select(model.id).join(IssuedDocument, JOIN.LEFT_OUTER, on=(link == model.id))
             .where(IssuedDocument.id.is_null(), *where).order_by(model.id))
    return [row[0] for row in query.tuples()]


def _batches(ids):
    for start in range(0, len(ids), BATCH):
        yield ids[start:start + BATCH]


def _sources():
    """Each kind of row that issues a document: the rows, the link to their document, how to freeze one."""
    return (
        (Consent, IssuedDocument.consent, (),
         lambda ids: Consent.select(Consent, ConsentDocument).join(ConsentDocument).where(Consent.id.in_(ids)),
         consents.freeze_late),
        (Order, IssuedDocument.order, (Order.status == "registered",),
         lambda ids: Order.select().where(Order.id.in_(ids)), orders.freeze_late),
        (FinalReport, IssuedDocument.report, (),
         lambda ids: FinalReport.select().where(FinalReport.id.in_(ids)), cycle.freeze_late),
    )


def freeze_missing() -> dict[str, int]:
    """Freeze every consent, registered order and final report that has no issued document yet.

    Returns how many of each kind were frozen; one audit record per school says what was done."""
    frozen, by_school = Counter(), Counter()
    for model, link, where, rows, freeze_late in _sources():
        for batch in _batches(_missing(model, link, *where)):
            with atomic_write():
                for row in rows(batch):
                    if issued.of(**{link.name: row.id}) is None:
                        document = freeze_late(row)
                        frozen[document.kind] += 1
                        by_school[document.school_id] += 1
    if by_school:
        with atomic_write():
            for school_id, count in sorted(by_school.items()):
                audit.record("documents.frozen_late", school=school_id, count=count)
    return dict(frozen)
