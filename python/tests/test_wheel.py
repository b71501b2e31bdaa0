"""The package as users get it: the wheel built by python/build-wheel (the release library
bundled, platform-tagged, repaired into a manylinux wheel when auditwheel is installed),
installed into a fresh virtual environment and used from another directory; the build
failing clearly without cargo; and, from a copy of the checkout without target/,
`pip install ./python` and the sdist both compiling the library with cargo.

The fast wheel reuses the built release library (WD300COM_LIBRARY); the copies compile
the crate themselves, sharing only the compiled dependencies (CARGO_TARGET_DIR=target/).
"""

import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile

import pytest

from conftest import PYTHON_DIR, ROOT

LIBRARY = "libwd300com.so"
RELEASE_LIBRARY = os.path.join(ROOT, "target", "release", LIBRARY)
BUILD_WHEEL = os.path.join(PYTHON_DIR, "build-wheel")
VERSION = "0.1.0"
WHEEL_NAME = re.compile(
    r"^wd300com-%s-py3-none-(linux|manylinux_\d+_\d+)_x86_64\.whl$" % re.escape(VERSION)
)

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the wheel tests build Linux wheels"
)


def run(cmd, env=None, cwd=None, unset=()):
    e = dict(os.environ)
    e.update(env or {})
    for name in unset:
        e.pop(name, None)
    return subprocess.run(
        [str(c) for c in cmd], env=e, cwd=str(cwd) if cwd else None,
        capture_output=True, text=True,
    )


def output(r):
    return r.stdout + r.stderr


def has_auditwheel():
    return run([sys.executable, "-c", "import auditwheel"]).returncode == 0


def make_venv(path):
    r = run([sys.executable, "-m", "venv", path])
    assert r.returncode == 0, output(r)
    return os.path.join(path, "bin", "python")


def clean_env(env=None):
    """The environment of a user outside the checkout: no library override, no path to
    the checkout's package."""
    e = {k: v for k, v in os.environ.items() if k not in ("WD300COM_LIBRARY", "PYTHONPATH")}
    e.update(env or {})
    return e


CHECK = r"""
import os, sys
import wd300com as wd
assert "wd300com" not in os.listdir(os.getcwd()), "run from another directory"
assert wd.library_path.startswith(sys.prefix), wd.library_path
assert os.path.dirname(wd.library_path) == os.path.dirname(wd.__file__)
assert wd.version() == wd.__version__ == %r, (wd.version(), wd.__version__)
with wd.Message() as m:
    m.sender = "Zoë <a@wd.test>"
    m.to = ["b@wd.test"]
    m.subject = "wheel check é"
    m.add_attachment_data("a.bin", b"\x00\x01", None)
    source = m.build()
assert b"Subject: " in source and b"b@wd.test" in source, source[:200]
with wd.Message.from_source(source) as back:
    assert back.subject == "wheel check é" and back.attachments[0].content == b"\x00\x01"
try:
    wd.Message(12345).subject
except wd.InvalidHandleError as e:
    assert isinstance(e, wd.WdError)
print("wheel ok", wd.library_path)
""" % VERSION


def check_installed(python, cwd):
    """The installed package works from `cwd` (outside the checkout)."""
    r = subprocess.run([python, "-c", CHECK], cwd=str(cwd), env=clean_env(),
                       capture_output=True, text=True)
    assert r.returncode == 0, output(r)
    assert "wheel ok" in r.stdout
    return r.stdout


# -- the wheel of the release library


@pytest.fixture(scope="module")
def release_library():
    if not os.path.isfile(RELEASE_LIBRARY):
        r = run(["cargo", "build", "--release", "--lib"], cwd=ROOT)
        assert r.returncode == 0, output(r)
    return RELEASE_LIBRARY


@pytest.fixture(scope="module")
def wheel(tmp_path_factory, release_library):
    dest = tmp_path_factory.mktemp("wheel")
    r = run([BUILD_WHEEL, dest], env={"WD300COM_LIBRARY": release_library})
    assert r.returncode == 0, output(r)
    last = r.stdout.strip().splitlines()[-1]
    assert last.startswith("build-wheel: "), r.stdout
    path = last[len("build-wheel: "):]
    assert os.path.isfile(path)
    return path, output(r)


