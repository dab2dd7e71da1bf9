"""The test harness itself: what the suite's speed and its shared notebook runs rely on."""

from __future__ import annotations

import pytest


@pytest.mark.xdist_group("harness-check")
def test_xdist_keeps_the_groups_the_shared_runs_rely_on(request: pytest.FixtureRequest):
    """``make test`` runs ``-n 2 --dist loadgroup``: every test of an xdist group must reach the
    same worker, or a notebook run meant to be shared (``tests/notebooks``) is executed again on
    the other worker and a Spark session is started twice. The scheduler reads the group from
    the ``@group`` suffix of the node id; pytest 9.2 dropped it (pytest-xdist issue #1386) and
    ``tests/conftest.py`` puts it back."""
    if not hasattr(request.config, "workerinput"):
        pytest.skip("not run by an xdist worker (make test runs -n 2 --dist loadgroup)")
    if not request.config.getoption("loadgroup", False):
        pytest.skip("the workers do not distribute by group (--dist loadgroup)")
    assert request.node.nodeid.endswith("@harness-check"), (
        f"{request.node.nodeid}: xdist did not keep the test's group (see "
        "pytest_collection_modifyitems in tests/conftest.py)")
