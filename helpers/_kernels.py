"""Kernels that cannot collide, and the message of a run that stopped: for every notebook run."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any


def _ipc_kernel_manager() -> type:
    """A kernel manager whose kernel talks over Unix sockets instead of TCP ports.

    With TCP, two notebooks started at the same moment (the test suite runs two workers) can pick
    the same free port, and one kernel dies with "Address already in use". IPC socket files are
    named after each kernel's unique connection file, so they cannot collide.
    """
    # deferred: jupyter_client and traitlets are only needed to run notebooks
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import CaselessStrEnum, default

    class IPCKernelManager(AsyncKernelManager):
        transport = CaselessStrEnum(["tcp", "ipc"], default_value="ipc", config=True)

        @default("ip")
        def _ip_default(self) -> str:
            # an absolute path: the kernel runs in the notebook's folder, the client does not
            return str(Path(tempfile.mkdtemp(prefix="course-kernel-")) / "k")

    return IPCKernelManager


class CellTimeout(RuntimeError):
    """A cell ran past the per-cell time limit, or its kernel died; the message names the cell."""


def _cell_line(cell: Any) -> str:
    r"""The first line of a cell's code that is not blank or a comment, shortened to 70 signs.

    >>> _cell_line({"source": "# a comment\n\nexplore_capacity(scored.test, target=target)"})
    'explore_capacity(scored.test, target=target)'
    """
    lines = [ln.strip() for ln in str(cell.get("source", "")).splitlines()]
    first = next((ln for ln in lines if ln and not ln.startswith("#")), "")
    return first if len(first) <= 70 else first[:67] + "..."


def _stopped_message(source: Path, target: Path, current: dict[str, Any], timeout: int,
                     error: Exception) -> str:
    where = (f"cell {current['index']} (`{_cell_line(current['cell'])}`)" if current
             else "kernel start")
    if isinstance(error, TimeoutError):
        what = (f"did not finish within {timeout} s; it was stopped. If the data is that large, "
                f"allow more with `--timeout SECONDS`")
    else:
        what = (f"lost its kernel ({error}); the kernel process died, often for lack of memory: "
                f"free memory or run on a sample of the data")
    return f"{source.name}: {where} {what}. The executed copy so far is in {target}."
