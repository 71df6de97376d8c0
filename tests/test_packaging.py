"""The project's install files agree with each other, and ``import cnnlab`` stays light.

* pyproject.toml's ``[project].dependencies`` and environment.yml (Binder) name the same
  packages, every environment.yml pin satisfies pyproject's range and says why it is there.
* ``import cnnlab`` in a fresh interpreter imports none of TensorFlow, Keras, matplotlib,
  ipywidgets or scikit-image. How long it takes is a measurement, not a property, so it is
  printed by ``benchmarks/bench_import.py`` (``make benchmarks``) instead of asserted here.
* ``.ci/run`` runs ``make test``, and the README shows that same command.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
import tomllib
import yaml
from _jupyter import ROOT
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
ENVIRONMENT = ROOT / "environment.yml"
# Not dependencies of cnnlab: the interpreter (checked against requires-python instead) and
# the installer conda uses for the pip section.
NOT_DEPENDENCIES = {"python", "pip"}
HEAVY_MODULES = ("tensorflow", "keras", "matplotlib", "ipywidgets", "skimage")
PIN_LINE = re.compile(
    r"^\s*-\s+(?P<name>[A-Za-z0-9_.\-]+)\s*(?P<op>==|=)\s*(?P<version>[^\s#]+)"
    r"\s*(?:#\s*(?P<reason>.*\S))?\s*$"
)


def environment_pins() -> dict[str, dict]:
    """environment.yml's pins: canonical name -> {version, reason, section, line}."""
    pins = {}
    for line in ENVIRONMENT.read_text().splitlines():
        match = PIN_LINE.match(line)
        if not match:
            continue
        section = "pip" if match["op"] == "==" else "conda"
        pins[canonicalize_name(match["name"])] = {
            "version": match["version"],
            "reason": match["reason"],
            "section": section,
            "line": line.strip(),
        }
    return pins


# environment.yml describes Binder's environment: Linux on x86_64 with the pinned Python.
BINDER_MARKERS = {
    "sys_platform": "linux",
    "platform_system": "Linux",
    "platform_machine": "x86_64",
    "os_name": "posix",
    "implementation_name": "cpython",
    "platform_python_implementation": "CPython",
}


def pyproject_requirements() -> dict[str, Requirement]:
    """pyproject's dependencies that apply on Binder (environment markers evaluated there)."""
    python = environment_pins()["python"]["version"]
    markers = dict(BINDER_MARKERS, python_version=python, python_full_version=f"{python}.0")
    reqs = [Requirement(r) for r in PYPROJECT["project"]["dependencies"]]
    return {
        canonicalize_name(r.name): r
        for r in reqs
        if r.marker is None or r.marker.evaluate(environment=markers)
    }


def _yaml_dependency_names() -> set[str]:
    deps = yaml.safe_load(ENVIRONMENT.read_text())["dependencies"]
    names = set()
    for dep in deps:
        items = dep["pip"] if isinstance(dep, dict) else [dep]
        for item in items:
            names.add(canonicalize_name(re.split(r"[=<>!~ ]", item, maxsplit=1)[0]))
    return names


def test_every_environment_line_is_a_parsed_pin():
    """The line parser below sees exactly the dependencies YAML sees (guards the regex)."""
    assert set(environment_pins()) == _yaml_dependency_names()


def test_environment_and_pyproject_name_the_same_packages():
    pinned = set(environment_pins()) - NOT_DEPENDENCIES
    required = set(pyproject_requirements())
    assert sorted(pinned - required) == [], "in environment.yml but not in pyproject.toml"
    assert sorted(required - pinned) == [], "in pyproject.toml but not in environment.yml"


def _pinned_version(pin: dict) -> Version:
    # conda's "=1.2.3" means 1.2.3.*; "25.*" is a wildcard: test the lowest version it allows.
    return Version(pin["version"].replace(".*", ".0").rstrip("*").rstrip("."))


