"""The test harness itself: what the suite's speed and its shared notebook runs rely on."""

from __future__ import annotations

import pytest


@pytest.mark.xdist_group("harness-check")
def test_xdist_keeps_the_groups_the_shared_runs_rely_on(request: pytest.FixtureRequest):
    """``make test`` runs ``-n 2 --dist loadgroup``: every test of an xdist group must reach the
    same worker, or a notebook run meant to be shared (``tests/notebooks``) is executed again on
    the other worker. pytest 9.2 silently broke this (its node ids drop xdist's ``@group``
    suffix, pytest-xdist issue #1386); requirements-test.txt pins a pytest that keeps it."""
    if not hasattr(request.config, "workerinput"):
        pytest.skip("not run by an xdist worker (make test runs -n 2 --dist loadgroup)")
    if not request.config.getoption("loadgroup", False):
        pytest.skip("the workers do not distribute by group (--dist loadgroup)")
    assert request.node.nodeid.endswith("@harness-check"), (
        f"{request.node.nodeid}: xdist did not keep the test's group; a pytest / pytest-xdist "
        "pair that groups is pinned in requirements-test.txt")
