class DomainError(Exception):
    """A rule of the domain was broken. The message is translated and shown to the user.

    `field` names the form field the message belongs next to, or None for the whole form.
    """

    def __init__(self, message, *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code

    def __str__(self):
        return str(self.message)


def add_domain_error_to_form(form, error: DomainError) -> None:
    """Show a DomainError next to its field (or at the top of the form)."""
    field = error.field if error.field in getattr(form, "fields", {}) else None
    form.add_error(field, str(error.message))
