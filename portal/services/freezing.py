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


def freeze_missing() -> dict[str, int]:
    """Freeze every consent, registered order and final report that has no issued document yet.

    Returns how many of each kind were frozen; one audit record per school says what was done."""
    frozen, by_school = Counter(), Counter()
    for batch in _batches(_missing(Consent, IssuedDocument.consent)):
        with atomic_write():
            for consent in Consent.select(Consent, ConsentDocument).join(ConsentDocument).where(Consent.id.in_(batch)):
                if issued.of(consent=consent.id) is None:
                    document = consents.freeze_late(consent)
                    frozen[document.kind] += 1
                    by_school[document.school_id] += 1
    for batch in _batches(_missing(Order, IssuedDocument.order, Order.status == "registered")):
        with atomic_write():
            for order in Order.select().where(Order.id.in_(batch)):
                if issued.of(order=order.id) is None:
                    orders.freeze_late(order)
                    frozen["order"] += 1
                    by_school[order.school_id] += 1
    for batch in _batches(_missing(FinalReport, IssuedDocument.report)):
        with atomic_write():
            for report in FinalReport.select().where(FinalReport.id.in_(batch)):
                if issued.of(report=report.id) is None:
                    document = cycle.freeze_late(report)
                    frozen["report"] += 1
                    by_school[document.school_id] += 1
    if by_school:
        with atomic_write():
            for school_id, count in sorted(by_school.items()):
                audit.record("documents.frozen_late", school=school_id, count=count)
    return dict(frozen)
