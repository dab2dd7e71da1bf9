"""Output worth reading: no solution notebook cell ends by echoing a bare table.

A DataFrame or Series left as a cell's last expression is shown by pandas as it is: no
thousands separators, no %, no ¥, a meaningless row index. Tables go through
``helpers.display.show`` (or a helper that formats, e.g. ``display_table``). The rule is a
simple one on the cell's syntax tree: a last statement that is a bare name, attribute,
subscript or method call (``x.round(3)``, ``pd.crosstab(...)``) is flagged, unless the method
is one that displays (``show``, ``display``, ``plot*``, ``explore_*``). Plain function calls
(``check(...)``, ``rates_table(...)``, ``explore_rfm(...)``) are the course's own helpers and
pass.
"""

from __future__ import annotations

import ast
import json

from helpers.paths import SOLUTIONS_DIR

#: Methods whose result is meant to be shown as it is (plots, widgets, formatted tables).
DISPLAYING = frozenset({"show", "display", "display_table"})
DISPLAYING_PREFIXES = ("plot", "explore_", "style_")

#: (notebook stem, cell id) -> why the cell may end with a bare expression.
ALLOWED = {
    ("00-welcome", "a201ad92"):
        "the installation check: a short problems/checks table whose raw look is intended",
    ("01-collecting-customer-information", "771b6513"):
        "shows the pseudonymised customer_id column as the function returns it",
}



def _displays(call: ast.Call) -> bool:
    name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
    return name in DISPLAYING or name.startswith(DISPLAYING_PREFIXES)


def echoes_bare_table(expr: ast.expr) -> bool:
    """Whether a cell's last expression would be echoed by pandas unformatted.

    Examples
    --------
    >>> flagged = lambda src: echoes_bare_table(ast.parse(src).body[-1].value)
    >>> flagged("summary"), flagged("pd.Series(coverage).round(3)"), flagged("df[['a']]")
    (True, True, True)
    >>> flagged("show(df.round(3), rows=None)"), flagged("plt.show()"), flagged("check('05.1', a)")
    (False, False, False)
    >>> flagged("None if mix is None else show(mix)"), flagged("mix if mix is None else mix.T")
    (False, True)
    """
    if isinstance(expr, ast.IfExp):
        return echoes_bare_table(expr.body) or echoes_bare_table(expr.orelse)
    if isinstance(expr, ast.Name | ast.Attribute | ast.Subscript):
        return True
    if isinstance(expr, ast.Call):
        return isinstance(expr.func, ast.Attribute) and not _displays(expr)
    return False


def _code_cells():
    for path in sorted(SOLUTIONS_DIR.glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "code":
                yield path.stem, cell["id"], "".join(cell["source"])


def _ends_bare(source: str) -> bool:
    body = ast.parse(source).body
    return bool(body) and isinstance(body[-1], ast.Expr) and echoes_bare_table(body[-1].value)


def test_the_rule_catches_what_it_is_meant_to_catch():
    assert _ends_bare("x = 1\nscored_calls.head()")
    assert _ends_bare("loss")
    assert not _ends_bare("loss = f()\ndisplay_table(show(loss, rows=None))")
    assert not _ends_bare("show(loss)\n")  # show() formats
    assert not _ends_bare("for x in y:\n    x.round(3)")  # not echoed: not the last expression
    assert not _ends_bare("")


def test_no_solution_cell_ends_with_a_bare_table():
    flagged = {(stem, cid) for stem, cid, source in _code_cells() if _ends_bare(source)}
    unexpected = sorted(flagged - ALLOWED.keys())
    assert not unexpected, (
        f"these cells end with a bare DataFrame/Series (shown unformatted): {unexpected}; "
        "wrap the table in show(...) from helpers.display (rows=None for a summary table), or "
        "add the cell to ALLOWED with a reason")


def test_the_allowed_cells_exist_and_still_need_it():
    listed = ALLOWED
    flagged = {(stem, cid) for stem, cid, source in _code_cells() if _ends_bare(source)}
    stale = sorted(listed.keys() - flagged)
    assert not stale, f"no longer needed (cell gone or converted): remove {stale} from the list"
    assert all(reason.strip() for reason in listed.values())