def test_every_pin_satisfies_pyproject_range():
    requirements = pyproject_requirements()
    outside = []
    for name, pin in environment_pins().items():
        if name in NOT_DEPENDENCIES or name not in requirements:
            continue  # names missing from pyproject are reported by the test above
        spec = requirements[name].specifier
        if not spec.contains(_pinned_version(pin), prereleases=True):
            outside.append(f"{pin['line']!r} is outside pyproject's {name}{spec}")
    assert outside == []


def test_python_pin_satisfies_requires_python():
    pin = environment_pins()["python"]
    assert SpecifierSet(PYPROJECT["project"]["requires-python"]).contains(_pinned_version(pin))


def test_every_pin_has_a_reason():
    missing = [pin["line"] for pin in environment_pins().values() if not pin["reason"]]
    assert missing == [], "each environment.yml pin needs a '# reason' comment"


def test_pin_checks_would_catch_a_bad_pin(monkeypatch, tmp_path):
    """The checks above fail on an environment.yml with an out-of-range, unexplained pin."""
    bad = ENVIRONMENT.read_text()
    bad = re.sub(r"(?m)^(\s*- numpy=)\S+.*$", r"\g<1>1.20.0", bad)
    bad = bad.replace("  - pip:\n", "  - extra-package=1.0  # not in pyproject\n  - pip:\n")
    path = tmp_path / "environment.yml"
    path.write_text(bad)
    monkeypatch.setattr(sys.modules[__name__], "ENVIRONMENT", path)
    with pytest.raises(AssertionError, match="numpy"):
        test_every_pin_satisfies_pyproject_range()
    with pytest.raises(AssertionError, match="numpy"):
        test_every_pin_has_a_reason()
    with pytest.raises(AssertionError, match="extra-package"):
        test_environment_and_pyproject_name_the_same_packages()


IMPORT_PROBE = """
import json, sys
import cnnlab
heavy = sorted({name.split(".")[0] for name in sys.modules} & set(sys.argv[1:]))
print(json.dumps({"heavy": heavy, "file": cnnlab.__file__}))
"""


def _import_cnnlab(cwd, heavy=HEAVY_MODULES) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", IMPORT_PROBE, *heavy],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_import_cnnlab_is_light(tmp_path):
    run = _import_cnnlab(tmp_path)
    assert run["file"] == str(ROOT / "cnnlab" / "__init__.py")
    assert run["heavy"] == [], f"import cnnlab imported {run['heavy']}"


def test_import_probe_sees_heavy_modules(tmp_path):
    """The probe above would notice a heavy import: NumPy, which cnnlab does import, shows up."""
    assert _import_cnnlab(tmp_path, heavy=("numpy", "tensorflow"))["heavy"] == ["numpy"]


def _ci_test_command() -> str:
    lines = (ROOT / ".ci" / "run").read_text().splitlines()
    commands = [line.strip() for line in lines if re.match(r"^\s*make\b", line)]
    assert commands, ".ci/run runs no make target"
    return commands[-1]


def test_ci_runs_make_test():
    assert _ci_test_command() == "make test"


def _fenced_commands(markdown: str) -> list[str]:
    commands = []
    for block in re.findall(r"^```[^\n]*\n(.*?)^```", markdown, re.M | re.S):
        for line in block.splitlines():
            line = re.sub(r"^\s*\$\s*", "", line).split(" #")[0].strip()
            if line:
                commands.append(line)
    return commands


def test_readme_shows_the_command_ci_runs():
    readme = ROOT / "README.md"
    assert readme.exists(), "README.md is missing"
    assert _ci_test_command() in _fenced_commands(readme.read_text())


def test_fenced_commands_are_read_from_code_blocks_only():
    text = "Run make test.\n\n```bash\n$ make lab   # opens JupyterLab\nmake test\n```\n"
    assert _fenced_commands(text) == ["make lab", "make test"]
    assert _fenced_commands("make test\n") == []
