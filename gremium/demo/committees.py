"""Demo data: committees. Idempotent."""


def seed(out) -> list[tuple[str, str, str]]:
    return []
