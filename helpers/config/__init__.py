"""Configuration an instructor or analyst edits: YAML files, read and validated in one place.

Every YAML file the course reads (classification standard, segment maps, playbooks, scripts,
thresholds, column mappings, collection stages …) is declared once as a typed schema, a subclass
of :class:`ConfigModel` that lives beside the code using it, and read through
:func:`read_config`. The bundled files sit in this folder; a caller may pass its own file instead.

Every problem in a file is reported at once, each as ``file: key.path: what is wrong``, with a
suggestion when a key or value is close to an allowed one:

>>> from typing import Literal
>>> class Stage(ConfigModel):
...     name: str
...     max_days: int | None = None
>>> class Stages(ConfigModel):
...     stages: list[Stage]
...     charge_off_stage: str
...     mode: Literal["days", "months"] = "days"
>>> validate_config(Stages, {"stages": [{"name": "M1", "max_dayz": 30}],
...                          "charge_off_stage": "M3+", "mode": "day"}, "my_stages.yaml")
Traceback (most recent call last):
...
helpers.errors.ConfigProblem: my_stages.yaml has 2 problem(s):
- my_stages.yaml: stages.0.max_dayz: unknown key 'max_dayz' (did you mean 'max_days'?)
- my_stages.yaml: mode: Input should be 'days' or 'months' (did you mean 'days'?)

Only this module imports :mod:`yaml`. Semantic checks a schema cannot express (rule overlaps and
gaps, template placeholders that name no field) are written once each, as pydantic validators
of the schema they belong to, so they are reported the same way.
"""

import difflib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar, TypeVar, get_args

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from helpers.errors import ConfigProblem

__all__ = [
    "CONFIG_DIR",
    "ConfigModel",
    "config_path",
    "read_config",
    "read_yaml",
    "validate_config",
]

#: The folder of the bundled configuration files (this package's folder).
CONFIG_DIR = Path(__file__).resolve().parent

M = TypeVar("M", bound="ConfigModel")


class ConfigModel(BaseModel):
    """Base of every configuration schema: unknown keys are errors, values are read-only.

    A schema for a bundled file names it in ``file`` (e.g. ``"collection_stages.yaml"``), so
    ``read_config(Schema)`` reads the bundled file and ``read_config(Schema, path)`` the user's.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    file: ClassVar[str | None] = None


def config_path(name: str | None, path: str | Path | None = None) -> Path:
    """The file to read: ``path`` when given, else the bundled file ``name``.

    Raises
    ------
    ConfigProblem
        If the file does not exist.
    """
    if path in (None, "") and not name:
        raise ConfigProblem("no configuration file given and the schema names no bundled file.")
    chosen = CONFIG_DIR / str(name) if path in (None, "") else Path(str(path)).expanduser()
    if not chosen.is_file():
        raise ConfigProblem(f"configuration file {chosen} does not exist; check the path (the "
                            f"bundled files are in {CONFIG_DIR}).", file=str(chosen))
    return chosen


def read_yaml(path: str | Path) -> Any:
    """Parse one YAML file (UTF-8, with or without BOM); the package's only YAML reader.

    Raises
    ------
    ConfigProblem
        If the file is missing or is not valid YAML (the message names the line).
    """
    file = Path(path)
    try:
        return yaml.safe_load(file.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise ConfigProblem(f"{file}: file not found; check the path.", file=str(file)) from None
    except UnicodeDecodeError:
        raise ConfigProblem(f"{file}: not UTF-8 text; save the file as UTF-8.",
                            file=str(file)) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ConfigProblem(f"{file}: not valid YAML{where} ({getattr(exc, 'problem', exc)}). "
                            "Fix the indentation or quoting there.", file=str(file)) from None


def read_config(schema: type[M], path: str | Path | None = None,
                context: Mapping[str, Any] | None = None) -> M:
    """Read a YAML configuration file and validate it against ``schema``.

    Parameters
    ----------
    schema : type of ConfigModel
        The schema; its ``file`` names the bundled default.
    path : str or Path, optional
        The user's own file; default: the bundled ``schema.file``.
    context : mapping, optional
        Handed to the schema's validators (e.g. the stages a playbook must cover).

    Returns
    -------
    ConfigModel
        The validated, typed configuration.

    Raises
    ------
    ConfigProblem
        Listing every problem at once, as ``file: key.path: what is wrong``.
    """
    file = config_path(schema.file, path)
    raw = read_yaml(file)
    return validate_config(schema, {} if raw is None else raw, str(file), context)


def validate_config(schema: type[M], raw: Any, source: str = "configuration",
                    context: Mapping[str, Any] | None = None) -> M:
    """Validate a dict (already read, or built in code) against ``schema``.

    ``context`` is handed to the schema's validators (e.g. the table a mapping is loaded as).

    Raises
    ------
    ConfigProblem
        Listing every problem at once, as ``source: key.path: what is wrong``.
    """
    if isinstance(raw, schema):
        return raw
    if not isinstance(raw, Mapping):
        raise ConfigProblem(f"{source}: expected keys and values at the top level, found "
                            f"{type(raw).__name__}.", file=source)
    try:
        return schema.model_validate(dict(raw), context=dict(context or {}))
    except ValidationError as exc:
        lines = [line for err in exc.errors() for line in _error_lines(err, source, schema)]
        raise ConfigProblem(f"{source} has {len(lines)} problem(s):\n"
                            + "\n".join(f"- {line}" for line in lines), file=source) from None


def _error_lines(err: Mapping[str, Any], source: str, schema: type[BaseModel]) -> list[str]:
    """One line per finding; a validator may put several in one message, a line each."""
    loc = [str(part) for part in err.get("loc", ())]
    where = f"{source}: {'.'.join(loc)}: " if loc else f"{source}: "
    if err.get("type") == "extra_forbidden":
        allowed = _field_names(_model_at(schema, loc[:-1]))
        return [f"{where}unknown key {loc[-1]!r}{_suggest(loc[-1], allowed)}"]
    message = str(err.get("msg", "invalid value"))
    if message.startswith("Value error, "):
        message = message[len("Value error, "):]
    expected = (err.get("ctx") or {}).get("expected")
    if err.get("type") == "literal_error" and expected:
        choices = [c.strip(" '\"") for c in str(expected).replace(" or ", ",").split(",")]
        hint = _suggest(err.get("input"), [c for c in choices if c], only_close=True)
        message += hint or f" (found {err.get('input')!r})"
    return [where + part for part in message.split("\n- ")]


def _suggest(word: Any, choices: list[str], only_close: bool = False) -> str:
    close = difflib.get_close_matches(str(word), choices, n=1, cutoff=0.6)
    if close:
        return f" (did you mean {close[0]!r}?)"
    return "" if only_close else f"; allowed keys: {', '.join(sorted(set(choices))[:20])}"


def _field_names(schema: type[BaseModel]) -> list[str]:
    return sorted(info.alias or name for name, info in schema.model_fields.items())


def _model_at(schema: type[BaseModel], loc: list[str]) -> type[BaseModel]:
    """The schema of the object at ``loc`` (list indexes and dict keys pass through)."""
    current = schema
    for part in loc:
        info = current.model_fields.get(part)
        if info is None:
            continue
        models = list(_models_in(info.annotation))
        if models:
            current = models[0]
    return current


def _models_in(annotation: Any) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for arg in get_args(annotation):
        yield from _models_in(arg)
