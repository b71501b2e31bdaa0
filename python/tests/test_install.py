"""The build hook of setup.py bundles the built library into the package."""

import os
import subprocess
import sys

import pytest

import wd300com
from wd300com import _lib

from conftest import PYTHON_DIR


def build_py(dest, **env):
    e = dict(os.environ)
    e.update(env)
    return subprocess.run(
        [sys.executable, "setup.py", "-q", "build_py", "--build-lib", str(dest)],
        cwd=PYTHON_DIR, env=e, capture_output=True, text=True,
    )


def test_build_bundles_the_library(tmp_path):
    pytest.importorskip("setuptools")
    lib = os.path.realpath(wd300com.library_path)
    r = build_py(tmp_path, WD300COM_LIBRARY=lib)
    assert r.returncode == 0, r.stdout + r.stderr
    pkg = tmp_path / "wd300com"
    assert (pkg / _lib.LIBRARY_FILE).read_bytes() == open(lib, "rb").read()
    for module in ("__init__", "_lib", "_bindings", "_flat", "_core", "message", "session"):
        assert (pkg / ("%s.py" % module)).is_file()
    # The bundled copy is what an installed package loads (no env, outside the checkout).
    code = "import sys; sys.path.insert(0, %r); import wd300com; print(wd300com.library_path)" % str(tmp_path)
    env = {k: v for k, v in os.environ.items() if k != _lib.ENV_VAR}
    out = subprocess.run([sys.executable, "-c", code], cwd=str(tmp_path), env=env,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == str(pkg / _lib.LIBRARY_FILE)


def test_build_with_missing_library_env_fails(tmp_path):
    pytest.importorskip("setuptools")
    r = build_py(tmp_path, WD300COM_LIBRARY="/nonexistent/libwd300com.so")
    assert r.returncode != 0
    assert "no such file" in r.stdout + r.stderr
