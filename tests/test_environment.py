"""The install paths agree: environment.yml (conda) installs exactly requirements.txt's pins."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from helpers.paths import PROJECT_DIR

PIN = re.compile(r"^([A-Za-z0-9_.\-\[\]]+)==([^\s#]+)")


def _pins(lines: list[str]) -> dict[str, str]:
    pins = {}
    for line in lines:
        match = PIN.match(line.strip())
        if match:
            pins[match.group(1).lower()] = match.group(2)
    return pins


def _requirement_lines(path: Path) -> list[str]:
    return [line for line in path.read_text().splitlines()
            if line.strip() and not line.startswith("#")]


def test_environment_yml_installs_the_same_pins_as_requirements_txt():
    env = yaml.safe_load((PROJECT_DIR / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    requirements = _pins(_requirement_lines(PROJECT_DIR / "requirements.txt"))
    assert requirements, "requirements.txt lists no pinned package"
    assert _pins(pip_section) == requirements


def test_every_requirement_is_pinned_and_says_which_lessons_need_it():
    for name in ("requirements.txt", "requirements-test.txt"):
        for line in _requirement_lines(PROJECT_DIR / name):
            assert PIN.match(line), f"{name}: {line!r} is not pinned with =="
            assert "#" in line and line.split("#", 1)[1].strip(), f"{name}: {line!r} has no reason"


def test_environment_yml_uses_python_311_and_installs_the_package():
    env = yaml.safe_load((PROJECT_DIR / "environment.yml").read_text())
    assert "python=3.11" in env["dependencies"]
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip_section


def test_ci_runs_exactly_the_readme_test_command():
    ci = (PROJECT_DIR / ".ci" / "run").read_text()
    readme = (PROJECT_DIR / "README.md").read_text()
    assert "make test" in ci.splitlines()[-1]
    assert "make test" in readme and "make lab" in readme
