"""Demo data: votes. Idempotent."""


def seed(out) -> list[tuple[str, str, str]]:
    return []
