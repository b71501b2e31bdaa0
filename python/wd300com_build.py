"""The setuptools commands of the wd300com build (named in pyproject.toml,
[tool.setuptools.cmdclass]).

* build_py builds libwd300com with cargo (release profile) and copies it into the package,
  so a wheel always carries the library. WD300COM_LIBRARY=/path/to/libwd300com.so bundles
  that file instead, without cargo. Without cargo and without WD300COM_LIBRARY the build
  fails with a message saying so: a package without its library is never made.
  Editable installs (pip install -e) build the library in the checkout and copy nothing:
  the package then loads target/release (see wd300com/_lib.py).
* bdist_wheel tags the wheel py3-none-<platform>: any Python 3 (the package is pure
  Python over ctypes), but only the platform the library was built for.
* sdist adds the Rust sources under rust/ (Cargo.toml, Cargo.lock, build.rs,
  cbindgen.toml, include/, src/), so a wheel can be built from the sdist alone.

The Rust sources are rust/ next to this file (in an sdist), else the repository root
(the parent directory, in a checkout).
"""

from __future__ import annotations

import json
import os
import runpy
import shutil
import subprocess
import sys
from typing import List, Optional, Tuple

from setuptools.command.bdist_wheel import bdist_wheel, get_platform
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

HERE = os.path.dirname(os.path.abspath(__file__))
LIBRARY_ENV = "WD300COM_LIBRARY"

# What cargo needs to build the library; copied into the sdist under rust/.
RUST_FILES = ("Cargo.toml", "Cargo.lock", "build.rs", "cbindgen.toml")
RUST_DIRS = ("src", "include")
LICENSE_PREFIX = "LICENSE"


def library_file() -> str:
    """The file name of the library on this platform (from wd300com/_platform.py, read
    alone: the package itself cannot be imported before the library exists)."""
    return str(runpy.run_path(os.path.join(HERE, "wd300com", "_platform.py"))["LIBRARY_FILE"])


def crate_dir() -> Optional[str]:
    """The directory holding Cargo.toml: rust/ in an sdist, the parent in a checkout."""
    for path in (os.path.join(HERE, "rust"), os.path.dirname(HERE)):
        if os.path.isfile(os.path.join(path, "Cargo.toml")) and os.path.isdir(
            os.path.join(path, "src")
        ):
            return path
    return None


def find_cargo() -> Optional[str]:
    """$CARGO, else cargo on PATH."""
    return os.environ.get("CARGO") or shutil.which("cargo")


class BuildError(SystemExit):
    """Stops the build with a message (setuptools prints it and exits non-zero)."""

    def __init__(self, message: str) -> None:
        super().__init__("wd300com: " + message)


def cargo_build(crate: str) -> str:
    """Runs `cargo build --release --lib` in `crate`; returns the path of the library."""
    cargo = find_cargo()
    if cargo is None:
        raise BuildError(
            "cannot build the library: cargo (the Rust toolchain, 1.95 or later) is not "
            "installed or not on PATH. Install Rust (rustup or your distribution's "
            "packages) and retry, or set %s=/path/to/%s to bundle a library built "
            "elsewhere." % (LIBRARY_ENV, library_file())
        )
    command = [
        cargo,
        "build",
        "--release",
        "--lib",
        "--manifest-path",
        os.path.join(crate, "Cargo.toml"),
        "--message-format=json-render-diagnostics",
    ]
    print("wd300com: building the library: %s" % " ".join(command), flush=True)
    # cargo's progress and diagnostics go to stderr (shown as they come); stdout is the
    # JSON stream naming the artefacts.
    try:
        proc = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=False)
    except OSError as e:
        raise BuildError("cannot run %s: %s" % (cargo, e)) from None
    if proc.returncode != 0:
        raise BuildError("cargo build failed (exit code %d): see above" % proc.returncode)
    name = library_file()
    for line in proc.stdout.splitlines():
        try:
            msg = json.loads(line)
        except ValueError:
            continue
        target = msg.get("target") or {}
        if msg.get("reason") != "compiler-artifact" or target.get("name") != "wd300com":
            continue
        if "cdylib" not in target.get("kind", []):
            continue
        for path in msg.get("filenames", []):
            if os.path.basename(path) == name:
                return str(path)
    raise BuildError("cargo build succeeded but named no %s among its artefacts" % name)


