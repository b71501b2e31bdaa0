"""The library loader: WD300COM_LIBRARY, checkout search, a clear error."""

import os
import subprocess
import sys

import wd300com
from wd300com import _lib

from conftest import PYTHON_DIR


def run(code, **env):
    e = dict(os.environ)
    e.update(env)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=PYTHON_DIR, env=e, capture_output=True, text=True
    )


def test_loaded_library_is_from_this_checkout_or_env():
    path = os.path.realpath(wd300com.library_path)
    env = os.environ.get(_lib.ENV_VAR)
    if env:
        assert path == os.path.realpath(env)
    else:
        assert path.endswith(_lib.LIBRARY_FILE)
        assert os.path.isfile(path)


def test_env_variable_is_used():
    lib = os.path.realpath(wd300com.library_path)
    r = run("import wd300com; print(wd300com.library_path)", WD300COM_LIBRARY=lib)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == lib


def test_env_variable_to_missing_file_is_a_clear_error():
    r = run("import wd300com", WD300COM_LIBRARY="/nonexistent/libwd300com.so")
    assert r.returncode != 0
    assert "WD300COM_LIBRARY=/nonexistent/libwd300com.so" in r.stderr


def test_version_matches_package():
    assert wd300com.version() == wd300com.__version__
