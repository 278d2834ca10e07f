"""The rules of the portal: plain functions over models that take the acting person as an argument."""


class ServiceError(Exception):
    """A refused action, with a Russian message for the person who tried it and the form field it concerns."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(ServiceError):
    """The actor may not do this; views answer 403 or 404."""
