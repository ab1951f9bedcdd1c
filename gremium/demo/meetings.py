"""Demo data: meetings. Idempotent."""


def seed(out) -> list[tuple[str, str, str]]:
    return []
