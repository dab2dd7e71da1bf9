"""One kernel per test worker, reused by every notebook run of the suite and reset between runs.

A notebook run in a fresh kernel spends most of its time starting the kernel and importing
pandas, matplotlib, seaborn, scikit-learn and the course's helpers; the cells themselves take a
few seconds. The suite runs some sixty notebooks, so it reuses one kernel per worker and resets it
before each run:

- the user namespace is emptied (``%reset -f``): every name a notebook uses must come from its own
  cells, exactly as in a fresh kernel (imported modules stay cached, which is what saves the time);
- the warning filters are restored to the kernel's initial ones, which also forgets which warnings
  were already shown, so a notebook shows every warning (a ``Caveat``) as a fresh kernel would;
- matplotlib's settings are restored and open figures closed;
- the working folder is the run's own folder;
- what is left (modules, their caches) is frozen out of the cyclic garbage collector
  (``gc.freeze()``): ``%reset``'s own full collection, and every full one in the cells, then
  walks only what the new run creates instead of the million objects of the loaded libraries
  again (0.3 s saved per reset). The previous run's garbage is collected before the freeze.

A kernel that died, timed out or was interrupted is discarded and the next run starts a new one.
The course's own commands (``python -m helpers.course run``, ``make course``) always start one
fresh kernel per notebook; ``test_fresh_kernel_run`` keeps that path tested too.
"""

from __future__ import annotations

import atexit
from pathlib import Path
from typing import Any

from helpers.course import CELL_TIMEOUT, CellTimeout, _ipc_kernel_manager, _stopped_message

#: Run first in the reused kernel: forget the previous notebook (see the module docstring).
RESET = r'''
get_ipython().run_line_magic("reset", "-f")
import builtins as _b, os as _o, warnings as _w
import matplotlib as _m, matplotlib.pyplot as _p
if not hasattr(_b, "_course_kernel_start"):
    _b._course_kernel_start = (list(_w.filters), {k: v for k, v in _m.rcParams.items()
                                                 if k != "backend"})
else:
    _w.filters[:] = _b._course_kernel_start[0]
    _w._filters_mutated()
    _m.rcParams.update(_b._course_kernel_start[1])
_p.close("all")
_o.chdir(%r)
import gc as _g
_g.freeze()
del _b, _o, _w, _m, _p, _g
'''

_TAG = "course-kernel-reset"


class SharedKernel:
    """A kernel kept alive across notebook runs; :meth:`run` executes one notebook in it."""

    def __init__(self) -> None:
        self.km: Any = None
        atexit.register(self.close)

    def _start(self, cwd: Path) -> Any:
        from jupyter_core.utils import run_sync

        km = _ipc_kernel_manager()(kernel_name="python3")
        # history in memory, as nbclient keeps it for the kernels it starts (the course's runs):
        # two workers' kernels writing one history file on disk wait on its lock
        run_sync(km.start_kernel)(cwd=str(cwd),
                                  extra_arguments=["--HistoryManager.hist_file=:memory:"])
        return km

    def _alive(self) -> bool:
        from jupyter_core.utils import run_sync

        return self.km is not None and bool(run_sync(self.km.is_alive)())

    def close(self) -> None:
        """Shut the kernel down (at exit, or after a run that broke it)."""
        from jupyter_core.utils import run_sync

        if self.km is not None:
            try:
                run_sync(self.km.shutdown_kernel)(now=True)
            finally:
                self.km = None

    def run(self, source: Path, target: Path, parameters: dict[str, Any], cwd: Path) -> Path:
        """Execute ``source`` with ``parameters`` into ``target``, as ``run_notebook`` does.

        The executed copy is the notebook's own cells only (the reset cell is removed).
        """
        import nbformat
        import papermill as pm
        from nbclient.exceptions import DeadKernelError

        if not self._alive():
            self.close()
            self.km = self._start(cwd)
        target.parent.mkdir(parents=True, exist_ok=True)
        nb = nbformat.read(source, as_version=4)
        nb.cells.insert(0, nbformat.v4.new_code_cell(RESET % str(cwd),
                                                     metadata={"tags": [_TAG]}))
        staged = target.with_name(f".{target.stem}-input.ipynb")
        nbformat.write(nb, staged)
        current: dict[str, Any] = {}
        try:
            pm.execute_notebook(
                str(staged), str(target), parameters=parameters, kernel_name="python3",
                engine_name="course", km=self.km, progress_bar=False, execution_timeout=CELL_TIMEOUT,
                on_cell_start=lambda cell, cell_index: current.update(cell=cell, index=cell_index - 1),
            )
        except (TimeoutError, DeadKernelError) as error:
            self.close()
            raise CellTimeout(_stopped_message(source, target, current, CELL_TIMEOUT,
                                               error)) from None
        except pm.PapermillExecutionError:
            raise  # a cell raised; the kernel is idle and the next run resets it
        except BaseException:
            self.close()  # interrupted mid-cell, the kernel may still be busy: never reuse it
            raise
        finally:
            _drop_reset_cell(target)
            staged.unlink(missing_ok=True)
        return target


def _drop_reset_cell(path: Path) -> None:
    import nbformat

    if not path.exists():
        return
    nb = nbformat.read(path, as_version=4)
    nb.cells = [c for c in nb.cells if _TAG not in c.get("metadata", {}).get("tags", [])]
    nbformat.write(nb, path)
