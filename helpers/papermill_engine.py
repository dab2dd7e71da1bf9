"""The course's papermill engine: notebook runs that never hang on a widget cell.

Papermill loads every ``papermill.engine`` entry point when it starts; this package registers
this module's :class:`CourseEngine` as ``course`` (``pyproject.toml``). Loading it applies
:func:`recheck_after_send` to the process running papermill, so the analyst's plain command,

    papermill notebooks/07-telemarketing-scoring.ipynb out/07.ipynb -p ...

is as safe as ``python -m helpers.course run`` and ``papermill --engine course``. The course's
own runs use ``--engine course``, which also saves the executed copy less often
(:func:`throttle_saves`). The module is light on purpose: papermill imports it at every start, before any notebook runs.
"""

import asyncio
from typing import Any

__all__ = ["SAVE_EVERY", "recheck_after_send", "throttle_saves"]  # and CourseEngine (on first use)

#: Seconds between two saves of the executed copy while a notebook runs (papermill's own
#: engine saves it twice per cell; see :func:`throttle_saves`).
SAVE_EVERY = 10.0


def recheck_after_send() -> None:
    """Make every send on a kernel channel re-check that socket for a reply already waiting.

    The cause of the hangs of jupyter/nbclient#312: jupyter_client sends on a channel's asyncio
    socket through a plain (synchronous) shadow of it. That send lets ZeroMQ process the socket's
    pending events, which clears the file descriptor the event loop watches, so a reply that had
    just arrived never wakes the coroutine waiting for it (pyzmq's asyncio sockets expect every
    operation to be followed by an ``EVENTS`` check; their own ``send`` does it). nbclient sends
    while it waits for a cell's reply whenever an ``ipywidgets.Output`` receives output (it
    syncs the widget's state back to the kernel on the shell channel), so widget cells hung at
    random, more often on a loaded machine, with the reply sitting unread in the socket. Reading
    ``EVENTS`` through the asyncio socket after the send schedules the wake-up the send consumed.
    Applied once, only in the process that runs notebooks, never in a trainee's kernel.
    """
    # deferred: jupyter_client and zmq are only needed to run notebooks, not to make trainee copies
    import zmq
    from jupyter_client.channels import AsyncZMQSocketChannel

    if getattr(AsyncZMQSocketChannel.send, "_course_rechecks", False):
        return
    plain_send = AsyncZMQSocketChannel.send

    def send(self: Any, msg: dict[str, Any]) -> None:
        plain_send(self, msg)
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return  # no event loop in this thread, so no coroutine is waiting on the socket
        self.socket.get(zmq.EVENTS)  # the asyncio socket's get(EVENTS) wakes waiting readers

    send._course_rechecks = True  # type: ignore[attr-defined]
    AsyncZMQSocketChannel.send = send  # type: ignore[method-assign]


def throttle_saves(nb_man: Any, every: float = SAVE_EVERY) -> None:
    """Let papermill's execution manager ``nb_man`` write the executed copy at most every ``every`` s.

    Papermill saves the whole notebook (every output, images included, serialised and
    validated) when each cell starts and again when it ends: on a 30-cell notebook with plots
    that was a quarter of a run's time, spent while the kernel waits. With this, a cell start or
    end saves only when the last save is ``every`` seconds old, so a long run still shows its
    progress in the file; the final save after the last cell (``notebook_complete``) and the
    save of a failed run are papermill's own and always happen. Undo with
    ``del nb_man.save`` (the instance attribute hides the class's method).
    """
    plain_save = nb_man.save

    def save(**kwargs: Any) -> None:
        if (nb_man.now() - nb_man.last_save_time).total_seconds() >= every:
            plain_save(**kwargs)

    nb_man.save = save


def _course_engine() -> type:
    """Papermill's nbclient engine with :func:`recheck_after_send` and :func:`throttle_saves`."""
    # cycle: papermill.engines loads this module's CourseEngine while papermill.engines itself is
    # still being imported, so the base class is looked up only when CourseEngine is asked for
    from papermill.engines import NBClientEngine

    class CourseEngine(NBClientEngine):
        """Papermill's nbclient engine with :func:`recheck_after_send` and :func:`throttle_saves`."""

        @classmethod
        def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, **kwargs: Any) -> Any:
            """Execute the notebook as papermill's nbclient engine does, with the fixes applied."""
            recheck_after_send()
            throttle_saves(nb_man)
            try:
                return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)
            finally:
                del nb_man.save  # papermill's final save (notebook_complete) writes everything

    return CourseEngine


def __getattr__(name: str) -> Any:
    """``CourseEngine``, built on first use (see :func:`_course_engine`)."""
    if name == "CourseEngine":
        engine = _course_engine()
        globals()["CourseEngine"] = engine
        return engine
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# papermill imports this module through its entry point before it runs anything: apply the fix
# here so that the default engine is safe too, not only ``--engine course``.
recheck_after_send()