def test_wheel_is_platform_tagged_and_carries_the_library(wheel):
    path, _log = wheel
    name = os.path.basename(path)
    assert WHEEL_NAME.match(name), name
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        wheel_meta = z.read("wd300com-%s.dist-info/WHEEL" % VERSION).decode()
        metadata = z.read("wd300com-%s.dist-info/METADATA" % VERSION).decode()
        entry_points = z.read("wd300com-%s.dist-info/entry_points.txt" % VERSION).decode()
        library = z.read("wd300com/" + LIBRARY)
    for f in ("__init__.py", "__main__.py", "cli.py", "errors.py", "_fields.py",
              "_flat_api.py", "_flat_api.pyi", "py.typed", LIBRARY):
        assert "wd300com/" + f in names, f
    assert not any(n.startswith(("wd300com_build", "gen_bindings", "tests/", "rust/")) for n in names)
    assert library[:4] == b"\x7fELF" and b"EmailVersion" in library
    assert "Tag: py3-none-" + name.split("-py3-none-")[1][: -len(".whl")] in wheel_meta
    assert "License-Expression: MIT OR Apache-2.0" in metadata
    assert not re.search(r"^License: ", metadata, re.M)  # the deprecated field
    assert "Requires-Python: >=3.9" in metadata
    assert "wd300com = wd300com.cli:main" in entry_points
    if has_auditwheel():
        assert "-manylinux_" in name, name
        libs = [n for n in names if n.startswith("wd300com.libs/")]
        assert any("libssl" in n for n in libs) and any("libcrypto" in n for n in libs), libs
    else:
        assert name.endswith("-linux_x86_64.whl"), name


def test_build_prints_no_deprecation_warning(wheel):
    _path, log = wheel
    assert "wd300com: bundled %s (WD300COM_LIBRARY)" % RELEASE_LIBRARY in log, log
    offending = [line for line in log.splitlines() if "deprecat" in line.lower()]
    assert offending == [], offending


def test_installed_wheel_works_from_another_directory(wheel, tmp_path):
    path, _log = wheel
    python = make_venv(str(tmp_path / "venv"))
    r = run([python, "-m", "pip", "install", "-q", "--no-index", path])
    assert r.returncode == 0, output(r)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = check_installed(python, elsewhere)
    assert str(tmp_path / "venv") in out
    # The command line, as a module and as the installed script.
    r = subprocess.run([python, "-m", "wd300com", "--version"], cwd=str(elsewhere),
                       env=clean_env(), capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.startswith("wd300com %s (library %s" % (VERSION, VERSION)), output(r)
    script = os.path.join(os.path.dirname(python), "wd300com")
    r = subprocess.run([script, "--help"], cwd=str(elsewhere), env=clean_env(),
                       capture_output=True, text=True)
    assert r.returncode == 0 and "send" in r.stdout and "fetch" in r.stdout, output(r)
    # The type hints travel with the wheel (py.typed): mypy checks client code against it.
    (elsewhere / "client.py").write_text(
        "import wd300com as wd\n"
        "with wd.Message() as m:\n"
        "    m.subject = 'x'\n"
        "    n: int = m.size\n"
        "    m.size = 3\n"
    )
    r = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental",
         "--python-executable", python, "client.py"],
        cwd=str(elsewhere), env=clean_env(), capture_output=True, text=True,
    )
    assert r.returncode == 1, output(r)
    assert "client.py:5: error" in r.stdout and "read-only" in r.stdout, r.stdout
    assert "client.py:4" not in r.stdout and "import-untyped" not in r.stdout, r.stdout
    # TLS through the library the wheel carries (with the OpenSSL copied in by a
    # manylinux repair): a login over STARTTLS on the local IMAP server.
    if os.environ.get("WD_TEST_HOST"):
        env = clean_env({"WD300COM_PASSWORD": os.environ["WD_TEST_PASS2"]})
        r = subprocess.run(
            [python, "-m", "wd300com", "check", "-P", "imap", "-s", os.environ["WD_TEST_HOST"],
             "-p", os.environ["WD_TEST_IMAP_PORT"], "-u", os.environ["WD_TEST_USER2"],
             "--ca-file", os.environ["WD_TEST_CA"]],
            cwd=str(elsewhere), env=env, capture_output=True, text=True,
        )
        assert r.returncode == 0, output(r)
        assert r.stdout.startswith("ok: imap "), r.stdout


# -- failures of the build


def path_without_cargo():
    dirs = [d for d in os.environ.get("PATH", "").split(os.pathsep) if d]
    return os.pathsep.join(d for d in dirs if not os.path.exists(os.path.join(d, "cargo")))


