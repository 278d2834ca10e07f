"""What the programme tests share: the page text and the audit events of one action."""
from portal.models import AuditEvent


def text(response) -> str:
    return response.get_data(as_text=True)


def events(action) -> list[AuditEvent]:
    return list(AuditEvent.select().where(AuditEvent.action == action).order_by(AuditEvent.id))
