"""Voilà with the course's fix for widget cells: ``python -m helpers._voila NOTEBOOK [OPTIONS]``.

Voilà runs a dashboard's cells with nbclient in its own server process, so the lost wake-up
that hung papermill's widget cells (jupyter/nbclient#312, see
:func:`helpers.papermill_engine.recheck_after_send`) can hang a page there too: the kernel idle,
the server idle, the page waiting for the rest of its cells. Seen here as a test page that never
came (twice in some twenty runs) and as a dashboard visitor whose pre-heated kernel never
connected. ``make dashboard`` and the tests start Voilà through this module, which applies the
fix to the server process first; every option is Voilà's own (``--help`` lists them).
"""

from __future__ import annotations

import sys

from helpers.papermill_engine import recheck_after_send


def main(argv: list[str] | None = None) -> None:
    """Apply :func:`~helpers.papermill_engine.recheck_after_send`, then run Voilà with ``argv``.

    Parameters
    ----------
    argv : list of str, optional
        Voilà's command line without the program name (default: ``sys.argv[1:]``).
    """
    recheck_after_send()
    # deferred: Voilà (and jupyter_server behind it) is only needed to serve the dashboard
    from voila.app import Voila

    Voila.launch_instance(argv=sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    main()