def test_build_without_cargo_fails_clearly(tmp_path):
    out = tmp_path / "out"
    r = run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-cache-dir", "-w", out, PYTHON_DIR],
        env={"PATH": path_without_cargo()}, unset=("CARGO", "WD300COM_LIBRARY"),
    )
    assert r.returncode != 0, output(r)
    assert "cargo (the Rust toolchain, 1.95 or later) is not installed" in output(r), output(r)
    assert not list(out.glob("*.whl")) if out.exists() else True


def test_build_with_missing_library_env_fails(tmp_path):
    out = tmp_path / "out"
    r = run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-cache-dir", "-w", out, PYTHON_DIR],
        env={"WD300COM_LIBRARY": "/nonexistent/libwd300com.so"},
    )
    assert r.returncode != 0
    assert "WD300COM_LIBRARY=/nonexistent/libwd300com.so: no such file" in output(r)
    assert not list(out.glob("*.whl")) if out.exists() else True


# -- from a copy of the checkout without target/: the build compiles the library


@pytest.fixture(scope="module")
def checkout_copy(tmp_path_factory):
    """The checkout's files (tracked, and new ones not ignored) without target/ or any
    build output."""
    dest = tmp_path_factory.mktemp("clone") / "wd300com"
    r = run(["git", "-C", ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard"])
    assert r.returncode == 0, output(r)
    for rel in sorted(set(r.stdout.split("\0"))):
        src = os.path.join(ROOT, rel)
        if not rel or not os.path.isfile(src):
            continue  # deleted in the work tree
        os.makedirs(os.path.join(dest, os.path.dirname(rel)), exist_ok=True)
        shutil.copy2(src, os.path.join(dest, rel))
    assert not os.path.exists(dest / "target")
    assert not list((dest / "python" / "wd300com").glob("*.so"))
    return dest


def cargo_env():
    # The copy's crate is compiled; its dependencies come from the checkout's target/.
    return {"CARGO_TARGET_DIR": os.path.join(ROOT, "target")}


def test_pip_install_in_a_copy_without_target_builds_the_library(checkout_copy, tmp_path):
    python = make_venv(str(tmp_path / "venv"))
    r = run([python, "-m", "pip", "install", "-v", os.path.join(checkout_copy, "python")],
            env=cargo_env(), unset=("WD300COM_LIBRARY",))
    log = output(r)
    assert r.returncode == 0, log
    manifest = os.path.join(checkout_copy, "Cargo.toml")
    assert "wd300com: building the library: " in log and manifest in log, log
    assert "(built by cargo)" in log, log
    assert re.search(r"Compiling wd300com v%s \(%s\)" % (re.escape(VERSION), re.escape(str(checkout_copy))), log), log
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    check_installed(python, elsewhere)


def test_sdist_carries_the_rust_sources_and_builds_the_library(checkout_copy, tmp_path):
    r = run([sys.executable, "-m", "build", "--sdist", "--outdir", tmp_path / "dist",
             os.path.join(checkout_copy, "python")])
    assert r.returncode == 0, output(r)
    (sdist,) = (tmp_path / "dist").glob("wd300com-%s.tar.gz" % VERSION)
    top = "wd300com-%s/" % VERSION
    with tarfile.open(sdist) as t:
        names = {n[len(top):] for n in t.getnames() if n.startswith(top)}
    for f in ("pyproject.toml", "wd300com_build.py", "README.md", "wd300com/py.typed",
              "rust/Cargo.toml", "rust/Cargo.lock", "rust/build.rs", "rust/cbindgen.toml",
              "rust/include/wd300com.h", "rust/src/lib.rs", "rust/src/message/properties.tsv"):
        assert f in names, f
    assert "setup.py" not in names
    assert not any(n.startswith("tests/") for n in names)  # they need the checkout
    assert not any(n.endswith(".so") or n.startswith("rust/target") for n in names)
    # The wheel from the sdist alone: cargo compiles the crate under rust/.
    r = run([sys.executable, "-m", "pip", "wheel", "-v", "--no-deps", "--no-cache-dir",
             "-w", tmp_path / "wheel", sdist], env=cargo_env(), unset=("WD300COM_LIBRARY",))
    log = output(r)
    assert r.returncode == 0, log
    assert re.search(r"building the library: .*/rust/Cargo\.toml", log), log
    (whl,) = (tmp_path / "wheel").glob("*.whl")
    assert WHEEL_NAME.match(whl.name), whl.name
    with zipfile.ZipFile(whl) as z:
        assert z.read("wd300com/" + LIBRARY)[:4] == b"\x7fELF"
