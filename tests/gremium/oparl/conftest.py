import pytest


@pytest.fixture(autouse=True)
def _default_indicators(request):
    """The indicators come from a data migration, which a transactional test's flush removes:
    make sure every standorte test that uses the database has them."""
    names = set(request.fixturenames)
    marker = request.node.get_closest_marker("django_db")
    if marker is None and not names & {"db", "transactional_db", "live_server"}:
        return
    transactional = names & {"transactional_db", "live_server"} or (
        marker is not None and marker.kwargs.get("transaction")
    )
    request.getfixturevalue("transactional_db" if transactional else "db")
    from standorte.services import indicators_ensure_defaults

    indicators_ensure_defaults()
