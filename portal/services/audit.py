"""Audit records are written by the service that changes state, inside its transaction."""
import json

from portal.models import AuditEvent


def record(action: str, *, actor=None, obj=None, school=None, ip: str = "", **details) -> AuditEvent:
    if school is None:
        school = getattr(obj, "school_id", None) or getattr(actor, "school_id", None)
    return AuditEvent.create(
        school=school,
        actor=actor,
        action=action,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=getattr(obj, "id", None),
        details=json.dumps(details, ensure_ascii=False, default=str),
        ip=ip or "",
    )


def history(obj, limit: int = 100):
    return (AuditEvent.select()
            .where((AuditEvent.object_type == type(obj).__name__) & (AuditEvent.object_id == obj.id))
            .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
            .limit(limit))
