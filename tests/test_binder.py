"""Binder can build the repository, and the set-up it performs makes ``import cnnlab`` work.

What is proven here, and what is not:

* ``jupyter-repo2docker --no-build .`` (no Docker engine needed: it only writes the
  Dockerfile, and the test points DOCKER_HOST at a socket that does not exist to show it)
  picks the conda buildpack for ``environment.yml`` with its Python pin, copies the file in,
  creates the environment from it, and runs ``postBuild``. The image is not built and conda
  does not solve the environment here (no Docker, no conda channel); the pins are checked
  against pyproject.toml by test_packaging.py.
* ``postBuild`` itself runs in a fresh virtual environment that has cnnlab's dependencies
  (the project venv's packages, minus cnnlab) but not cnnlab: before it ``import cnnlab``
  fails, after it ``import cnnlab`` works from another folder and finds this repository's
  package. That is the step Binder runs after creating the environment.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from _jupyter import BIN, ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def dockerfile() -> str:
    env = dict(os.environ, DOCKER_HOST="unix:///nonexistent/docker.sock")
    result = subprocess.run(
        [str(BIN / "jupyter-repo2docker"), "--no-build", "--debug", "."],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return result.stdout + result.stderr


def test_repo2docker_uses_environment_yml(dockerfile):
    assert "Building conda environment for python=3.11" in dockerfile
    assert "COPY --chown=0:0 src/environment.yml ${REPO_DIR}/environment.yml" in dockerfile
    assert 'env update -p ${NB_PYTHON_PREFIX} --file "environment.yml"' in dockerfile


def test_repo2docker_runs_postbuild_after_the_environment(dockerfile):
    assert "RUN ./postBuild" in dockerfile
    assert dockerfile.index("RUN ./postBuild") > dockerfile.index('--file "environment.yml"')


def test_postbuild_is_executable_and_installs_cnnlab():
    postbuild = ROOT / "postBuild"
    assert os.access(postbuild, os.X_OK)
    commands = [
        line.strip()
        for line in postbuild.read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#") and not line.startswith("set ")
    ]
    assert any("pip install" in c and " ." in c + " " for c in commands), commands


def _dependency_only_site(target: Path) -> Path:
    """A folder of links to the project venv's packages, leaving out cnnlab itself."""
    site = Path(sysconfig.get_paths()["purelib"])
    target.mkdir()
    for entry in site.iterdir():
        name = entry.name.lower()
        if "cnnlab" in name or name.endswith(".pth") or name == "__pycache__":
            continue
        (target / entry.name).symlink_to(entry)
    return target


def _run(args, *, cwd, env, check=True):
    return subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=check
    )


def test_postbuild_makes_import_cnnlab_work(tmp_path):
    venv = tmp_path / "binder-env"
    _run([sys.executable, "-m", "venv", str(venv)], cwd=tmp_path, env=os.environ)
    python = venv / "bin" / "python"
    site = Path(
        _run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            cwd=tmp_path,
            env=os.environ,
        ).stdout.strip()
    )
    deps = _dependency_only_site(tmp_path / "deps")
    (site / "zz-cnnlab-binder-deps.pth").write_text(f"{deps}\n")

    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(venv)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    probe = "import cnnlab, numpy; print(cnnlab.__file__)"

    before = _run([str(python), "-c", probe], cwd=elsewhere, env=env, check=False)
    assert before.returncode != 0 and "No module named 'cnnlab'" in before.stderr, before

    # Binder runs the repository's postBuild from the repository folder with `python` on PATH
    # being the environment's interpreter. Work on a copy so no build files land in the repo.
    repo = tmp_path / "repo"
    shutil.copytree(
        ROOT,
        repo,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "*.egg-info", "__pycache__", ".*_cache", "test-artifacts"
        ),
    )
    built = _run(["bash", str(repo / "postBuild")], cwd=repo, env=env, check=False)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]

    after = _run([str(python), "-c", probe], cwd=elsewhere, env=env, check=False)
    assert after.returncode == 0, after.stderr[-2000:]
    assert Path(after.stdout.strip()) == repo / "cnnlab" / "__init__.py"
