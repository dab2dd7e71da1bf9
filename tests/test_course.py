"""Course-wide rules: every notebook has a parameters cell, a lesson, no outputs, and its trainee
copy is exactly the solution notebook with the solutions stripped."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import course, papermill_engine
from helpers.exercises import STORE_ENV, answers_for, registered, trainee_package
from helpers.paths import LESSONS_DIR, NOTEBOOKS_DIR, PROJECT_DIR, SOLUTIONS_DIR

SOLUTIONS = course.course_notebooks(SOLUTIONS_DIR)
TRAINEE = course.course_notebooks(NOTEBOOKS_DIR)
LESSON_SECTIONS = ["## Objectives", "## Key terms", "## Concepts", "## Worked case",
                   "## Exercises", "## Discussion questions", "## Key points",
                   "## Instructor notes"]
COMMON_PARAMETERS = {"data_dir", "seed", "output_dir", "reveal_personal"}


def _load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def _code_cells(nb):
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def test_there_are_notebooks_numbered_from_00_without_gaps():
    numbers = [int(p.name[:2]) for p in SOLUTIONS]
    assert numbers, "no solution notebooks"
    assert numbers == list(range(len(numbers)))


@pytest.mark.parametrize("path", SOLUTIONS + TRAINEE, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_committed_notebooks_carry_no_outputs(path):
    for cell in _code_cells(_load(path)):
        assert not cell.get("outputs") and cell.get("execution_count") is None, (
            f"{path.name}: a code cell carries outputs; clear them before committing")


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name)
def test_first_code_cell_is_a_documented_parameters_cell(path):
    import papermill as pm

    first = _code_cells(_load(path))[0]
    assert "parameters" in first["metadata"].get("tags", []), f"{path.name}: untagged"
    inferred = pm.inspect_notebook(str(path))
    assert COMMON_PARAMETERS <= set(inferred), f"{path.name}: missing {COMMON_PARAMETERS - set(inferred)}"
    undocumented = [name for name, p in inferred.items() if not p["help"].strip()]
    assert not undocumented, f"{path.name}: parameters without a `# meaning` comment: {undocumented}"


def test_trainee_copies_are_in_step_with_the_solutions():
    assert course.out_of_step() == [], "run `make trainee-notebooks`"


@pytest.mark.parametrize("path", TRAINEE, ids=lambda p: p.name)
def test_trainee_copies_hold_no_solutions(path):
    text = path.read_text(encoding="utf-8")
    assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name)
def test_every_checked_exercise_exists_and_has_a_solution(path):
    nb = _load(path)
    source = "\n".join("".join(c["source"]) for c in _code_cells(nb))
    keys = re.findall(r"""check\(\s*["'](\d\d\.\d+)["']""", source)
    assert len(keys) >= 3 or path.name.startswith(("00", "11")), f"{path.name}: < 3 exercises"
    for key in keys:
        assert key.startswith(path.name[:2]), f"{path.name}: exercise {key} of another lesson"
        registered(key)
    assert source.count("### BEGIN SOLUTION") >= len(set(keys)) - 1


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name)
def test_every_notebook_has_a_lesson_in_the_common_format(path):
    lessons = list(LESSONS_DIR.glob(f"{path.name[:2]}-*.md"))
    assert len(lessons) == 1, f"no lesson text for {path.name}"
    text = lessons[0].read_text(encoding="utf-8")
    missing = [s for s in LESSON_SECTIONS if s not in text]
    assert not missing, f"{lessons[0].name} lacks {missing}"
    assert re.search(r"Teaching: \d+ min · Exercises: \d+ min", text), "timing line missing"
    terms = text.split("## Key terms", 1)[1].split("\n## ", 1)[0]
    assert re.search(r"[\u4e00-\u9fff]", terms), "key terms need their Chinese names"


def test_strip_keeps_assignments_runnable():
    src = ("x = 1\n### BEGIN SOLUTION\nanswer = x + 1\nanswer = int(answer)\nother = 3\n"
           "### END SOLUTION\ncheck('03.1', answer)\n")
    out = course._strip_code(src)
    assert out == ("x = 1\nanswer = None  # YOUR CODE HERE\nother = None  # YOUR CODE HERE\n"
                   "check('03.1', answer)\n")


def test_strip_keeps_indentation_and_removes_markdown_answers():
    src = "for i in range(2):\n    ### BEGIN SOLUTION\n    y = i\n    ### END SOLUTION\n"
    assert course._strip_code(src) == "for i in range(2):\n    y = None  # YOUR CODE HERE\n"
    nb = {"cells": [{"cell_type": "markdown", "metadata": {}, "source":
                     "Q?\n<!-- BEGIN SOLUTION -->\nBecause.\n<!-- END SOLUTION -->\n"}],
          "metadata": {}}
    assert course.trainee_copy(nb)["cells"][0]["source"] == "Q?\n" + course.TRAINEE_MD["en"]


@pytest.fixture(scope="module")
def workshop_folders(tmp_path_factory):
    """One workshop of two trainees (seeds 500 and 501), made once for the tests below (each
    folder is a full dataset): ``(out, folders)``. The tests leave the folders as they are."""
    out = tmp_path_factory.mktemp("workshop") / "ws"
    return out, course.workshop(out, ["wang", "li"], base_seed=500)


@pytest.mark.xdist_group("workshop")
def test_workshop_gives_each_trainee_own_data_and_notebooks(workshop_folders):
    import papermill as pm

    out, folders = workshop_folders
    customers = [(f / "data" / "customers.csv").read_bytes() for f in folders]
    assert customers[0] != customers[1], "two trainees got the same dataset"
    for folder, seed in zip(folders, (500, 501), strict=True):
        nb = folder / "notebooks" / SOLUTIONS[3].name
        params = pm.inspect_notebook(str(nb))
        assert params["seed"]["default"] == str(seed)
        # relative to the notebook: the folder works wherever it is copied
        assert params["data_dir"]["default"] == repr(course.WORKSHOP_DATA_DIR)
        assert str(out.parent) not in nb.read_text(encoding="utf-8")
        assert "BEGIN SOLUTION" not in nb.read_text(encoding="utf-8")
    with pytest.raises(FileExistsError):
        course.workshop(out, ["wang"])


def test_workshop_help_documents_every_option(capsys):
    with pytest.raises(SystemExit):
        course.main(["workshop", "--help"])
    text = capsys.readouterr().out
    for option in ("TRAINEE", "--out", "--base-seed", "--answers", "--package"):
        assert option in text
    assert "../data" in text and "instructor" in text and "course-package" in text
    assert text.count("(default") >= 2
    with pytest.raises(SystemExit):
        course.main(["answers", "--help"])
    assert "--seed" in capsys.readouterr().out


def test_answers_needs_a_seed_or_a_folder(capsys):
    assert course.main(["answers"]) == 2
    assert "--seed N" in capsys.readouterr().err


@pytest.mark.notebook
@pytest.mark.xdist_group("workshop")
def test_a_moved_workshop_folder_checks_against_its_own_store_without_the_answer_code(
        workshop_folders, tmp_path):
    """Issue 13/14: a trainee folder copied elsewhere reads its own data ("../data"), and with
    the trainee package (no helpers/exercises/mNN_*.py) the checks come from its answers.json."""
    folder = workshop_folders[1][1]  # li, seed 501
    moved = Path(shutil.copytree(folder, tmp_path / "elsewhere" / "li"))
    hidden = folder.rename(folder.with_name(".li-away"))  # as after a move: the original is gone
    try:
        _check_moved_folder(moved, tmp_path / "course-package")
    finally:
        hidden.rename(folder)


def _check_moved_folder(moved: Path, package_dir: Path) -> None:
    """Record li's answers in the moved folder, then run 00 there on the trainee package."""
    nb00 = SOLUTIONS[0]
    sheet = answers_for([nb00], moved / "data", course.execute_notebook,
                        store=moved / "data" / "answers.json", seed=501, title="li")
    assert "**00.1** (value): 3,000" in sheet and "**00.5** (predict)" in sheet
    package = trainee_package(PROJECT_DIR, package_dir)
    before = {k: os.environ.get(k) for k in ("PYTHONPATH", STORE_ENV)}
    os.environ["PYTHONPATH"] = str(package)      # the kernel imports the trainee package
    os.environ.pop(STORE_ENV, None)              # found as ../data/answers.json
    try:
        where = subprocess.run([sys.executable, "-c", "import helpers.exercises as e; "
                                "print(e.__file__)"], capture_output=True, text=True, check=True,
                               cwd=moved / "notebooks").stdout
        assert where.startswith(str(package)), where   # the kernel's interpreter sees no mNN_*
        run = course.execute_notebook(nb00, moved / "notebooks" / "run.ipynb",
                                      {"data_dir": "../data"}, cwd=moved / "notebooks")
    finally:
        for key, value in before.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    shown = [o.get("data", {}).get("text/plain", o.get("text", ""))
             for cell in _load(run)["cells"] for o in cell.get("outputs", [])]
    text = "\n".join("".join(t) for t in shown)
    assert text.count(": right.") == 5 and "not yet" not in text, text


# --- running notebooks: never hang (issue 10) ---------------------------------------------------

def _reply_waiting_scenario(send_after_reply):
    """A coroutine waits for a reply on a channel's asyncio socket; the reply arrives while the
    loop is busy, then the client sends on the same socket (as nbclient does for Output
    widgets). Returns the message the waiter got, or None if it was never woken."""
    import asyncio

    import zmq
    import zmq.asyncio
    from jupyter_client.channels import AsyncZMQSocketChannel
    from jupyter_client.session import Session

    async def scenario():
        async_ctx, ctx = zmq.asyncio.Context(), zmq.Context()
        kernel = ctx.socket(zmq.ROUTER)
        port = kernel.bind_to_random_port("tcp://127.0.0.1")
        client = async_ctx.socket(zmq.DEALER)
        client.connect(f"tcp://127.0.0.1:{port}")
        session, kernel_session = Session(key=b"k"), Session(key=b"k")
        channel = AsyncZMQSocketChannel(client, session)
        try:
            channel.send(session.msg("execute_request"))
            assert kernel.poll(5000), "the request did not arrive"
            ident, _ = kernel_session.feed_identities(kernel.recv_multipart())
            waiter = asyncio.ensure_future(channel.get_msg(timeout=None))
            for _ in range(3):
                await asyncio.sleep(0)  # the waiter now polls the socket
            kernel_session.send(kernel, "execute_reply", {}, ident=ident)
            # block the loop until the reply is in the client's socket (this already clears
            # the socket's wake-up, as the send below does)
            assert zmq.Socket.shadow(client.underlying).poll(5000), "the reply did not arrive"
            send_after_reply(channel, session)
            try:
                return (await asyncio.wait_for(waiter, 3))["msg_type"]
            except TimeoutError:
                return None
        finally:
            client.close(0)
            kernel.close(0)
            async_ctx.term()
            ctx.term()

    return asyncio.run(scenario())


def test_a_plain_send_loses_the_wake_up_of_a_reply_already_waiting():
    # jupyter_client's own send: a synchronous shadow of the socket; the waiter is never woken
    # (the hang of jupyter/nbclient#312). If this fails, upstream fixed it and
    # papermill_engine.recheck_after_send can go.
    def plain_send(channel, session):
        session.send(channel.socket, session.msg("comm_msg"))

    assert _reply_waiting_scenario(plain_send) is None


def test_a_send_on_a_channel_wakes_the_reader_of_a_reply_already_waiting():
    papermill_engine.recheck_after_send()
    papermill_engine.recheck_after_send()  # applied once only
    from jupyter_client.channels import AsyncZMQSocketChannel

    assert AsyncZMQSocketChannel.send._course_rechecks
    got = _reply_waiting_scenario(lambda channel, session: channel.send(session.msg("comm_msg")))
    assert got == "execute_reply"


def test_run_parameters_combine_like_papermill(tmp_path):
    params = tmp_path / "params.yaml"
    params.write_text("seed: 1\nmapping_file: a.yaml\nmin_calls: 10\n", encoding="utf-8")
    args = course.argparse.Namespace(parameters_file=[params],
                                     parameters=[["seed", "7"], ["rate", "0.5"], ["x", "None"]],
                                     parameters_raw=[["code", "007"]])
    assert course._cli_parameters(args) == {"seed": 7, "mapping_file": "a.yaml", "min_calls": 10,
                                            "rate": 0.5, "x": None, "code": "007"}


def test_run_refuses_a_missing_notebook(tmp_path, capsys):
    assert course.main(["run", str(tmp_path / "nope.ipynb"), str(tmp_path / "out.ipynb")]) == 2
    assert "no notebook" in capsys.readouterr().err


def test_stopped_message_names_notebook_cell_and_fix(tmp_path):
    cell = {"source": "# capacity\nexplore_capacity(scored.test)\n"}
    msg = course._stopped_message(tmp_path / "07-x.ipynb", tmp_path / "out.ipynb",
                                  {"cell": cell, "index": 23}, 900, TimeoutError("t"))
    assert msg.startswith("07-x.ipynb: cell 23 (`explore_capacity(scored.test)`) did not finish "
                          "within 900 s")
    assert "--timeout" in msg and str(tmp_path / "out.ipynb") in msg


@pytest.mark.notebook
def test_run_stops_a_stuck_cell_with_a_message_naming_it(tmp_path, capsys):
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("import time\ntime.sleep(120)"),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    source = tmp_path / "stuck.ipynb"
    nbformat.write(nb, str(source))
    before = source.read_bytes()
    code = course.main(["run", str(source), str(tmp_path / "out" / "stuck.ipynb"), "-p", "x", "2",
                        "--timeout", "3", "--no-progress-bar"])
    err = capsys.readouterr().err
    assert code == 1
    # cell 0 is the parameters cell, 1 the injected parameters, 2 the stuck one
    assert "stuck.ipynb: cell 2 (`import time`) did not finish within 3 s" in err
    assert source.read_bytes() == before


def test_plain_papermill_loads_the_course_engine_and_its_fix():
    # The README's plain `papermill` command: papermill imports its engine entry points at start,
    # which applies the fix in that process. Checked in a fresh interpreter (nothing pre-patched).
    import subprocess
    import sys

    code = ("import papermill.engines as e, jupyter_client.channels as c; "
            "print(e.papermill_engines.get_engine('course').__name__, "
            "getattr(c.AsyncZMQSocketChannel.send, '_course_rechecks', False))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["CourseEngine", "True"]


def test_run_all_starts_the_longest_notebooks_first_and_reports_in_course_order(
        tmp_path, monkeypatch, capsys):
    started = []

    def fake_run(nb, target, parameters):
        started.append(nb.name[:2])
        return float(nb.name[:2])

    monkeypatch.setattr(course, "_run_and_export", fake_run)
    only = ["00", "03", "08"]
    sizes = {p.name[:2]: course._code_size(p) for p in SOLUTIONS if p.name[:2] in only}
    timings = course.run_all(tmp_path, only=only, jobs=1)
    assert started == sorted(only, key=sizes.__getitem__, reverse=True)  # most code first
    assert [name[:2] for name, _ in timings] == only  # results still in course order
    assert [seconds for _, seconds in timings] == [0.0, 3.0, 8.0]
    printed = capsys.readouterr().out.splitlines()
    assert [line[:2] for line in printed] == started  # each reported as it finishes


def test_run_all_gives_each_run_an_absolute_folder(tmp_path, monkeypatch):
    # papermill changes the process's working folder while a notebook runs: a relative
    # --out (make course's build/course) broke the runs beside it (FileNotFoundError)
    targets = []
    monkeypatch.setattr(course, "_run_and_export",
                        lambda nb, target, parameters: targets.append(target) or 0.0)
    monkeypatch.chdir(tmp_path)
    course.run_all(Path("build") / "course", only=["00", "01"], jobs=2)
    assert targets and all(t.is_absolute() and t == tmp_path / "build" / "course" / "solutions"
                           for t in targets)
