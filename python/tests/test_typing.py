"""The package's type hints: mypy --strict passes on the package (configuration in
pyproject.toml, [tool.mypy]), accepts typical client code and rejects wrong uses."""

import os
import subprocess
import sys
import textwrap

import pytest

from conftest import PYTHON_DIR


def mypy(*args, cwd=PYTHON_DIR):
    """Runs mypy in `cwd`, the package importable from this checkout (MYPYPATH)."""
    try:
        import mypy  # noqa: F401
    except ImportError:
        pytest.fail("mypy is not installed: run scripts/install-deps (or pip install mypy)")
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--no-incremental", *args],
        cwd=str(cwd), env=dict(os.environ, MYPYPATH=PYTHON_DIR), capture_output=True, text=True,
    )


def test_package_passes_mypy_strict():
    r = mypy("--config-file", "pyproject.toml")
    assert r.returncode == 0, r.stdout + r.stderr


def test_py_typed_marker_is_in_the_package():
    assert os.path.isfile(os.path.join(PYTHON_DIR, "wd300com", "py.typed"))


CLIENT = '''
from typing import List, Optional
import wd300com as wd

def send(host: str, password: str) -> Optional[int]:
    with wd.Message() as msg:
        msg.sender = "a@wd.test"
        msg.to = ["b@wd.test"]
        msg.subject = "x"
        msg.priority = 1
        msg.seen = True
        msg.add_attachment_data("a.bin", b"\\x00", None)
        source: bytes = msg.build()
        with wd.SmtpSession(host, 587, "a@wd.test", password, security="starttls") as smtp:
            return smtp.send(msg)

def read(host: str) -> List[str]:
    subjects: List[str] = []
    with wd.ImapSession(host, 993, "b@wd.test", "pw", security="ssl") as imap:
        for m in imap.messages(wd.WD_READ_HEADER):
            subjects.append(m.subject)
            size: int = m.size
            names = [a.name for a in m.attachments]
        folders: List[str] = imap.folders()
    pop = wd.Session.declare("s", "pop3", server=host, port=110)
    count: int = pop.count()
    return subjects

def flat() -> None:
    h: int = wd.EmailCree()
    subject: Optional[str] = wd.EmailPropriete(h, wd.WD_EMAIL_SUBJECT, 0)
    data: Optional[bytes] = wd.EmailSource(h)
    wd.EmailLibere(h)

def errors() -> None:
    try:
        send("h", "p")
    except wd.AuthError as e:
        code: int = e.code
        reply: Optional[str] = e.server_reply
    except TimeoutError:
        pass
    except wd.WdError as e:
        print(e.message)
'''

WRONG = '''
import wd300com as wd

with wd.Message() as msg:
    msg.uid = "1"
    msg.priority = "high"
    n: str = msg.size
wd.EmailCree(1)
wd.SmtpSession("h", "587")
'''


def test_client_code_is_typed(tmp_path):
    (tmp_path / "client.py").write_text(textwrap.dedent(CLIENT))
    r = mypy("--strict", "client.py", cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr


def test_wrong_uses_are_rejected(tmp_path):
    (tmp_path / "wrong.py").write_text(textwrap.dedent(WRONG))
    r = mypy("--strict", "wrong.py", cwd=tmp_path)
    out = r.stdout
    assert r.returncode == 1, out + r.stderr
    lines = {int(line.split(":")[1]) for line in out.splitlines() if line.startswith("wrong.py:")}
    assert lines >= {5, 6, 7, 8, 9}, out
    assert 'Property "uid"' in out and "read-only" in out, out
