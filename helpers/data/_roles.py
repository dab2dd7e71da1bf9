"""Views by role ("graded access", 分级授权): who may see what, from ``access_levels.yaml``.

Built on the masks and pseudonyms of :mod:`helpers.data.privacy`. What a role may see ``clear``
is still shown masked unless ``reveal_personal=True``: a notebook that displays a role's view
prints no phone number unless its user is entitled to see it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd
from pydantic import Field, model_validator

from helpers.config import ConfigModel, read_config
from helpers.data.privacy import (
    content_columns,
    mask_series,
    mask_text_series,
    personal_columns_of,
    pseudonymise_frame,
)
from helpers.errors import DataProblem, did_you_mean
from helpers.i18n import tr

if TYPE_CHECKING:
    import ipywidgets

__all__ = ["AccessLevels", "Role", "explore_roles", "load_access_levels", "view_for_role"]

Level = Literal["clear", "masked", "hidden"]


class PersonalAccess(ConfigModel):
    """How a role sees each kind of personal data (the kinds of :data:`MASKERS`)."""

    name: Level = "masked"
    phone: Level = "masked"
    email: Level = "masked"
    id_number: Level = "masked"
    address: Level = "masked"


class Role(ConfigModel):
    """One role of ``access_levels.yaml``.

    ``personal`` says, per kind of personal data, whether the role sees it ``clear``,
    ``masked`` (the default) or not at all (``hidden``); ``hidden`` lists columns dropped and
    ``pseudonymise`` ID columns replaced by keyed pseudonyms.
    """

    description: str = ""
    personal: PersonalAccess = Field(default_factory=PersonalAccess)
    hidden: list[str] = Field(default_factory=list)
    pseudonymise: list[str] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _empty_is_default(cls, value: Any) -> Any:
        """``personal:`` or ``hidden:`` left empty in the file means the default."""
        if isinstance(value, dict):
            return {k: v for k, v in value.items() if v is not None}
        return value

    def level(self, kind: str) -> Level:
        """``clear``, ``masked`` or ``hidden`` for a kind of personal data."""
        level: Level = getattr(self.personal, kind)
        return level


class AccessLevels(ConfigModel):
    """``helpers/config/access_levels.yaml``: who may see what ("graded access", 分级授权)."""

    file = "access_levels.yaml"

    roles: dict[str, Role] = Field(min_length=1)

    def role(self, name: str) -> Role:
        """The role called ``name``.

        Raises
        ------
        DataProblem
            For a role the file does not define.
        """
        if name not in self.roles:
            raise DataProblem(f"unknown role {name!r}; the access levels define "
                              f"{sorted(self.roles)}{did_you_mean(name, list(self.roles))}")
        return self.roles[name]


def load_access_levels(path: str | Path | None = None) -> AccessLevels:
    """Read and validate ``helpers/config/access_levels.yaml`` (or the file given).

    Each role has ``description``, ``personal`` (kind of personal data -> ``clear``, ``masked``
    or ``hidden``), optional ``hidden`` (columns dropped) and ``pseudonymise`` (ID columns replaced
    by pseudonyms).

    Parameters
    ----------
    path : str or Path, optional
        Another access-levels file.

    Returns
    -------
    AccessLevels
        ``roles``: role name -> :class:`Role`.

    Raises
    ------
    ConfigProblem
        Every problem at once, as ``file: roles.<role>.<key>: what is wrong``.

    Examples
    --------
    >>> load_access_levels().role("agent").level("phone")
    'clear'
    """
    return read_config(AccessLevels, path)


def view_for_role(df: pd.DataFrame, role: str, table: str | None = None,
                  config: str | Path | AccessLevels | None = None, key: str | bytes | None = None,
                  reveal_personal: bool = False, allow_demo_key: bool = False) -> pd.DataFrame:
    """What a role may see of a table: some columns dropped, personal data clear or masked.

    What a role sees ``clear`` is still shown masked unless ``reveal_personal=True``: a notebook
    showing the agent's view prints no phone number unless its user is entitled to see them.
    Other text columns of the view are masked by content as in :func:`mask_frame`.

    Parameters
    ----------
    df : DataFrame
        The table.
    role : str
        A role of ``helpers/config/access_levels.yaml`` (``agent``, ``team_lead``, ``analyst``,
        ``admin`` in the bundled file).
    table : str, optional
        Course table name (for the personal-data marks).
    config : str, Path or AccessLevels, optional
        Another access-levels file (or one already read).
    key : str or bytes, optional
        Key for roles that see pseudonyms (default: ``COURSE_PSEUDONYM_KEY``).
    reveal_personal : bool
        Show in clear what the role may see in clear (opt-in; default: masked as well).
    allow_demo_key : bool
        Accept the public demo key for the pseudonyms (bundled data only, see
        :func:`pseudonymise`).

    Returns
    -------
    DataFrame
        The role's view of ``df``.

    Raises
    ------
    DataProblem
        For an unknown role, or a pseudonymising role without a key (or with the demo key).
    """
    levels = config if isinstance(config, AccessLevels) else load_access_levels(config)
    spec = levels.role(role)
    kinds = personal_columns_of(df, table)
    drop = [c for c in spec.hidden if c in df.columns]
    drop += [c for c, k in kinds.items() if spec.level(k) == "hidden" and c not in drop]
    out = df.drop(columns=drop)
    for col, kind in kinds.items():
        if col in out.columns and (spec.level(kind) == "masked" or not reveal_personal):
            out[col] = mask_series(out[col], kind)
    if not reveal_personal:
        for col in content_columns(out, table, kinds):
            out[col] = mask_text_series(out[col])
    pseudo = [c for c in spec.pseudonymise if c in out.columns]
    if pseudo:
        out = pseudonymise_frame(out, pseudo, key=key, allow_demo_key=allow_demo_key)
    return out


def explore_roles(df: pd.DataFrame, table: str | None = None, rows: int = 5,
                  key: str | bytes | None = None, reveal_personal: bool = False,
                  allow_demo_key: bool = False) -> ipywidgets.Widget:
    """Widget: switch between the roles of ``access_levels.yaml`` and see what each one sees.

    Parameters
    ----------
    df : DataFrame
        The table (its first ``rows`` rows are shown).
    table : str, optional
        Course table name (for the personal-data marks).
    rows : int
        Rows shown.
    key : str or bytes, optional
        Pseudonym key for the roles that see pseudonyms.
    reveal_personal : bool
        Show in clear what each role may see in clear (opt-in; default: masked as well, the
        columns each role gets are the same).
    allow_demo_key : bool
        Accept the public demo key (bundled data only).

    Returns
    -------
    ipywidgets.Widget
    """
    # deferred: ipywidgets is only needed for the widget (run_checks reports it when missing)
    import ipywidgets as w
    from IPython.display import display

    levels = load_access_levels()
    pick = w.ToggleButtons(options=[(tr(r), r) for r in levels.roles], description=tr("Role"))
    note = w.HTML()
    out = w.Output()
    head = df.head(rows)

    def redraw(*_: Any) -> None:
        note.value = f"<i>{tr(levels.role(pick.value).description)}</i>"
        with out:
            out.clear_output(wait=True)
            display(view_for_role(head, pick.value, table=table, config=levels, key=key,
                                  reveal_personal=reveal_personal,
                                  allow_demo_key=allow_demo_key))

    pick.observe(redraw, names="value")
    redraw()
    return w.VBox([pick, note, out])