def strip_debug_info(path: str) -> None:
    """Drops the debug sections of the copy in the package (the release profile keeps
    line tables, 4x the size); the exported symbols stay. Skipped without `strip`."""
    strip = shutil.which("strip")
    if sys.platform.startswith("linux") and strip:
        subprocess.run([strip, "--strip-debug", path], check=True)


def library_source() -> Tuple[str, bool]:
    """(path of the library to bundle, built here by cargo)."""
    env = os.environ.get(LIBRARY_ENV)
    if env:
        if not os.path.isfile(env):
            raise BuildError("%s=%s: no such file" % (LIBRARY_ENV, env))
        return env, False
    crate = crate_dir()
    if crate is None:
        raise BuildError(
            "no Rust sources found (neither %s nor %s holds Cargo.toml and src/): build "
            "from a checkout of the repository or from the sdist, or set %s"
            % (os.path.join(HERE, "rust"), os.path.dirname(HERE), LIBRARY_ENV)
        )
    return cargo_build(crate), True


class BuildPy(build_py):
    """build_py that puts the library in the package (see the module's docstring)."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            if not os.environ.get(LIBRARY_ENV):
                library_source()  # builds target/release, which the loader finds
            return
        lib, built = library_source()
        dest = os.path.join(self.build_lib, "wd300com", library_file())
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        shutil.copyfile(lib, dest)
        os.chmod(dest, 0o755)
        strip_debug_info(dest)
        print(
            "wd300com: bundled %s (%s)" % (lib, "built by cargo" if built else LIBRARY_ENV),
            flush=True,
        )

    def get_outputs(self, include_bytecode: bool = True) -> List[str]:
        outputs: List[str] = list(super().get_outputs(include_bytecode))
        if not self.editable_mode:
            outputs.append(os.path.join(self.build_lib, "wd300com", library_file()))
        return outputs


class BdistWheel(bdist_wheel):
    """A platform wheel for any Python 3: py3-none-<platform>. The files stay at the root
    of the wheel (Root-Is-Purelib: the package is pure Python over ctypes, installed in
    site-packages like any other), but the tag binds it to the platform of the library."""

    plat_name_supplied: bool
    plat_name: Optional[str]
    bdist_dir: str

    def get_tag(self) -> Tuple[str, str, str]:
        if not self.plat_name_supplied:
            self.plat_name_supplied = True
            self.plat_name = get_platform(self.bdist_dir)
        _python, _abi, platform = super().get_tag()
        return "py3", "none", platform


class Sdist(sdist):
    """An sdist that can build the library: the Rust sources go under rust/ (copied from
    the checkout, or from rust/ for an sdist made from an sdist). This file itself is
    listed in MANIFEST.in."""

    def make_release_tree(self, base_dir: str, files: List[str]) -> None:
        super().make_release_tree(base_dir, files)
        dest = os.path.join(base_dir, "rust")
        if os.path.isdir(dest):
            return
        crate = crate_dir()
        if crate is None:
            raise BuildError("no Rust sources found to put in the sdist")
        os.makedirs(dest)
        for name in RUST_FILES:
            shutil.copy2(os.path.join(crate, name), os.path.join(dest, name))
        for name in RUST_DIRS:
            shutil.copytree(
                os.path.join(crate, name),
                os.path.join(dest, name),
                ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
            )
        for name in sorted(os.listdir(crate)):
            if name.startswith(LICENSE_PREFIX) and os.path.isfile(os.path.join(crate, name)):
                shutil.copy2(os.path.join(crate, name), os.path.join(dest, name))
        print("wd300com: Rust sources of %s added under rust/" % crate, flush=True)
