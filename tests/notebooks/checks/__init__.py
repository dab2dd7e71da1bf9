"""What each notebook's run must show: one module per notebook, used by ``test_notebooks.py``.

Every module computes the expected numbers independently (plain pandas, DuckDB, a peer
package, published figures, the generator's planted truth) and asserts on ``run.results``,
the values the notebook kept with ``keep(...)``. A module's functions:

- ``bundled(run, folder)``: the run on the bundled data;
- ``other_seed(run, folder)``: the run on a dataset generated with another seed;
- ``trainee(run)``: the trainee copy, run with its exercises unanswered;
- further checks (real datasets, other parameters) take ``(execute, request)`` and are listed
  in the harness's ``MORE`` table.
"""
